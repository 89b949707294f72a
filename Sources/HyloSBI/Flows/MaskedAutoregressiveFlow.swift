import Glibc
import HyloCore
import HyloNN

/// One masked affine autoregressive transform (Papamakarios et al. 2017), conditioned on a
/// context: a MADE network maps (u, c) to a scale and shift per dimension, with output i seeing
/// only u₁…uᵢ₋₁, and z = scale · u + shift.
///
/// As in nflows (the flows behind sbi): the MADE has an input masked layer plus a dense context
/// layer, then `blocks` masked hidden layers, tanh activations; `scale = softplus(s) + 10⁻³` keeps
/// every scale positive (here `softplus(s + log(e − 1))`, so that an untrained transform starts
/// near scale 1). Unlike nflows, the context also
/// feeds the output layer directly: otherwise the first dimension of every transform (which may
/// see no hidden unit) could not depend on x at all.
final class MaskedAffineTransform: Module {
    let input: MaskedLinear
    let context: Linear
    let hidden: [MaskedLinear]
    let output: MaskedLinear
    let contextOutput: Linear
    let features: Int

    init(features d: Int, contextFeatures c: Int, hiddenFeatures h: Int, blocks: Int, rng: inout Philox) {
        let masks = MaskedLinear.madeMasks(features: d, hidden: Array(repeating: h, count: blocks + 1), outputMultiplier: 2)
        features = d
        input = MaskedLinear(mask: masks[0], rng: &rng)
        context = Linear(c, h, rng: &rng)
        hidden = (1...blocks).map { MaskedLinear(mask: masks[$0], rng: &rng) }
        output = MaskedLinear(mask: masks[blocks + 1], rng: &rng)
        contextOutput = Linear(c, 2 * d, bias: false, rng: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("input", input), ("context", context)] + hidden.enumerated().map { ("hidden.\($0.offset)", $0.element) }
                + [("output", output), ("context_output", contextOutput)])
    }

    /// (scale, shift), each `[n, d]`.
    func scaleAndShift(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        var h = (input(u) + context(c)).tanh()
        for layer in hidden { h = layer(h).tanh() }
        let params = output(h) + contextOutput(c)
        let scale = (params.slice(axis: 1, start: 0, end: features) + 0.5413248546129181).softplus() + 1e-3
        return (scale, params.slice(axis: 1, start: features, end: 2 * features))
    }

    /// Data → noise direction, with log |det ∂z/∂u| `[n]`.
    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        let (scale, shift) = scaleAndShift(u, c)
        return (scale * u + shift, scale.log().sum(axis: 1))
    }

    /// Noise → data: d sequential passes, each fixing one more dimension.
    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor {
        var u = Tensor.zeros(z.shape)
        for _ in 0..<features {
            let (scale, shift) = scaleAndShift(u, c)
            u = (z - shift) / scale
        }
        return u
    }
}

/// A conditional masked autoregressive flow q(θ | x): z-scoring of θ and x, `transforms` masked
/// affine transforms each followed by a fixed random permutation, a standard-normal base. The
/// defaults are sbi's `maf`: 5 transforms, 50 hidden units, 2 blocks.
public final class MaskedAutoregressiveFlow: ConditionalDensityEstimator {
    public struct Configuration: Equatable, Sendable {
        public var hiddenFeatures = 50
        public var transforms = 5
        public var blocks = 2
        public var seed: UInt64 = 0
        public init() {}
    }

    public let configuration: Configuration
    public let parameterDimension: Int
    public let contextDimension: Int
    public private(set) var thetaScaling: Standardization
    public private(set) var contextScaling: Standardization
    let layers: [MaskedAffineTransform]
    /// After layer k, column j of the output is column `permutations[k][j]` of the input.
    let permutations: [[Int]]

