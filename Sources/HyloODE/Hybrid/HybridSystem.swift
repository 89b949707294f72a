/// A hybrid model: the user's physics `f_physics(t, y; p)` and a dense network coupled to it as
/// `coupling` says (by default the universal differential equation `y' = f_physics + g(y; φ)`).
/// The ODE parameter vector is `[p, φ]`: physical parameters first, then the network's weights,
/// so the solvers' gradients train both together.
///
/// Whatever the coupling, the *network term* is what the model adds to the physics at the same
/// `p` — `y' − f_physics(t, y; p)` — which the identifiability regularizers of `HybridTraining`
/// (‖g‖², ⟨f, g⟩², APHYNITY) act on.
public final class HybridSystem: ODESystem {
    /// The known physics (nil: a pure neural ODE or a pure Hamiltonian network).
    public let physics: ODESystem?
    public let network: DenseNetwork
    public let coupling: HybridCoupling
    /// Where the network's outputs go, in output order: state components (additive,
    /// physics-output coupling) or physical parameters (parameter coupling); empty for a
    /// Hamiltonian network.
    public let targets: [Int]
    public let dimension: Int

    /// `network` must take `coupling.networkInputs(dimension:)` inputs and give one output per
    /// target (one for a Hamiltonian network, whose state dimension must be even). `targets`
    /// defaults to every state component or every physical parameter.
    public init(physics: ODESystem?, network: DenseNetwork, coupling: HybridCoupling = .additive, targets: [Int]? = nil) throws {
        let d = physics?.dimension ?? (coupling == .hamiltonian ? network.inputs : network.outputs)
        let inputs = coupling.networkInputs(dimension: d)
        guard network.inputs == inputs else {
            throw ODEError.invalidArgument("the network takes \(network.inputs) inputs; the \(coupling.rawValue) coupling of \(d) states needs \(inputs)")
        }
        if coupling == .hamiltonian && network.activation == .relu {
            throw ODEError.invalidArgument("a Hamiltonian network needs a twice-differentiable activation, not relu (its J∇H would be piecewise constant)")
        }
        let targets = try Self.checkedTargets(targets, coupling: coupling, dimension: d, physics: physics, outputs: network.outputs)
        self.physics = physics
        self.network = network
        self.coupling = coupling
        self.targets = targets
        self.dimension = d
    }

    private static func checkedTargets(_ targets: [Int]?, coupling: HybridCoupling, dimension d: Int, physics: ODESystem?,
                                       outputs: Int) throws -> [Int] {
        switch coupling {
        case .hamiltonian:
            guard d % 2 == 0, outputs == 1, targets?.isEmpty ?? true else {
                throw ODEError.invalidArgument("a Hamiltonian network needs an even state dimension (q, p), one output and no targets")
            }
            return []
        case .parameters:
            guard let physics, physics.parameterCount > 0 else {
                throw ODEError.invalidArgument("the parameter coupling needs physics with parameters")
            }
            return try distinct(targets ?? Array(0..<physics.parameterCount), below: physics.parameterCount, "physical parameters",
                                outputs: outputs)
        case .additive, .physicsOutput:
            if coupling == .physicsOutput && physics == nil {
                throw ODEError.invalidArgument("the physics-output coupling needs physics")
            }
            return try distinct(targets ?? Array(0..<d), below: d, "state components", outputs: outputs)
        }
    }

    private static func distinct(_ targets: [Int], below n: Int, _ what: String, outputs: Int) throws -> [Int] {
        guard targets.count == outputs, targets.allSatisfy({ (0..<n).contains($0) }), Set(targets).count == targets.count else {
            throw ODEError.invalidArgument("the network's \(outputs) outputs need as many distinct \(what) in 0..<\(n), got \(targets)")
        }
        return targets
    }

    public var physicsParameterCount: Int { physics?.parameterCount ?? 0 }
    public var parameterCount: Int { physicsParameterCount + network.parameterCount }
    public var derivatives: DerivativeSource { physics?.derivatives ?? .exact }

    // MARK: The network on the flat parameter vector

