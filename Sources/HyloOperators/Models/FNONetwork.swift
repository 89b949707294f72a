import HyloCore
import HyloNN

/// A Fourier neural operator on a 1-D or 2-D periodic grid: lift the input channels (and grid
/// coordinates) to `width` channels pointwise, apply Fourier layers v ↦ σ(K v + W v + b) (no σ after
/// the last), project pointwise to the output channels. Fields are channel-first,
/// `[batch, channels, spatial…]`; the same weights apply at any resolution that resolves the modes.
public final class FNONetwork: Module {
    public let configuration: FNOConfiguration
    let lifting: [PointwiseLinear]
    let spectral: [SpectralConvolution]
    let pointwise: [PointwiseLinear]
    let projection: [PointwiseLinear]
    let activation: Activation

    public init(_ c: FNOConfiguration, seed: UInt64) {
        precondition(c.problem == nil, c.problem ?? "")
        configuration = c
        activation = Activation(rawValue: c.activation) ?? .gelu
        var rng = Philox(seed: seed, stream: 0x666e_6f)
        let inputs = c.inChannels + (c.appendGrid ? c.dimensions : 0)
        lifting = c.liftingChannels > 0
            ? [PointwiseLinear(inputs, c.liftingChannels, rng: &rng), PointwiseLinear(c.liftingChannels, c.width, rng: &rng)]
            : [PointwiseLinear(inputs, c.width, rng: &rng)]
        var spectral: [SpectralConvolution] = [], pointwise: [PointwiseLinear] = []
        for _ in 0..<c.layers {
            spectral.append(SpectralConvolution(inChannels: c.width, outChannels: c.width, modes: c.modes, rng: &rng))
            pointwise.append(PointwiseLinear(c.width, c.width, rng: &rng))
        }
        self.spectral = spectral; self.pointwise = pointwise
        projection = [PointwiseLinear(c.width, c.projectionChannels, rng: &rng),
                      PointwiseLinear(c.projectionChannels, c.outChannels, rng: &rng)]
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect(lifting.enumerated().map { ("lifting.\($0.offset)", $0.element) }
                + spectral.enumerated().map { ("fourier.\($0.offset).spectral", $0.element) }
                + pointwise.enumerated().map { ("fourier.\($0.offset).pointwise", $0.element) }
                + projection.enumerated().map { ("projection.\($0.offset)", $0.element) })
    }

    /// `a` of shape `[batch, inChannels, spatial…]` → `[batch, outChannels, spatial…]`.
    public func callAsFunction(_ a: Tensor) -> Tensor {
        let c = configuration, batch = a.shape[0], sizes = Array(a.shape.dropFirst(2))
        var h = c.appendGrid ? Tensor.concatenate([a, FNONetwork.grid(batch: batch, sizes: sizes)], axis: 1) : a
        for (i, layer) in lifting.enumerated() { h = layer(h); if i + 1 < lifting.count { h = activation(h) } }
        if c.padding > 0 {
            for axis in 2..<h.rank {
                var zeros = h.shape; zeros[axis] = c.padding
                h = Tensor.concatenate([h, Tensor.zeros(zeros)], axis: axis)
            }
        }
        for l in 0..<c.layers {
            h = pointwise[l](h, adding: spectral[l](h))
            if l + 1 < c.layers { h = activation(h) }
        }
        if c.padding > 0 {
            for (axis, n) in zip(2..<h.rank, sizes) { h = h.slice(axis: axis, start: 0, end: n) }
        }
        return projection[1](activation(projection[0](h)))
    }

    /// Coordinates x_j = j/(N − 1) of each axis as channels, `[batch, dims, spatial…]`.
    static func grid(batch: Int, sizes: [Int]) -> Tensor {
        let points = sizes.reduce(1, *)
        var values = [Double](repeating: 0, count: sizes.count * points)
        for p in 0..<points {
            var rest = p
            for axis in (0..<sizes.count).reversed() {
                let n = sizes[axis], index = rest % n
                rest /= n
                values[axis * points + p] = n > 1 ? Double(index) / Double(n - 1) : 0
            }
        }
        return Tensor(shape: [1, sizes.count] + sizes, scalars: values).expand(to: [batch, sizes.count] + sizes)
    }
}
