/// A universal differential equation `y' = f_physics(t, y; p) + g(y; φ)`: the user's physics plus a
/// dense network whose outputs add to chosen state components. The ODE parameter vector is
/// `[p, φ]`: physical parameters first, then the network's weights, so the solvers' gradients
/// train both together.
public final class HybridSystem: ODESystem {
    /// The known physics (nil: a pure neural ODE).
    public let physics: ODESystem?
    public let network: DenseNetwork
    /// The state components the network's outputs are added to, in output order.
    public let outputComponents: [Int]
    public let dimension: Int

    /// `network.inputs` must equal the dimension; `outputComponents` defaults to all components
    /// (then `network.outputs` must equal the dimension).
    public init(physics: ODESystem?, network: DenseNetwork, outputComponents: [Int]? = nil) throws {
        let d = physics?.dimension ?? network.outputs
        let outputs = outputComponents ?? Array(0..<d)
        guard network.inputs == d else {
            throw ODEError.invalidArgument("the network takes \(network.inputs) inputs; the state has \(d) components")
        }
        guard outputs.count == network.outputs, outputs.allSatisfy({ (0..<d).contains($0) }), Set(outputs).count == outputs.count else {
            throw ODEError.invalidArgument("the network's \(network.outputs) outputs need as many distinct state components in 0..<\(d), got \(outputs)")
        }
        self.physics = physics
        self.network = network
        self.outputComponents = outputs
        self.dimension = d
    }

    public var physicsParameterCount: Int { physics?.parameterCount ?? 0 }
    public var parameterCount: Int { physicsParameterCount + network.parameterCount }
    public var derivatives: DerivativeSource { physics?.derivatives ?? .exact }

    /// The network's contribution `g(y; φ)` as a full state vector (zeros where it adds nothing).
    public func networkTerm(_ y: [Double], _ p: [Double]) -> [Double] {
        var tape = DenseNetwork.Tape()
        let out = evaluateNetwork(y, p, &tape)
        var g = [Double](repeating: 0, count: dimension)
        for (k, i) in outputComponents.enumerated() { g[i] = out[k] }
        return g
    }

    /// Adds `vᵀ ∂g/∂y` and `vᵀ ∂g/∂φ` (into `pBar` at the network's offset).
    public func networkVJP(_ y: [Double], _ p: [Double], cotangent v: [Double], yBar: inout [Double], pBar: inout [Double]) {
        var tape = DenseNetwork.Tape()
        _ = evaluateNetwork(y, p, &tape)
        backward(tape, p, v, &yBar, &pBar)
    }

    private func evaluateNetwork(_ y: [Double], _ p: [Double], _ tape: inout DenseNetwork.Tape) -> [Double] {
        let offset = physicsParameterCount
        return y.withUnsafeBufferPointer { yp in
            p.withUnsafeBufferPointer { pp in network(yp, weights: UnsafeBufferPointer(rebasing: pp[offset...]), tape: &tape) }
        }
    }

    private func backward(_ tape: DenseNetwork.Tape, _ p: [Double], _ v: [Double], _ yBar: inout [Double], _ pBar: inout [Double]) {
        let offset = physicsParameterCount
        let cotangent = outputComponents.map { v[$0] }
        p.withUnsafeBufferPointer { pp in
            yBar.withUnsafeMutableBufferPointer { yb in
                pBar.withUnsafeMutableBufferPointer { pb in
                    network.backward(tape, cotangent: cotangent, weights: UnsafeBufferPointer(rebasing: pp[offset...]),
                                     xBar: yb.baseAddress, wBar: pb.baseAddress! + offset)
                }
            }
        }
    }

    private func physicsParameters(_ p: [Double]) -> [Double] { Array(p[0..<physicsParameterCount]) }

    public func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool {
        if let physics {
            guard try physics.rhs(t, y, physicsParameters(p), into: &dy) else { return false }
        } else {
            for i in 0..<dimension { dy[i] = 0 }
        }
        var tape = DenseNetwork.Tape()
        let out = evaluateNetwork(y, p, &tape)
        for (k, i) in outputComponents.enumerated() { dy[i] += out[k] }
        return true
    }

    public func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                    addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        if let physics {
            var physicsBar = [Double](repeating: 0, count: physicsParameterCount)
            guard try physics.vjp(t, y, physicsParameters(p), cotangent: v, addingTo: &yBar, &physicsBar) else { return false }
            for k in 0..<physicsBar.count { pBar[k] += physicsBar[k] }
        }
        networkVJP(y, p, cotangent: v, yBar: &yBar, pBar: &pBar)
        return true
    }

    public func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        let d = dimension
        if let physics {
            guard try physics.jacobian(t, y, physicsParameters(p), into: &J) else { return false }
        } else {
            for i in 0..<(d * d) { J[i] = 0 }
        }
        var tape = DenseNetwork.Tape()
        _ = evaluateNetwork(y, p, &tape)
        for (k, i) in outputComponents.enumerated() {
            var row = [Double](repeating: 0, count: d), e = [Double](repeating: 0, count: network.outputs)
            e[k] = 1
            p.withUnsafeBufferPointer { pp in
                row.withUnsafeMutableBufferPointer { rb in
                    network.backward(tape, cotangent: e, weights: UnsafeBufferPointer(rebasing: pp[physicsParameterCount...]),
                                     xBar: rb.baseAddress, wBar: nil)
                }
            }
            for j in 0..<d { J[i * d + j] += row[j] }
        }
        return true
    }
}