    private func weights<R>(_ p: [Double], _ body: (UnsafeBufferPointer<Double>) -> R) -> R {
        p.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[physicsParameterCount...])) }
    }

    private func evaluateNetwork(_ input: [Double], _ p: [Double], _ tape: inout DenseNetwork.Tape) -> [Double] {
        weights(p) { w in input.withUnsafeBufferPointer { network($0, weights: w, tape: &tape) } }
    }

    /// Adds the network's VJP: to `inputBar` (its input's width) and to `pBar` at the weights' offset.
    private func networkBackward(_ tape: DenseNetwork.Tape, _ p: [Double], _ cotangent: [Double],
                                 _ inputBar: inout [Double], _ pBar: inout [Double]) {
        weights(p) { w in
            inputBar.withUnsafeMutableBufferPointer { ib in
                pBar.withUnsafeMutableBufferPointer { pb in
                    network.backward(tape, cotangent: cotangent, weights: w, xBar: ib.baseAddress, wBar: pb.baseAddress! + physicsParameterCount)
                }
            }
        }
    }

    /// `J ∇H(y)` of a Hamiltonian network: `(∂H/∂p, −∂H/∂q)`.
    private func hamiltonianField(_ y: [Double], _ p: [Double], _ tape: inout DenseNetwork.GradientTape) -> [Double] {
        let g = weights(p) { w in y.withUnsafeBufferPointer { network.inputGradient($0, weights: w, tape: &tape) } }
        let n = dimension / 2
        return Array(g[n...]) + g[..<n].map { -$0 }
    }

    /// Adds `vᵀ ∂(J∇H)/∂y` and `vᵀ ∂(J∇H)/∂φ`: the gradient's VJP with the cotangent `Jᵀv = (−v_p, v_q)`.
    private func hamiltonianBackward(_ tape: DenseNetwork.GradientTape, _ p: [Double], _ v: [Double],
                                     _ yBar: inout [Double], _ pBar: inout [Double]) {
        let n = dimension / 2
        let u = v[n...].map { -$0 } + Array(v[..<n])
        weights(p) { w in
            yBar.withUnsafeMutableBufferPointer { yb in
                pBar.withUnsafeMutableBufferPointer { pb in
                    network.inputGradientBackward(tape, cotangent: u, weights: w, xBar: yb.baseAddress, wBar: pb.baseAddress! + physicsParameterCount)
                }
            }
        }
    }

    // MARK: The physics on the flat parameter vector

    private func physicsParameters(_ p: [Double]) -> [Double] { Array(p[0..<physicsParameterCount]) }

    /// The parameter coupling's `q = p + h(y)` (and the evaluation's tape).
    private func predictedParameters(_ y: [Double], _ p: [Double], _ tape: inout DenseNetwork.Tape) -> [Double] {
        var q = physicsParameters(p)
        let h = evaluateNetwork(y, p, &tape)
        for (k, j) in targets.enumerated() { q[j] += h[k] }
        return q
    }

    /// `f_physics(t, y; q)` (zeros without physics); an illegal state throws.
    private func physicsValue(_ t: Double, _ y: [Double], _ q: [Double]) throws -> [Double] {
        var f = [Double](repeating: 0, count: dimension)
        if let physics { guard try physics.rhs(t, y, q, into: &f) else { throw ODEError.illegalState(t: t) } }
        return f
    }

    /// Adds `vᵀ ∂f_physics/∂y` to `yBar` and returns `vᵀ ∂f_physics/∂q`; an illegal state throws.
    private func physicsVJP(_ t: Double, _ y: [Double], _ q: [Double], _ v: [Double], _ yBar: inout [Double]) throws -> [Double] {
        var qBar = [Double](repeating: 0, count: physicsParameterCount)
        if let physics { guard try physics.vjp(t, y, q, cotangent: v, addingTo: &yBar, &qBar) else { throw ODEError.illegalState(t: t) } }
        return qBar
    }

    // MARK: ODESystem

    public func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool {
        do {
            dy = try value(t, y, p)
            return true
        } catch ODEError.illegalState { return false }
    }

    private func value(_ t: Double, _ y: [Double], _ p: [Double]) throws -> [Double] {
        switch coupling {
        case .parameters:
            var tape = DenseNetwork.Tape()
            return try physicsValue(t, y, predictedParameters(y, p, &tape))
        default:
            let f = try physicsValue(t, y, physicsParameters(p))
            return zip(f, try networkTerm(t, y, p, physics: f)).map { $0 + $1 }
        }
    }

    public func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                    addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        do {
            if coupling == .parameters {
                try parameterCouplingVJP(t, y, p, v, &yBar, &pBar)
            } else {
                try addNetworkVJP(t, y, p, cotangent: v, yBar: &yBar, pBar: &pBar, physicsCotangent: v)
            }
            return true
        } catch ODEError.illegalState { return false }
    }

    /// `y' = f(y; q(y))`: the physics' VJP at q, whose parameter part goes to p and, at the
    /// targets, through the network.
    private func parameterCouplingVJP(_ t: Double, _ y: [Double], _ p: [Double], _ v: [Double],
                                      _ yBar: inout [Double], _ pBar: inout [Double]) throws {
        var tape = DenseNetwork.Tape()
        let q = predictedParameters(y, p, &tape)
        let qBar = try physicsVJP(t, y, q, v, &yBar)
        for k in 0..<qBar.count { pBar[k] += qBar[k] }
        networkBackward(tape, p, targets.map { qBar[$0] }, &yBar, &pBar)
    }

    /// The physics' own Jacobian plus the network term's rows (VJPs with unit cotangents); with the
    /// physics-output and parameter couplings, whose network terms involve the physics, every row
    /// is a VJP of the whole right-hand side.
    public func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        let d = dimension
        let separable = coupling == .additive || coupling == .hamiltonian
        if separable, let physics {
            guard try physics.jacobian(t, y, physicsParameters(p), into: &J) else { return false }
        } else {
            for i in 0..<(d * d) { J[i] = 0 }
        }
        var unit = [Double](repeating: 0, count: d), pBar = [Double](repeating: 0, count: parameterCount)
        for i in 0..<d {
            unit[i] = 1
            var row = [Double](repeating: 0, count: d)
            if separable {
                try networkVJP(t, y, p, cotangent: unit, yBar: &row, pBar: &pBar)
            } else {
                guard try vjp(t, y, p, cotangent: unit, addingTo: &row, &pBar) else { return false }
            }
            for j in 0..<d { J[i * d + j] += row[j] }
            unit[i] = 0
        }
        return true
    }

    // MARK: The network term y' − f_physics(t, y; p)

    /// The network term as a full state vector; `physics`, if known, is `f_physics(t, y; p)`.
    public func networkTerm(_ t: Double, _ y: [Double], _ p: [Double], physics f: [Double]? = nil) throws -> [Double] {
        var g = [Double](repeating: 0, count: dimension)
        switch coupling {
        case .additive, .physicsOutput:
            var tape = DenseNetwork.Tape()
            let input = coupling == .additive ? y : y + (try f ?? physicsValue(t, y, physicsParameters(p)))
            let out = evaluateNetwork(input, p, &tape)
            for (k, i) in targets.enumerated() { g[i] = out[k] }
        case .parameters:
            var tape = DenseNetwork.Tape()
            let full = try physicsValue(t, y, predictedParameters(y, p, &tape))
            let base = try f ?? physicsValue(t, y, physicsParameters(p))
            g = zip(full, base).map { $0 - $1 }
        case .hamiltonian:
            var tape = DenseNetwork.GradientTape()
            g = hamiltonianField(y, p, &tape)
        }
        return g
    }

    /// Adds `vᵀ ∂(network term)/∂y` to `yBar` and `vᵀ ∂(network term)/∂[p, φ]` to `pBar`.
    public func networkVJP(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                           yBar: inout [Double], pBar: inout [Double]) throws {
        if coupling == .parameters {
            try parameterCouplingVJP(t, y, p, v, &yBar, &pBar)
            let baseBar = try physicsVJP(t, y, physicsParameters(p), v.map { -$0 }, &yBar)
            for k in 0..<baseBar.count { pBar[k] += baseBar[k] }
        } else {
            try addNetworkVJP(t, y, p, cotangent: v, yBar: &yBar, pBar: &pBar, physicsCotangent: nil)
        }
    }

    /// The VJP of `f_physics + g` for the additive, physics-output and Hamiltonian couplings, with
    /// `physicsCotangent` the cotangent of the physics' own term (nil: the network term alone).
    private func addNetworkVJP(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                               yBar: inout [Double], pBar: inout [Double], physicsCotangent: [Double]?) throws {
        var throughPhysics = physicsCotangent
        switch coupling {
        case .additive:
            var tape = DenseNetwork.Tape()
            _ = evaluateNetwork(y, p, &tape)
            networkBackward(tape, p, targets.map { v[$0] }, &yBar, &pBar)
        case .physicsOutput:
            // g(y, f(y)): the network's f-input cotangent joins the physics' own.
            var tape = DenseNetwork.Tape()
            _ = evaluateNetwork(y + (try physicsValue(t, y, physicsParameters(p))), p, &tape)
            var inputBar = [Double](repeating: 0, count: 2 * dimension)
            networkBackward(tape, p, targets.map { v[$0] }, &inputBar, &pBar)
            for i in 0..<dimension { yBar[i] += inputBar[i] }
            throughPhysics = (0..<dimension).map { (physicsCotangent?[$0] ?? 0) + inputBar[dimension + $0] }
        case .hamiltonian:
            var tape = DenseNetwork.GradientTape()
            _ = hamiltonianField(y, p, &tape)
            hamiltonianBackward(tape, p, v, &yBar, &pBar)
        case .parameters:
            preconditionFailure("the parameter coupling has its own VJP")
        }
        if let throughPhysics, physics != nil {
            let qBar = try physicsVJP(t, y, physicsParameters(p), throughPhysics, &yBar)
            for k in 0..<qBar.count { pBar[k] += qBar[k] }
        }
    }
}