    /// A new flow with initial weights and permutations drawn from `configuration.seed` (or the
    /// given permutations, when rebuilding a saved flow).
    public init(parameterDimension d: Int, contextDimension c: Int, configuration: Configuration = .init(),
                permutations stored: [[Int]]? = nil) {
        self.configuration = configuration
        parameterDimension = d
        contextDimension = c
        var rng = Philox(seed: configuration.seed, stream: 0x6d6166)
        layers = (0..<configuration.transforms).map { _ in
            MaskedAffineTransform(features: d, contextFeatures: c, hiddenFeatures: configuration.hiddenFeatures,
                                  blocks: configuration.blocks, rng: &rng)
        }
        let drawn = (0..<configuration.transforms).map { _ in rng.permutation(d) }
        permutations = stored ?? drawn
        thetaScaling = Standardization(identity: d)
        contextScaling = Standardization(identity: c)
    }

    /// Sets the z-scoring (when loading a saved flow).
    public func setStandardization(theta: Standardization, context: Standardization) {
        thetaScaling = theta
        contextScaling = context
    }

    /// Fits the z-scoring of θ and x to training data.
    public func fitStandardization(theta: Tensor, context x: Tensor) {
        thetaScaling = Standardization(fitting: theta)
        contextScaling = Standardization(fitting: x)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect(layers.enumerated().map { ("layers.\($0.offset)", $0.element) })
    }

    public func logProb(_ theta: Tensor, context x: Tensor) -> Tensor {
        precondition(theta.rank == 2 && theta.shape[1] == parameterDimension && x.rank == 2 && x.shape[1] == contextDimension
                     && x.shape[0] == theta.shape[0], "logProb: θ \(theta.shape) and x \(x.shape) do not fit the flow")
        let c = contextScaling.apply(x)
        var u = thetaScaling.apply(theta)
        var logDet = Tensor.filled([theta.shape[0]], thetaScaling.logDetJacobian)
        for (layer, permutation) in zip(layers, permutations) {
            let (z, ld) = layer.forward(u, c)
            u = z.selectColumns(permutation)
            logDet = logDet + ld
        }
        let base = u.squared().sum(axis: 1) * -0.5 - Double(parameterDimension) * halfLog2Pi
        return base + logDet
    }

    public func sample(_ n: Int, context x: Tensor, rng: inout Philox) -> Tensor {
        withoutGradients {
            let c = contextScaling.apply(x.reshaped([1, contextDimension]).expand(to: [n, contextDimension]))
            var z = rng.normal([n, parameterDimension])
            for (layer, permutation) in zip(layers, permutations).reversed() {
                z = layer.inverse(z.selectColumns(inversePermutation(permutation)), c)
            }
            return thetaScaling.invert(z)
        }
    }

    func inversePermutation(_ p: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: p.count)
        for (i, j) in p.enumerated() { inverse[j] = i }
        return inverse
    }

    // MARK: files

    public static let kind = "maf"

    public func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) {
        let metadata = [
            "estimator": MaskedAutoregressiveFlow.kind, "parameter_dimension": String(parameterDimension),
            "context_dimension": String(contextDimension), "hidden_features": String(configuration.hiddenFeatures),
            "transforms": String(configuration.transforms), "blocks": String(configuration.blocks),
            "permutations": permutations.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";"),
        ]
        let scaling: [(name: String, tensor: Tensor)] = [
            ("theta_mean", thetaScaling.mean), ("theta_std", thetaScaling.std),
            ("x_mean", contextScaling.mean), ("x_std", contextScaling.std),
        ]
        return (metadata, stateDict().map { (name: $0.0, tensor: $0.1) } + scaling)
    }
}

extension Tensor {
    /// Columns of a matrix picked by index: column j of the result is column `columns[j]`.
    func selectColumns(_ columns: [Int]) -> Tensor {
        let n = shape[0]
        var idx = [Int](repeating: 0, count: n * columns.count)
        for i in 0..<n { for (j, c) in columns.enumerated() { idx[i * columns.count + j] = c } }
        return gather(axis: 1, index: IndexTensor(shape: [n, columns.count], indices: idx))
    }
}
