import Glibc
import Testing
@testable import HyloODE

/// `y' = y cos t`, `y(0) = 1`: `y = exp(sin t)`; non-autonomous and nonlinear in t.
let expSine = ClosureSystem(dimension: 1) { t, y, _, dy in
    dy[0] = y[0] * cos(t)
    return true
}

/// The error at t = 1 with `n` fixed steps.
func fixedStepError(_ method: ODEMethod, steps n: Int) throws -> Double {
    var options = SolverOptions(method: method)
    options.fixedStep = 1.0 / Double(n)
    let solution = try solve(expSine, y0: [1], t0: 0, times: [1], options: options)
    return abs(solution.states[0][0] - exp(sin(1.0)))
}

@Suite struct ConvergenceTests {
    /// Every method's observed order, log₂ of the error ratio when the step is halved, matches its
    /// theoretical order. Step counts keep the errors well above rounding.
    @Test(arguments: [("euler", 64), ("midpoint", 64), ("rk4", 16), ("bs3", 32), ("dopri5", 8), ("tsit5", 8),
                      ("vern8", 2), ("kvaerno5", 8), ("rodas4", 16)])
    func observedOrderMatchesTheory(name: String, steps: Int) throws {
        let method = try #require(ODEMethod.named(name))
        let coarse = try fixedStepError(method, steps: steps)
        let fine = try fixedStepError(method, steps: 2 * steps)
        let observed = log2(coarse / fine)
        #expect(abs(observed - Double(method.order)) < 0.35, "\(name): observed order \(observed), errors \(coarse) \(fine)")
    }

    /// Adaptive solves meet their tolerance (error within a small multiple of rtol) with every
    /// adaptive method.
    @Test(arguments: ["bs3", "dopri5", "tsit5", "vern8", "kvaerno5", "rodas4"])
    func adaptiveSolveMeetsTheTolerance(name: String) throws {
        var options = SolverOptions(method: try #require(ODEMethod.named(name)))
        options.relativeTolerance = 1e-7
        options.absoluteTolerance = 1e-10
        let times = Array(stride(from: 0.0, through: 10, by: 0.5))
        let solution = try solve(expSine, y0: [1], t0: 0, times: times, options: options)
        let worst = zip(times, solution.states).map { abs($1[0] - exp(sin($0))) / exp(sin($0)) }.max()!
        #expect(worst < 2e-5, "\(name): worst relative error \(worst), \(solution.statistics)")
        #expect(solution.statistics.acceptedSteps > 5)
    }

    /// Integrating backwards in time recovers the initial state.
    @Test func backwardIntegration() throws {
        var options = SolverOptions()
        options.relativeTolerance = 1e-10
        let forward = try solve(expSine, y0: [1], t0: 0, times: [3], options: options)
        let back = try solve(expSine, y0: forward.states[0], t0: 3, times: [1.5, 0], options: options)
        #expect(abs(back.states[1][0] - 1) < 1e-8)
        #expect(abs(back.states[0][0] - exp(sin(1.5))) < 1e-8)
    }

    /// The dense output between steps is third-order accurate: at loose tolerance it stays within
    /// the tolerance everywhere, not only at the step points.
    @Test func denseOutputIsAccurateBetweenSteps() throws {
        var options = SolverOptions(method: .explicit(.dormandPrince5))
        options.relativeTolerance = 1e-6
        options.stopAtOutputTimes = false
        let solution = try solve(expSine, y0: [1], t0: 0, times: Array(stride(from: 0.5, through: 10, by: 0.5)), options: options)
        let atOutputs = zip(solution.times, solution.states).map { abs($1[0] - exp(sin($0))) }.max()!
        #expect(atOutputs < 1e-4, "interpolated outputs error \(atOutputs)")
        let worst = stride(from: 0.0, through: 10, by: 0.01).map { abs(solution.trajectory($0)[0] - exp(sin($0))) }.max()!
        #expect(worst < 1e-4, "dense output error \(worst)")
    }
}
