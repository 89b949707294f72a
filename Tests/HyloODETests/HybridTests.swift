import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloODE

@Suite struct HybridTests {
    /// The dense network's vector–Jacobian product against central differences, for inputs and weights.
    @Test(arguments: [Activation.tanh, .softplus, .gelu, .sigmoid])
    func denseNetworkGradientsMatchFiniteDifferences(activation: Activation) {
        let net = DenseNetwork(widths: [3, 5, 4, 2], activation: activation)
        let w = net.initialParameters(seed: 1, outputScale: 1)
        let x = [0.3, -0.7, 1.1], v = [0.6, -1.3]
        func value(_ x: [Double], _ w: [Double]) -> Double {
            var tape = DenseNetwork.Tape()
            let y = x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { net(xp, weights: $0, tape: &tape) } }
            return zip(y, v).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var tape = DenseNetwork.Tape()
        _ = x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { net(xp, weights: $0, tape: &tape) } }
        var xBar = [Double](repeating: 0, count: 3), wBar = [Double](repeating: 0, count: w.count)
        w.withUnsafeBufferPointer { wp in net.backward(tape, cotangent: v, weights: wp, xBar: &xBar, wBar: &wBar) }
        let h = 1e-6
        for i in 0..<3 {
            var a = x, b = x
            a[i] += h; b[i] -= h
            #expect(abs((value(a, w) - value(b, w)) / (2 * h) - xBar[i]) < 1e-7)
        }
        for k in stride(from: 0, to: w.count, by: 3) {
            var a = w, b = w
            a[k] += h; b[k] -= h
            #expect(abs((value(x, a) - value(x, b)) / (2 * h) - wBar[k]) < 1e-7, "weight \(k)")
        }
    }

    /// Gradients through a solve of a hybrid model agree with finite differences for the physical
    /// parameter and the network's weights.
    @Test func hybridGradientsMatchFiniteDifferences() throws {
        let system = try HybridSystem(physics: decayPhysics, network: DenseNetwork(widths: [2, 8, 2]))
        let p = [0.7] + system.network.initialParameters(seed: 3, outputScale: 1)
        var options = SolverOptions()
        options.relativeTolerance = 1e-11
        options.absoluteTolerance = 1e-12
        let times = [0.5, 1.0, 2.0], y0 = [1.0, -0.5]
        func loss(_ p: [Double]) throws -> Double {
            try solve(system, y0: y0, t0: 0, times: times, parameters: p, options: options).states.reduce(0) { $0 + $1[0] * $1[0] + $1[1] }
        }
        let g = try gradient(system, y0: y0, t0: 0, times: times, parameters: p, options: options) { s in
            s.states.map { [2 * $0[0], 1] }
        }
        for k in [0, 1, 5, 17, p.count - 1] {
            var a = p, b = p
            a[k] += 1e-6; b[k] -= 1e-6
            let fd = (try loss(a) - loss(b)) / 2e-6
            #expect(abs(fd - g.parameters[k]) < 1e-6 * max(1, abs(fd)), "parameter \(k): \(g.parameters[k]) vs \(fd)")
        }
    }

    /// Sparse regression recovers a known polynomial vector field exactly.
    @Test func sparseRegressionRecoversAPolynomial() throws {
        var rng = Philox(seed: 5)
        let samples = (0..<200).map { _ in [rng.uniform() * 4, rng.uniform() * 4] }
        let targets = samples.map { [-0.9 * $0[0] * $0[1], 0.8 * $0[0] * $0[1] - 0.3 * $0[1] * $0[1]] }
        let library = CandidateLibrary.polynomials(variables: ["x", "y"], degree: 3)
        #expect(library.names == ["1", "x", "y", "x^2", "x*y", "y^2", "x^3", "x^2*y", "x*y^2", "y^3"])
        let xi = try sparseRegression(samples: samples, targets: targets, library: library, threshold: 0.05)
        #expect(abs(xi[0][4] + 0.9) < 1e-8 && abs(xi[1][4] - 0.8) < 1e-8 && abs(xi[1][5] + 0.3) < 1e-8)
        #expect(xi[0].enumerated().allSatisfy { $0.offset == 4 || $0.element == 0 })
    }
}

/// `y' = −k y` componentwise, with exact derivatives.
let decayPhysics = ClosureSystem(
    dimension: 2, parameterCount: 1,
    vjp: { _, y, p, v, yBar, pBar in
        for i in 0..<2 { yBar[i] -= p[0] * v[i]; pBar[0] -= v[i] * y[i] }
        return true
    }) { _, y, p, dy in
        for i in 0..<2 { dy[i] = -p[0] * y[i] }
        return true
    }
