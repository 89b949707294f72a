import Glibc
import HyloCore
import HyloNN

/// Which estimator and its size. The defaults are sbi's: 5 transforms of 50 hidden units and 2 blocks;
/// NSF with 10 bins on [−3, 3]; MDN with 10 components.
public struct FlowConfiguration: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// Masked autoregressive flow: affine MADE transforms and random permutations.
        case maf
        /// Neural spline flow: rational-quadratic coupling transforms and LU-decomposed linear maps.
        case nsf
        /// Mixture density network: a Gaussian mixture with full covariances whose weights, means
        /// and precision factors are an MLP of x.
        case mdn
    }
    public var kind = Kind.maf
    public var hiddenFeatures = 50
    public var transforms = 5
    public var blocks = 2
    public var bins = 10
    public var tailBound = 3.0
    public var components = 10
    /// Whether θ is first mapped to unbounded space by the prior's bijection (sbibm's "automatic
    /// transforms"): the estimator then learns log θ for a positive parameter, logit θ for a
    /// bounded one, and its draws always lie inside the prior's support.
    public var unboundedTheta = false
    /// An embedding network for x, trained jointly: an MLP (ReLU) from the z-scored x through
    /// `embeddingHiddenLayers` layers of `embeddingHiddenFeatures` units to `embeddingFeatures`
    /// summary features; 0 features means no embedding (x conditions the flow directly).
    public var embeddingFeatures = 0
    public var embeddingHiddenFeatures = 50
    public var embeddingHiddenLayers = 2
    public var seed: UInt64 = 0
    public init(_ kind: Kind = .maf) { self.kind = kind }
}

/// A conditional normalizing flow q(θ | x): z-scoring of θ (part of the density) and of x, a stack
/// of invertible layers conditioned on x, and a standard-normal base. A mixture density network is
/// the flow with no layers whose base is a Gaussian mixture conditioned on x.
public final class ConditionalFlow: ConditionalDensityEstimator {
    public let configuration: FlowConfiguration
    public let parameterDimension: Int
    public let contextDimension: Int
    public private(set) var thetaScaling: Standardization
    public private(set) var contextScaling: Standardization
    /// The prior's bijection to unbounded space, applied to θ before the z-scoring (with
    /// `unboundedTheta`).
    let support: SupportTransform?
    let layers: [FlowLayer]
    let mixture: MixtureDensityHead?
    let embedding: MLP?

    /// A new flow with weights (and, for MAF, permutations) drawn from `configuration.seed`; a
    /// saved MAF passes its stored permutations. With `unboundedTheta`, `prior` gives the bijection.
    public init(parameterDimension d: Int, contextDimension c: Int, configuration: FlowConfiguration = .init(),
                prior: Prior? = nil, permutations stored: [[Int]]? = nil) {
        precondition(!configuration.unboundedTheta || prior?.dimension == d, "unboundedTheta needs the prior of θ")
        self.configuration = configuration
        support = configuration.unboundedTheta ? prior.map(SupportTransform.init) : nil
        parameterDimension = d
        contextDimension = c
        var rng = Philox(seed: configuration.seed, stream: 0x666c_6f77)
        if configuration.embeddingFeatures > 0 {
            embedding = MLP(.init(widths: [c] + Array(repeating: configuration.embeddingHiddenFeatures, count: configuration.embeddingHiddenLayers)
                                    + [configuration.embeddingFeatures], activation: .relu), rng: &rng)
        } else {
            embedding = nil
        }
        let c = configuration.embeddingFeatures > 0 ? configuration.embeddingFeatures : c
        var layers: [FlowLayer] = []
        mixture = configuration.kind == .mdn
            ? MixtureDensityHead(features: d, contextFeatures: c, hiddenFeatures: configuration.hiddenFeatures,
                                 hiddenLayers: configuration.blocks + 1, components: configuration.components, rng: &rng)
            : nil
        for t in 0..<(configuration.kind == .mdn ? 0 : configuration.transforms) {
            switch configuration.kind {
            case .maf:
                layers.append(MaskedAffineTransform(features: d, contextFeatures: c, hiddenFeatures: configuration.hiddenFeatures,
                                                    blocks: configuration.blocks, rng: &rng))
                let drawn = rng.permutation(d)
                layers.append(Permutation(stored?[t] ?? drawn))
            case .nsf:
                layers.append(SplineCouplingTransform(features: d, contextFeatures: c, hiddenFeatures: configuration.hiddenFeatures,
                                                      blocks: configuration.blocks, bins: configuration.bins,
                                                      tailBound: configuration.tailBound, even: t % 2 == 0, rng: &rng))
                if d > 1 { layers.append(LULinear(features: d)) }
            case .mdn: break
            }
        }
        self.layers = layers
        thetaScaling = Standardization(identity: d)
        contextScaling = Standardization(identity: c)
    }

    /// Fits the z-scoring of θ and x to training data.
    public func fitStandardization(theta: Tensor, context x: Tensor) {
        thetaScaling = Standardization(fitting: support?.forward(theta, x).0 ?? theta)
        contextScaling = Standardization(fitting: x)
    }

