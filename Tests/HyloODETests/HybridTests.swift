import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloODE

@Suite struct HybridTests {
    /// The dense network's vector–Jacobian product against central differences, for inputs and weights.
    @Test(arguments: [Activation.tanh, .softplus, .gelu, .sigmoid, .gaussian])
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
        try expectCentralDifferences(at: p, [0, 1, 5, 17, p.count - 1], match: g.parameters, "parameter", loss)
    }

    /// The decay physics with a 2 → 6 → 2 network, and its parameters [k, φ].
    func objectiveModel() throws -> (HybridSystem, [Double]) {
        let system = try HybridSystem(physics: decayPhysics, network: DenseNetwork(widths: [2, 6, 2]))
        return (system, [0.7] + system.network.initialParameters(seed: 5, outputScale: 1))
    }

    /// Training options whose solves are accurate enough for finite differences of the objective.
    func tightTraining() -> HybridTraining {
        var options = HybridTraining()
        options.solver.relativeTolerance = 1e-11
        options.solver.absoluteTolerance = 1e-12
        return options
    }

    /// Central differences (step 10⁻⁶) of `f` in each coordinate `indices` of `x` match `gradient`
    /// to 10⁻⁶ relative.
    func expectCentralDifferences(at x: [Double], _ indices: [Int], match gradient: [Double], _ label: String,
                                  _ f: ([Double]) throws -> Double) throws {
        for k in indices {
            var a = x, b = x
            a[k] += 1e-6; b[k] -= 1e-6
            let fd = (try f(a) - f(b)) / 2e-6
            #expect(abs(fd - gradient[k]) < 1e-6 * max(1, abs(fd)), "\(label) \(k): \(gradient[k]) vs \(fd)")
        }
    }

    /// The training objective with every regularizer (‖g‖² penalty, ⟨f, g⟩², physics-alone fit,
    /// weight decay) has the gradient of its value.
    @Test func trainingObjectiveGradientMatchesFiniteDifferences() throws {
        let (system, p) = try objectiveModel()
        var options = tightTraining()
        options.networkPenalty = 0.3
        options.orthogonalityPenalty = 0.8
        options.physicsFitWeight = 0.5
        options.weightDecay = 1e-3
        let times = [0.5, 1.0, 2.0]
        let data = [TrajectoryData(t0: 0, y0: [1, -0.5], times: times, observations: times.map { [exp(-$0), -0.5 * exp(-1.2 * $0)] }),
                    TrajectoryData(t0: 0, y0: [0.3, 0.8], times: times, observations: times.map { [0.3 * exp(-$0), 0.8 * exp(-0.9 * $0)] })]
        let objective = HybridObjective(system: system, data: data, options: options)
        let value = try objective.evaluate(p, nodes: [], multiplier: 1)
        try expectCentralDifferences(at: p, [0, 1, 4, 11, p.count - 1], match: value.gradient, "parameter") {
            try objective.evaluate($0, nodes: [], multiplier: 1).total
        }
    }

    /// Multiple shooting's objective (segments from free node states, continuity defects at the
    /// joins, with the network penalty along every segment) has the gradient of its value, for the
    /// parameters and for the node states.
    @Test func multipleShootingGradientMatchesFiniteDifferences() throws {
        let (system, p) = try objectiveModel()
        var options = tightTraining()
        options.shootingSegments = 3
        options.continuityWeight = 7
        options.networkPenalty = 0.3
        let times = [0.4, 0.8, 1.2, 1.6, 2.0]
        let data = [TrajectoryData(t0: 0, y0: [1, -0.5], times: times, observations: times.map { [exp(-$0), -0.5 * exp(-1.2 * $0)] },
                                   mask: times.indices.map { [$0 != 2, true] })]
        let objective = HybridObjective(system: system, data: data, options: options)
        #expect(objective.segmentBounds(times.count) == [0, 1, 3, 5])
        let nodes = objective.initialNodes()
        // the second segment's start (t = 0.4) is observed; the third's (t = 1.2) only in y, so x
        // starts from its last earlier observation (t = 0.8)
        #expect(nodes == [exp(-0.4), -0.5 * exp(-0.48), exp(-0.8), -0.5 * exp(-1.44)])
        let u = nodes.enumerated().map { $1 + 0.05 * Double($0 + 1) }  // joins with defects
        let value = try objective.evaluate(p, nodes: u, multiplier: 1)
        #expect(value.continuityDefect > 1e-4)
        try expectCentralDifferences(at: p, [0, 1, 9, p.count - 1], match: value.gradient, "parameter") {
            try objective.evaluate($0, nodes: u, multiplier: 1).total
        }
        try expectCentralDifferences(at: u, Array(u.indices), match: value.nodeGradient, "node") {
            try objective.evaluate(p, nodes: $0, multiplier: 1).total
        }
    }

    /// 1-D decay y' = −k y + g(y) fitted to y = e^{−1.5 t}: any split of the rate between k and g
    /// fits; forbidding overlap of physics and network (in 1-D: g = 0 wherever f ≠ 0) makes the
    /// physics take all of it.
    @Test func orthogonalityPenaltyGivesThePhysicsWhatItCanExplain() throws {
        let physics = ClosureSystem(dimension: 1, parameterCount: 1) { _, y, p, dy in dy[0] = -p[0] * y[0]; return true }
        let system = try HybridSystem(physics: physics, network: DenseNetwork(widths: [1, 8, 1]))
        let times = (1...10).map { 0.3 * Double($0) }
        let data = [1.0, 2.0].map { y0 in TrajectoryData(t0: 0, y0: [y0], times: times, observations: times.map { [y0 * exp(-1.5 * $0)] }) }
        var options = HybridTraining()
        options.orthogonalityPenalty = 10
        options.adamIterations = 200
        options.lbfgsIterations = 100
        let result = try trainHybrid(system, data: data, initialParameters: [0.5] + system.network.initialParameters(seed: 2, outputScale: 1),
                                     options: options)
        #expect(abs(result.parameters[0] - 1.5) < 0.03, "k = \(result.parameters[0])")
        #expect(result.networkNorm < 1e-3 && result.dataLoss < 1e-5, "‖g‖² \(result.networkNorm), MSE \(result.dataLoss)")
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
