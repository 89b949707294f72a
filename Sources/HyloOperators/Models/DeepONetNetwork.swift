import HyloCore
import HyloNN

/// The architecture of a DeepONet (Lu et al. 2021). Defaults are the antiderivative example's:
/// branch [100, 40, 40], trunk [1, 40, 40], ReLU, Glorot-normal weights.
public struct DeepONetConfiguration: Codable, Equatable, Sendable {
    /// Widths of the branch net, from the number of sensors to the latent size p.
    public var branch = [100, 40, 40]
    /// Widths of the trunk net, from the coordinate dimension to the latent size p.
    public var trunk = [1, 40, 40]
    public var activation = "relu"
    /// Apply the activation to the trunk's output too (DeepXDE does).
    public var activateTrunkOutput = true

    public init() {}

    public var sensors: Int { branch[0] }
    public var coordinates: Int { trunk[0] }
    public var latent: Int { branch[branch.count - 1] }

    /// Why this configuration cannot be built, or `nil`.
    public var problem: String? {
        if branch.count < 2 || trunk.count < 2 { return "the branch and trunk nets need at least an input and an output width" }
        if let w = (branch + trunk).first(where: { !(1...65536).contains($0) }) { return "widths must lie in 1…65536, got \(w)" }
        if branch.last != trunk.last { return "the branch and trunk nets must end in the same latent size, got \(branch.last ?? 0) and \(trunk.last ?? 0)" }
        if Activation(rawValue: activation) == nil {
            return "activation must be one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")), got '\(activation)'"
        }
        func weights(_ widths: [Int]) -> Int { zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 } }
        let weights = weights(branch) + weights(trunk)
        if weights > 1 << 28 { return "the networks would hold \(weights) weights (more than 2^28)" }
        return nil
    }
}

/// G(u)(y) ≈ Σ_k b_k(u) t_k(y) + b₀: a branch net reads the input function at fixed sensors, a
/// trunk net reads the output coordinate, and their p features are contracted.
public final class DeepONetNetwork: Module {
    public let configuration: DeepONetConfiguration
    let branch: MLP, trunk: MLP
    let bias: Parameter
    let activation: Activation

    public init(_ c: DeepONetConfiguration, seed: UInt64) {
        precondition(c.problem == nil, c.problem ?? "")
        configuration = c
        activation = Activation(rawValue: c.activation) ?? .relu
        var rng = Philox(seed: seed, stream: 0x6f6e_6574)
        branch = MLP(MLP.Configuration(widths: c.branch, activation: activation, initializer: .xavierNormal,
                                       outputInitializer: .xavierNormal), rng: &rng)
        trunk = MLP(MLP.Configuration(widths: c.trunk, activation: activation, initializer: .xavierNormal,
                                      outputInitializer: .xavierNormal), rng: &rng)
        bias = Parameter(Tensor.zeros([1]))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("branch", branch), ("trunk", trunk)]) + [("bias", bias)]
    }

    func trunkFeatures(_ y: Tensor) -> Tensor {
        let t = trunk(y)
        return configuration.activateTrunkOutput ? activation(t) : t
    }

    /// Cartesian-product batching: every function `u` `[batch, sensors]` at every point `y`
    /// `[points, coordinates]` → `[batch, points]`, one GEMM for the contraction.
    public func callAsFunction(_ u: Tensor, _ y: Tensor) -> Tensor {
        Tensor.matmul(branch(u), trunkFeatures(y), transposeB: true) + bias.value
    }

    /// Unstacked (aligned-pair) batching: function i at its own point i, `u` `[n, sensors]`,
    /// `y` `[n, coordinates]` → `[n]`.
    public func pointwise(_ u: Tensor, _ y: Tensor) -> Tensor {
        (branch(u) * trunkFeatures(y)).sum(axis: 1) + bias.value
    }
}
