import HyloCore
import HyloNN

/// A linear map of the channels at every grid point (a 1 × 1 convolution) for channel-first
/// fields: `[batch, in, spatial…]` → `[batch, out, spatial…]`, y = W v + b with W `[out, in]`.
public final class PointwiseLinear: Module {
    public let weight: Parameter, bias: Parameter

    /// Weights and bias uniform on ±1/√in, PyTorch's default for linear and convolution layers.
    public init(_ inChannels: Int, _ outChannels: Int, rng: inout Philox) {
        let bound = 1 / Double(inChannels).squareRoot()
        weight = Parameter(rng.uniform([outChannels, inChannels], low: -bound, high: bound))
        bias = Parameter(rng.uniform([outChannels], low: -bound, high: bound))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }

    /// `W v + b`, plus `addend` (of the output's shape) when given.
    public func callAsFunction(_ v: Tensor, adding addend: Tensor? = nil) -> Tensor {
        let batch = v.shape[0], spatial = Array(v.shape.dropFirst(2)), points = spatial.reduce(1, *), out = weight.shape[0]
        let y = Tensor.channelLinear(v.reshaped([batch, weight.shape[1], points]), weight.value, bias.value,
                                     adding: addend?.reshaped([batch, out, points]))
        return y.reshaped([batch, out] + spatial)
    }
}