    /// Sets the z-scoring (when loading a saved flow).
    public func setStandardization(theta: Standardization, context: Standardization) {
        thetaScaling = theta
        contextScaling = context
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect(layers.enumerated().map { ("layers.\($0.offset)", $0.element) } + (mixture.map { [("mixture", $0)] } ?? [])
                + (embedding.map { [("embedding", $0)] } ?? []))
    }

    /// The context the layers see: z-scored x, through the embedding network if there is one.
    public func conditioning(_ x: Tensor) -> Tensor {
        let z = contextScaling.apply(x)
        return embedding.map { $0(z) } ?? z
    }

    var layerContextDimension: Int { configuration.embeddingFeatures > 0 ? configuration.embeddingFeatures : contextDimension }

    var permutations: [[Int]] { layers.compactMap { ($0 as? Permutation)?.order } }

    public func logProb(_ theta: Tensor, context x: Tensor) -> Tensor {
        precondition(theta.rank == 2 && theta.shape[1] == parameterDimension && x.rank == 2 && x.shape[1] == contextDimension
                     && x.shape[0] == theta.shape[0], "logProb: θ \(theta.shape) and x \(x.shape) do not fit the flow")
        let c = conditioning(x)
        var u = theta
        var logDet = Tensor.filled([theta.shape[0]], thetaScaling.logDetJacobian)
        if let support {
            let (z, ld) = support.forward(theta, c)
            u = z
            logDet = logDet + ld
        }
        u = thetaScaling.apply(u)
        if let mixture { return mixture.logProb(u, c) + logDet }
        for layer in layers {
            let (z, ld) = layer.forward(u, c)
            u = z
            logDet = logDet + ld
        }
        return u.squared().sum(axis: 1) * -0.5 - Double(parameterDimension) * halfLog2Pi + logDet
    }

    public func sample(_ n: Int, context x: Tensor, rng: inout Philox) -> Tensor {
        withoutGradients {
            let context = conditioning(x.reshaped([1, contextDimension]))
            var z: Tensor
            if let mixture {
                z = mixture.sample(n, context, rng: &rng)
            } else {
                z = invert(rng.normal([n, parameterDimension]), context: context.expand(to: [n, layerContextDimension]))
            }
            let theta = thetaScaling.invert(z)
            return support?.inverse(theta, context) ?? theta
        }
    }

    /// Base draws z pushed back through the layers. Large batches run as two halves on two cores
    /// (a row's result does not depend on the other rows, and the cut is fixed, not chosen by the
    /// number of threads).
    private func invert(_ z: Tensor, context c: Tensor) -> Tensor {
        let n = z.shape[0]
        let passBack = { (z: Tensor, c: Tensor) in self.layers.reversed().reduce(z) { $1.inverse($0, c) } }
        guard n >= 2048 else { return passBack(z, c) }
        var halves = [Tensor?](repeating: nil, count: 2)
        halves.withUnsafeMutableBufferPointer { out in
            concurrently(2) { h in
                let rows = Array((n * h / 2)..<(n * (h + 1) / 2))
                out[h] = withoutGradients { passBack(z.selectRows(rows), c.selectRows(rows)) }
            }
        }
        return Tensor.concatenate(halves.map { $0! }, axis: 0)
    }

    /// One draw per row of x `[m, c]`, without gradients (flows only, not the mixture density).
    func sampleRows(context x: Tensor, rng: inout Philox) -> Tensor {
        precondition(mixture == nil, "sampleRows is for flows")
        return withoutGradients {
            let c = conditioning(x)
            let theta = thetaScaling.invert(invert(rng.normal([x.shape[0], parameterDimension]), context: c))
            return support?.inverse(theta, c) ?? theta
        }
    }

    // MARK: files

    public func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) {
        var metadata = [
            "estimator": configuration.kind.rawValue, "parameter_dimension": String(parameterDimension),
            "context_dimension": String(contextDimension), "hidden_features": String(configuration.hiddenFeatures),
            "transforms": String(configuration.transforms), "blocks": String(configuration.blocks),
            "bins": String(configuration.bins), "tail_bound": String(configuration.tailBound),
            "components": String(configuration.components), "unbounded_theta": String(configuration.unboundedTheta),
            "embedding_features": String(configuration.embeddingFeatures),
            "embedding_hidden_features": String(configuration.embeddingHiddenFeatures),
            "embedding_hidden_layers": String(configuration.embeddingHiddenLayers),
        ]
        if configuration.kind == .maf {
            metadata["permutations"] = permutations.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
        }
        let scaling: [(name: String, tensor: Tensor)] = [
            ("theta_mean", thetaScaling.mean), ("theta_std", thetaScaling.std),
            ("x_mean", contextScaling.mean), ("x_std", contextScaling.std),
        ]
        return (metadata, stateDict().map { (name: $0.0, tensor: $0.1) } + scaling)
    }
}
