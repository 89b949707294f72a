import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloODE

/// The four ways a network enters a hybrid model: derivatives against central differences, and a
/// fit that only the coupling in question can make.
@Suite struct HybridCouplingTests {
    /// `f = (−a y₀ + sin y₁, b y₀ y₁ − y₁)` with its exact VJP.
    static let physics = ClosureSystem(
        dimension: 2, parameterCount: 2,
        vjp: { _, y, p, v, yBar, pBar in
            yBar[0] += -p[0] * v[0] + p[1] * y[1] * v[1]
            yBar[1] += cos(y[1]) * v[0] + (p[1] * y[0] - 1) * v[1]
            pBar[0] += -y[0] * v[0]
            pBar[1] += y[0] * y[1] * v[1]
            return true
        }) { _, y, p, dy in
            dy[0] = -p[0] * y[0] + sin(y[1])
            dy[1] = p[1] * y[0] * y[1] - y[1]
            return true
        }

    static func model(_ coupling: HybridCoupling, physics: ODESystem? = physics) throws -> (HybridSystem, [Double]) {
        let outputs = coupling == .hamiltonian ? 1 : 2
        let network = DenseNetwork(widths: [coupling.networkInputs(dimension: 2), 5, 4, outputs], activation: .tanh)
        let system = try HybridSystem(physics: physics, network: network, coupling: coupling)
        return (system, Array([0.7, 0.4].prefix(system.physicsParameterCount)) + network.initialParameters(seed: 9, outputScale: 1))
    }

    /// `⟨v, F(x)⟩`'s central differences in every coordinate of `x` match `gradient`.
    func expectGradient(_ gradient: [Double], at x: [Double], _ label: String, _ f: ([Double]) throws -> Double) rethrows {
        for k in x.indices {
            var a = x, b = x
            a[k] += 1e-6; b[k] -= 1e-6
            let fd = (try f(a) - f(b)) / 2e-6
            #expect(abs(fd - gradient[k]) < 1e-7 * max(1, abs(fd)), "\(label) \(k): \(gradient[k]) vs \(fd)")
        }
    }

    static let cases: [(HybridCoupling, Bool)] = [(.additive, true), (.physicsOutput, true), (.parameters, true),
                                                   (.hamiltonian, true), (.hamiltonian, false), (.additive, false)]

