import HyloCore

/// Pointwise nonlinearities, named as in the C ABI's options. `gaussian` is the radial basis
/// function exp(−x²) of the universal-differential-equation paper's networks.
public enum Activation: String, CaseIterable, Sendable {
    case identity, tanh, relu, gelu, silu, elu, sigmoid, softplus, gaussian

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .tanh: return x.tanh()
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .silu: return x.silu()
        case .elu: return x.elu()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        case .gaussian: return (x.squared() * -1).exp()
        }
    }

    /// The same nonlinearity as a dense layer's fused output pass, when it has one.
    var fused: FusedActivation? {
        switch self {
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .relu: return .relu
        default: return nil
        }
    }

    /// The initializer that keeps activations' variance stable through this nonlinearity.
    public var defaultInitializer: Initializer {
        switch self {
        case .relu, .gelu, .silu, .elu: return .heUniform
        default: return .xavierUniform
        }
    }
}
