import Glibc
import Testing
@testable import HyloODE

/// Robertson's chemical kinetics with CVODES' parameter order p = (0.04, 1e4, 3e7).
func robertson(exactJacobian: Bool) -> ClosureSystem {
    let jacobian: ClosureSystem.Jacobian = { _, y, p, J in
        J[0] = -p[0]; J[1] = p[1] * y[2]; J[2] = p[1] * y[1]
        J[3] = p[0]; J[4] = -p[1] * y[2] - 2 * p[2] * y[1]; J[5] = -p[1] * y[1]
        J[6] = 0; J[7] = 2 * p[2] * y[1]; J[8] = 0
        return true
    }
    return ClosureSystem(dimension: 3, parameterCount: 3, jacobian: exactJacobian ? jacobian : nil) { _, y, p, dy in
        dy[0] = -p[0] * y[0] + p[1] * y[1] * y[2]
        dy[1] = p[0] * y[0] - p[1] * y[1] * y[2] - p[2] * y[1] * y[1]
        dy[2] = p[2] * y[1] * y[1]
        return true
    }
}

let robertsonParameters = [0.04, 1e4, 3e7]
/// y(100), the reference of the hybrid-solver issue (Hairer–Wanner's high-precision value).
let robertsonAt100 = [0.6172348816081134, 6.153591196187991e-06, 0.382758964800691]

@Suite struct StiffTests {
    /// Robertson to t = 100 with both stiff methods, with the exact and the finite-difference
    /// Jacobian: every component within 1e-6 relative of the reference.
    @Test(arguments: ["kvaerno5", "rodas4"], [true, false])
    func robertsonMatchesTheReference(name: String, exactJacobian: Bool) throws {
        var options = SolverOptions(method: try #require(ODEMethod.named(name)))
        options.relativeTolerance = 1e-8
        options.absoluteTolerance = 1e-14
        let solution = try solve(robertson(exactJacobian: exactJacobian), y0: [1, 0, 0], t0: 0, times: [100],
                                 parameters: robertsonParameters, options: options)
        for i in 0..<3 {
            let relative = abs(solution.states[0][i] - robertsonAt100[i]) / robertsonAt100[i]
            #expect(relative < 1e-6, "\(name) y\(i + 1): \(solution.states[0][i]) vs \(robertsonAt100[i]), \(solution.statistics)")
        }
        #expect(solution.statistics.acceptedSteps < 2000, "\(solution.statistics)")
    }

    /// An explicit method on Robertson runs into its step limit and says what to do.
    @Test func explicitMethodOnAStiffProblemReportsTheStepLimit() throws {
        var options = SolverOptions()
        options.maxSteps = 2000
        #expect(throws: ODEError.self) {
            try solve(robertson(exactJacobian: true), y0: [1, 0, 0], t0: 0, times: [100],
                      parameters: robertsonParameters, options: options)
        }
        do {
            _ = try solve(robertson(exactJacobian: true), y0: [1, 0, 0], t0: 0, times: [100],
                          parameters: robertsonParameters, options: options)
        } catch let error as ODEError {
            #expect(error.description.contains("stiff method"))
        }
    }
}