    /// The right-hand side's VJP and Jacobian, and the network term's VJP, for every coupling.
    @Test(arguments: 0..<cases.count)
    func derivativesMatchFiniteDifferences(index: Int) throws {
        let (coupling, withPhysics) = Self.cases[index]
        let (system, p) = try Self.model(coupling, physics: withPhysics ? Self.physics : nil)
        let y = [0.6, -0.9], v = [1.3, -0.4], t = 0.2
        func dot(_ a: [Double]) -> Double { zip(a, v).reduce(0) { $0 + $1.0 * $1.1 } }
        func rhs(_ y: [Double], _ p: [Double]) throws -> [Double] {
            var dy = [0.0, 0.0]
            #expect(try system.rhs(t, y, p, into: &dy))
            return dy
        }
        var yBar = [0.0, 0.0], pBar = [Double](repeating: 0, count: p.count)
        #expect(try system.vjp(t, y, p, cotangent: v, addingTo: &yBar, &pBar))
        try expectGradient(yBar, at: y, "\(coupling) ∂/∂y") { try dot(rhs($0, p)) }
        try expectGradient(pBar, at: p, "\(coupling) ∂/∂p") { try dot(rhs(y, $0)) }

        var J = [Double](repeating: 0, count: 4)
        #expect(try system.jacobian(t, y, p, into: &J))
        for i in 0..<2 {
            try expectGradient(Array(J[(2 * i)..<(2 * i + 2)]), at: y, "\(coupling) Jacobian row \(i)") { try rhs($0, p)[i] }
        }

        var gyBar = [0.0, 0.0], gpBar = [Double](repeating: 0, count: p.count)
        try system.networkVJP(t, y, p, cotangent: v, yBar: &gyBar, pBar: &gpBar)
        try expectGradient(gyBar, at: y, "\(coupling) term ∂/∂y") { try dot(system.networkTerm(t, $0, p)) }
        try expectGradient(gpBar, at: p, "\(coupling) term ∂/∂p") { try dot(system.networkTerm(t, y, $0)) }
        // the network term is the model minus the physics at the same p
        var f = [0.0, 0.0]
        if withPhysics { _ = try Self.physics.rhs(t, y, Array(p[0..<2]), into: &f) }
        let g = try system.networkTerm(t, y, p)
        for i in 0..<2 { #expect(abs(try rhs(y, p)[i] - f[i] - g[i]) < 1e-14) }
    }

    /// A scalar network's input gradient, and that gradient's VJP (Hessian-vector product and
    /// weight derivatives), against central differences.
    @Test(arguments: [Activation.tanh, .softplus, .gelu, .silu, .sigmoid, .gaussian, .elu])
    func inputGradientAndItsVJPMatchFiniteDifferences(activation: Activation) {
        let net = DenseNetwork(widths: [3, 6, 5, 1], activation: activation)
        let w = net.initialParameters(seed: 4, outputScale: 1)
        let x = [0.4, -0.8, 0.3], u = [0.9, -0.2, 0.5]
        func value(_ x: [Double], _ w: [Double]) -> Double {
            var tape = DenseNetwork.Tape()
            return x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { net(xp, weights: $0, tape: &tape)[0] } }
        }
        func gradient(_ x: [Double], _ w: [Double], _ tape: inout DenseNetwork.GradientTape) -> [Double] {
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { net.inputGradient(xp, weights: $0, tape: &tape) } }
        }
        var tape = DenseNetwork.GradientTape()
        let g = gradient(x, w, &tape)
        expectGradient(g, at: x, "\(activation) ∇H") { value($0, w) }
        var xBar = [0.0, 0.0, 0.0], wBar = [Double](repeating: 0, count: w.count)
        w.withUnsafeBufferPointer { net.inputGradientBackward(tape, cotangent: u, weights: $0, xBar: &xBar, wBar: &wBar) }
        func projected(_ x: [Double], _ w: [Double]) -> Double {
            var t = DenseNetwork.GradientTape()
            return zip(gradient(x, w, &t), u).reduce(0) { $0 + $1.0 * $1.1 }
        }
        expectGradient(xBar, at: x, "\(activation) Hu") { projected($0, w) }
        expectGradient(wBar, at: w, "\(activation) ∂(u·∇H)/∂w") { projected(x, $0) }
    }

    /// A pure Hamiltonian network fitted to short pendulum arcs (H = p²/2 + 1 − cos q) forecasts an
    /// unseen swing over five periods, and its flow conserves the learned energy.
    @Test func hamiltonianNetworkLearnsAPendulum() throws {
        let pendulum = ClosureSystem(dimension: 2) { _, y, _, dy in dy[0] = y[1]; dy[1] = -sin(y[0]); return true }
        let system = try HybridSystem(physics: nil, network: DenseNetwork(widths: [2, 12, 12, 1]), coupling: .hamiltonian)
        let times = (1...10).map { 0.3 * Double($0) }
        let starts = [[0.5, 0.0], [1.0, 0.3], [-1.4, 0.2], [0.0, 1.2], [0.3, -0.8], [2.0, 0.0]]
        let data = try starts.map { y0 in
            TrajectoryData(t0: 0, y0: y0, times: times, observations: try solve(pendulum, y0: y0, t0: 0, times: times, parameters: []).states)
        }
        var options = HybridTraining()
        options.adamIterations = 200
        options.learningRate = 5e-3
        options.lbfgsIterations = 200
        let result = try trainHybrid(system, data: data, initialParameters: system.network.initialParameters(seed: 1, outputScale: 1),
                                     options: options)
        #expect(result.dataLoss < 1e-4, "MSE \(result.dataLoss)")
        let horizon = (1...100).map { 0.3 * Double($0) }  // ≈ 5 periods
        let y0 = [1.2, -0.1]
        let truth = try solve(pendulum, y0: y0, t0: 0, times: horizon, parameters: []).states
        let forecast = try solve(system, y0: y0, t0: 0, times: horizon, parameters: result.parameters).states
        let error = zip(truth, forecast).map { max(abs($0[0] - $1[0]), abs($0[1] - $1[1])) }.max()!
        #expect(error < 0.25, "forecast error \(error)")
        // the true energy stays near its start on the learned flow (no spiral in or out)
        let trueEnergy = forecast.map { $0[1] * $0[1] / 2 + 1 - cos($0[0]) }
        let spread = trueEnergy.max()! - trueEnergy.min()!
        #expect(spread < 0.02, "true energy spread \(spread)")
        func energy(_ y: [Double]) -> Double {
            var tape = DenseNetwork.Tape()
            return y.withUnsafeBufferPointer { yp in result.parameters.withUnsafeBufferPointer { system.network(yp, weights: $0, tape: &tape)[0] } }
        }
        let drift = forecast.map { abs(energy($0) - energy(y0)) }.max()!
        #expect(drift < 1e-4, "learned energy drift \(drift)")
    }

    /// Decay `y' = −k(y) y` whose rate grows with the state, `k(y) = 0.5 + y²/(1 + y²)`: with the
    /// parameter coupling the network learns `k(y) − p`, and `p + h(y)` recovers the rate law.
    @Test func parameterCouplingRecoversAStateDependentRate() throws {
        let decay = ClosureSystem(dimension: 1, parameterCount: 1) { _, y, p, dy in dy[0] = -p[0] * y[0]; return true }
        func rate(_ y: Double) -> Double { 0.5 + y * y / (1 + y * y) }
        let truth = ClosureSystem(dimension: 1) { _, y, _, dy in dy[0] = -rate(y[0]) * y[0]; return true }
        let system = try HybridSystem(physics: decay, network: DenseNetwork(widths: [1, 12, 1]), coupling: .parameters)
        let times = (1...12).map { 0.25 * Double($0) }
        let data = try [0.4, 1.0, 1.8, 2.5].map { y0 in
            TrajectoryData(t0: 0, y0: [y0], times: times, observations: try solve(truth, y0: [y0], t0: 0, times: times, parameters: []).states)
        }
        var options = HybridTraining()
        options.adamIterations = 300
        options.lbfgsIterations = 300
        let result = try trainHybrid(system, data: data, initialParameters: [0.8] + system.network.initialParameters(seed: 3, outputScale: 0.1),
                                     options: options)
        for y in [0.3, 0.7, 1.2, 2.0] {
            let learned = try -system.networkTerm(0, [y], result.parameters)[0] / y + result.parameters[0]
            #expect(abs(learned - rate(y)) < 0.03 * rate(y), "k(\(y)) = \(learned), truth \(rate(y))")
        }
    }
}
