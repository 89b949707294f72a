import Glibc
import HyloCore

/// `y = x W + b` with `W` of shape `[inFeatures, outFeatures]`.
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                initializer: Initializer = .xavierUniform, rng: inout Philox) {
        weight = Parameter(initializer.make(fanIn: inFeatures, fanOut: outFeatures, rng: &rng))
        self.bias = bias ? Parameter(Tensor.zeros([outFeatures])) : nil
    }

    public var inFeatures: Int { weight.shape[0] }
    public var outFeatures: Int { weight.shape[1] }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.linear(x, weight.value, bias?.value) }

    /// `activation(self(x))`, in one pass over the output when the activation allows it.
    public func callAsFunction(_ x: Tensor, activation: Activation) -> Tensor {
        guard let fused = activation.fused, let bias else { return activation(self(x)) }
        return Tensor.linear(x, weight.value, bias.value, activation: fused)
    }
}

/// A linear layer whose weight is multiplied by a fixed 0/1 mask, so chosen outputs cannot see
/// chosen inputs — the building block of MADE and masked autoregressive flows.
public final class MaskedLinear: Layer {
    public let linear: Linear
    /// `[inFeatures, outFeatures]`; entry (i, j) = 1 lets output j depend on input i.
    public let mask: Tensor

    public init(mask: Tensor, initializer: Initializer = .xavierUniform, rng: inout Philox) {
        precondition(mask.rank == 2, "mask must be [in, out]")
        self.mask = mask.detached()
        linear = Linear(mask.shape[0], mask.shape[1], initializer: initializer, rng: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { linear.namedParameters }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.linear(x, isRecordingGradients ? linear.weight.value * mask : maskedWeight.value(of: linear.weight, mask), linear.bias?.value)
    }

    /// W ⊙ mask for inference, kept until the weight changes (MCMC evaluates a flow thousands of
    /// times on small batches, where remasking cost as much as the product itself).
    private let maskedWeight = MaskedWeightCache()

    /// MADE masks (Germain et al. 2015) for `features` inputs ordered 1…D through hidden layers
    /// whose units get degrees cycling over 1…D−1 (0 when D = 1, so that the single output sees
    /// the hidden units but not the input): a hidden unit of degree k sees inputs ≤ k, and output d
    /// (repeated `outputMultiplier` times, in blocks of D) sees hidden units of degree < d.
    public static func madeMasks(features d: Int, hidden: [Int], outputMultiplier: Int = 1) -> [Tensor] {
        let inDegrees = Array(1...d)
        var degrees = [inDegrees]
        for h in hidden { degrees.append((0..<h).map { d > 1 ? $0 % (d - 1) + 1 : 0 }) }
        var masks: [Tensor] = []
        for l in 1..<degrees.count {
            let a = degrees[l - 1], b = degrees[l]
            masks.append(Tensor(shape: [a.count, b.count], scalars: a.flatMap { da in b.map { db in db >= da ? 1 : 0 } }))
        }
        let outDegrees = (0..<outputMultiplier).flatMap { _ in inDegrees }
        let last = degrees[degrees.count - 1]
        masks.append(Tensor(shape: [last.count, outDegrees.count],
                            scalars: last.flatMap { dh in outDegrees.map { dout in dout > dh ? 1 : 0 } }))
        return masks
    }
}

/// The masked weight of one layer for the current weight version, shared by threads.
private final class MaskedWeightCache: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var cached: (version: UInt64, weight: Tensor)?

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func value(of weight: Parameter, _ mask: Tensor) -> Tensor {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if let cached, cached.version == weight.version { return cached.weight }
        let masked = withoutGradients { weight.value * mask }
        cached = (weight.version, masked)
        return masked
    }
}
