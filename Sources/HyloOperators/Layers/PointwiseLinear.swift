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

    public func callAsFunction(_ v: Tensor) -> Tensor {
        let batch = v.shape[0], spatial = Array(v.shape.dropFirst(2)), points = spatial.reduce(1, *)
        let y = Tensor.channelLinear(v.reshaped([batch, weight.shape[1], points]), weight.value, bias.value)
        return y.reshaped([batch, weight.shape[0]] + spatial)
    }
}
