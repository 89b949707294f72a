import HyloCore

/// Random Fourier features (Tancik et al. 2020): `[sin(2π x B), cos(2π x B)]` with a fixed
/// `B ~ N(0, σ²)` of shape `[inFeatures, count]`, so a network can fit high frequencies.
public final class FourierFeatures: Layer {
    public let frequencies: Tensor

    public init(_ inFeatures: Int, count: Int, scale sigma: Double, rng: inout Philox) {
        frequencies = rng.normal([inFeatures, count], std: sigma)
    }

    public var outFeatures: Int { 2 * frequencies.shape[1] }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let phase = Tensor.matmul(x.rank == 1 ? x.unsqueezed(0) : x, frequencies) * (2 * Double.pi)
        return Tensor.concatenate([phase.sin(), phase.cos()], axis: -1)
    }
}
