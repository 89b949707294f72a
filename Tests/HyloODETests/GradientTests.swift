import Glibc
import Testing
@testable import HyloODE

/// Lotka–Volterra `x' = αx − βxy`, `y' = δxy − γy` with exact derivatives.
let lotkaVolterra = ClosureSystem(
    dimension: 2, parameterCount: 4,
    jacobian: { _, u, p, J in
        J[0] = p[0] - p[1] * u[1]; J[1] = -p[1] * u[0]
        J[2] = p[2] * u[1]; J[3] = p[2] * u[0] - p[3]
        return true
    },
    vjp: { _, u, p, v, uBar, pBar in
        uBar[0] += v[0] * (p[0] - p[1] * u[1]) + v[1] * p[2] * u[1]
        uBar[1] += -v[0] * p[1] * u[0] + v[1] * (p[2] * u[0] - p[3])
        pBar[0] += v[0] * u[0]; pBar[1] -= v[0] * u[0] * u[1]
        pBar[2] += v[1] * u[0] * u[1]; pBar[3] -= v[1] * u[1]
        return true
    }) { _, u, p, du in
        du[0] = p[0] * u[0] - p[1] * u[0] * u[1]
        du[1] = p[2] * u[0] * u[1] - p[3] * u[1]
        return true
    }

/// A loss with a cotangent at every output: `L = Σₖ Σᵢ wᵢ yᵢ(tₖ)²`.
func quadraticLoss(_ solution: ODESolution, weights: [Double]) -> Double {
    solution.states.reduce(0) { acc, y in acc + zip(weights, y).reduce(0) { $0 + $1.0 * $1.1 * $1.1 } }
}
func quadraticCotangents(_ solution: ODESolution, weights: [Double]) -> [[Double]] {
    solution.states.map { y in zip(weights, y).map { 2 * $0 * $1 } }
}

/// Central finite differences of the loss of fresh solves, with respect to y0 then p.
func finiteDifferenceGradient(_ system: ODESystem, y0: [Double], times: [Double], parameters: [Double],
                              options: SolverOptions, weights: [Double]) throws -> [Double] {
    func loss(_ y0: [Double], _ p: [Double]) throws -> Double {
        quadraticLoss(try solve(system, y0: y0, t0: 0, times: times, parameters: p, options: options), weights: weights)
    }
    var g: [Double] = []
    for i in 0..<y0.count {
        let h = 1e-6 * max(1, abs(y0[i]))
        var a = y0, b = y0
        a[i] += h; b[i] -= h
        g.append((try loss(a, parameters) - loss(b, parameters)) / (2 * h))
    }
    for k in 0..<parameters.count {
        let h = 1e-6 * max(1e-3, abs(parameters[k]))
        var a = parameters, b = parameters
        a[k] += h; b[k] -= h
        g.append((try loss(y0, a) - loss(y0, b)) / (2 * h))
    }
    return g
}

func expectClose(_ a: [Double], _ b: [Double], relative: Double, _ label: String) {
    let scale = b.map(abs).max()!
    for (x, y) in zip(a, b) {
        #expect(abs(x - y) <= relative * max(abs(y), 1e-3 * scale), "\(label): \(a) vs \(b)")
    }
}

@Suite struct GradientTests {
    /// Robertson forward sensitivities against the published output of CVODES' cvsRoberts_FSA_dns.
    @Test func robertsonSensitivitiesMatchCVODES() throws {
        var options = SolverOptions(method: .esdirk(.kvaerno5))
        options.relativeTolerance = 1e-8
        options.absoluteTolerance = 1e-14
        let result = try solveWithSensitivities(robertson(exactJacobian: true), y0: [1, 0, 0], t0: 0, times: [0.4, 40],
                                                parameters: robertsonParameters, options: options)
        let expected: [(y: [Double], s1: [Double])] = [
            ([9.8517e-1, 3.3864e-5, 1.4794e-2], [-3.5595e-1, 3.9025e-4, 3.5556e-1]),
            ([7.1583e-1, 9.1856e-6, 2.8416e-1], [-4.2475, 4.5913e-5, 4.2475])]
        for (k, e) in expected.enumerated() {
            for i in 0..<3 {
                let y = result.solution.states[k][i], s = result.sensitivities[k][i * result.columns]
                #expect(abs(y - e.y[i]) <= 1e-4 * abs(e.y[i]), "t=\(result.solution.times[k]) y\(i + 1) = \(y)")
                #expect(abs(s - e.s1[i]) <= 1e-4 * abs(e.s1[i]), "t=\(result.solution.times[k]) ∂y\(i + 1)/∂p1 = \(s)")
            }
        }
    }

    /// On Lotka–Volterra (non-stiff), all three gradient methods agree with finite differences, for
    /// the exact and the finite-difference derivatives of f.
    @Test(arguments: [GradientMethod.discreteAdjoint, .continuousAdjoint, .forwardSensitivities], [true, false])
    func nonStiffGradientsAgree(method: GradientMethod, exactDerivatives: Bool) throws {
        let system: ODESystem = exactDerivatives ? lotkaVolterra : ClosureSystem(dimension: 2, parameterCount: 4) { t, u, p, du in
            try lotkaVolterra.rhs(t, u, p, into: &du)
        }
        var options = SolverOptions(method: .explicit(.tsitouras5))
        options.relativeTolerance = 1e-10
        options.absoluteTolerance = 1e-12
        let y0 = [0.44249296, 4.6280594], p = [1.3, 0.9, 0.8, 1.8], times = [0.5, 1.5, 3]
        let weights = [1.0, 0.5]
        let result = try gradient(system, y0: y0, t0: 0, times: times, parameters: p, options: options, method: method) {
            quadraticCotangents($0, weights: weights)
        }
        let reference = try finiteDifferenceGradient(system, y0: y0, times: times, parameters: p, options: options, weights: weights)
        expectClose(result.initialState + result.parameters, reference, relative: 1e-5, "\(method)")
    }

    /// On Robertson (stiff), gradients with respect to the rate constants by every method that
    /// applies to each stiff solver agree with finite differences.
    @Test(arguments: [("kvaerno5", GradientMethod.discreteAdjoint), ("kvaerno5", .continuousAdjoint),
                      ("kvaerno5", .forwardSensitivities), ("rodas4", .continuousAdjoint)])
    func stiffGradientsAgree(name: String, method: GradientMethod) throws {
        var options = SolverOptions(method: try #require(ODEMethod.named(name)))
        options.relativeTolerance = 1e-9
        options.absoluteTolerance = 1e-14
        let system = robertson(exactJacobian: true), times = [0.4, 4, 40]
        let weights = [1.0, 1e4, 1.0]
        let result = try gradient(system, y0: [1, 0, 0], t0: 0, times: times, parameters: robertsonParameters,
                                  options: options, method: method) { quadraticCotangents($0, weights: weights) }
        let reference = try finiteDifferenceGradient(system, y0: [1, 0, 0], times: times, parameters: robertsonParameters,
                                                     options: options, weights: weights)
        expectClose(result.initialState + result.parameters, reference, relative: 1e-4, "\(name) \(method)")
    }

    @Test func discreteAdjointOfRosenbrockIsRefusedWithAHint() throws {
        #expect(throws: ODEError.self) {
            try gradient(lotkaVolterra, y0: [1, 1], t0: 0, times: [1], parameters: [1.3, 0.9, 0.8, 1.8],
                         options: SolverOptions(method: .rosenbrock(.rodas4))) { _ in [[1, 1]] }
        }
    }
}
