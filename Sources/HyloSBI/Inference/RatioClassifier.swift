import HyloCore
import HyloNN

/// The classifier of neural ratio estimation: a network of the z-scored pair (θ, x) whose logit
/// estimates log r(θ, x) = log p(x | θ) / p(x) (exactly for NRE-A, -C and BNRE; up to a function of
/// x for NRE-B). sbi's default is a residual net of 50 hidden units and 2 blocks (nflows'
/// `ResidualNet` of the concatenated pair).
public final class RatioClassifier: Module, LikelihoodModel {
    public struct Configuration: Equatable, Sendable {
        public enum Network: String, CaseIterable, Sendable {
            /// Two hidden ReLU layers.
            case mlp
            /// A linear layer followed by residual blocks h + W₂ relu(W₁ relu(h)) (sbi's `resnet`).
            case resnet
        }
        public var network = Network.resnet
        public var hiddenFeatures = 50
        public var blocks = 2
        public var seed: UInt64 = 0
        /// The residual form of files saved before 2026-12-03: a ReLU layer, then blocks
        /// h + W₂ relu(W₁ h). Read from such files only; new classifiers use sbi's form.
        var legacyResidualForm = false
        public init(_ network: Network = .resnet) { self.network = network }
    }

    public let configuration: Configuration
    public let parameterDimension: Int
    public let observationDimension: Int
    public private(set) var thetaScaling: Standardization
    public private(set) var xScaling: Standardization
    /// An MLP (`mlp`, and the legacy residual form) or sbi's residual net.
    let network: Layer

    public init(parameterDimension d: Int, observationDimension c: Int, configuration: Configuration = .init()) {
        self.configuration = configuration
        parameterDimension = d
        observationDimension = c
        var rng = Philox(seed: configuration.seed, stream: 0x6e72_65)
        let h = configuration.hiddenFeatures
        if configuration.network == .resnet && !configuration.legacyResidualForm {
            network = ResidualNet(inputs: d + c, contextFeatures: 0, hiddenFeatures: h, blocks: configuration.blocks, outputs: 1,
                                  outputInitializer: .xavierUniform, rng: &rng)
        } else {
            let hidden = configuration.network == .mlp ? [h, h] : [Int](repeating: h, count: configuration.blocks + 1)
            network = MLP(.init(widths: [d + c] + hidden + [1], activation: .relu, residual: configuration.network == .resnet), rng: &rng)
        }
        thetaScaling = Standardization(identity: d)
        xScaling = Standardization(identity: c)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { collect([("network", network)]) }

    public func fitStandardization(theta: Tensor, x: Tensor) {
        thetaScaling = Standardization(fitting: theta)
        xScaling = Standardization(fitting: x)
    }

    public func setStandardization(theta: Standardization, x: Standardization) {
        thetaScaling = theta
        xScaling = x
    }

    /// The logits of the pairs (θᵢ, xᵢ), θ `[n, d]` and x `[n, c]`; `[n]`.
    public func logits(_ theta: Tensor, _ x: Tensor) -> Tensor {
        let input = Tensor.concatenate([thetaScaling.apply(theta), xScaling.apply(x)], axis: 1)
        return network(input).reshaped([theta.shape[0]])
    }

    public func logLikelihood(_ theta: Tensor, x: Tensor) -> Tensor {
        let n = theta.shape[0], c = observationDimension
        return logits(theta, x.reshaped([1, c]).expand(to: [n, c]))
    }

    public func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) {
        var metadata = [
            "estimator": "classifier", "classifier": configuration.network.rawValue,
            "parameter_dimension": String(parameterDimension), "observation_dimension": String(observationDimension),
            "hidden_features": String(configuration.hiddenFeatures), "blocks": String(configuration.blocks),
        ]
        if network is ResidualNet { metadata["residual_form"] = "nflows" }
        let scaling: [(name: String, tensor: Tensor)] = [
            ("theta_mean", thetaScaling.mean), ("theta_std", thetaScaling.std), ("x_mean", xScaling.mean), ("x_std", xScaling.std),
        ]
        return (metadata, stateDict().map { (name: $0.0, tensor: $0.1) } + scaling)
    }
}
