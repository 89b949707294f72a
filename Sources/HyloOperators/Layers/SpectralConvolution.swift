import HyloCore
import HyloNN

/// The Fourier layer's global convolution (Li et al. 2021): transform the channels of a periodic
/// signal, multiply each kept mode by a learned complex `in × out` matrix, transform back,
///
///     (K v)(x) = F⁻¹( R_k · (F v)_k )(x),   k over the lowest `modes` frequencies,
///
/// with higher modes dropped. The weights act on frequencies, not grid points, so the layer
/// applies unchanged at any resolution that resolves its modes. In 2-D the kept modes are the
/// K₁ lowest positive and negative frequencies of the first axis times the K₂ lowest of the last.
public final class SpectralConvolution: Module {
    public let modes: [Int]
    /// Real and imaginary parts of R, shape `[spectrum…, in, out]` (`[K, in, out]` or `[2K₁, K₂, in, out]`).
    public let weightReal: Parameter, weightImag: Parameter

    /// Weights uniform on [0, 1/(in·out)), as in the reference implementation.
    public init(inChannels: Int, outChannels: Int, modes: [Int], rng: inout Philox) {
        precondition((1...2).contains(modes.count) && modes.allSatisfy { $0 >= 1 }, "1-D or 2-D modes, got \(modes)")
        self.modes = modes
        let spectrum = modes.count == 2 ? [2 * modes[0], modes[1]] : modes
        let scale = 1 / Double(inChannels * outChannels)
        weightReal = Parameter(rng.uniform(spectrum + [inChannels, outChannels], high: scale))
        weightImag = Parameter(rng.uniform(spectrum + [inChannels, outChannels], high: scale))
    }

    public var inChannels: Int { weightReal.shape[weightReal.shape.count - 2] }
    public var outChannels: Int { weightReal.shape[weightReal.shape.count - 1] }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("weight_real", weightReal), ("weight_imag", weightImag)] }

    /// `v` of shape `[batch, in, spatial…]` → `[batch, out, spatial…]`.
    ///
    /// The complex products of all kept modes run as one batched real GEMM over modes:
    /// `[Re v̂, Im v̂] · [[Re R, Im R], [−Im R, Re R]] = [Re(v̂R), Im(v̂R)]`.
    public func callAsFunction(_ v: Tensor) -> Tensor {
        let spatial = Array(v.shape.suffix(modes.count)), batch = v.shape[0], c = inChannels, o = outChannels
        let (re, im) = v.rfft(modes: modes)
        let spectrum = Array(re.shape.suffix(modes.count)), m = spectrum.reduce(1, *)
        let byMode = { (t: Tensor) in t.reshaped([batch, c, m]).permuted([2, 0, 1]) }          // [M, B, C]
        let z = Tensor.concatenate([byMode(re), byMode(im)], axis: 2)                         // [M, B, 2C]
        let wr = weightReal.value.reshaped([m, c, o]), wi = weightImag.value.reshaped([m, c, o])
        let block = Tensor.concatenate([Tensor.concatenate([wr, wi], axis: 2),
                                        Tensor.concatenate([-wi, wr], axis: 2)], axis: 1)    // [M, 2C, 2O]
        let product = Tensor.matmul(z, block)                                                 // [M, B, 2O]
        let back = { (start: Int) in
            product.slice(axis: 2, start: start, end: start + o).permuted([1, 2, 0]).reshaped([batch, o] + spectrum)
        }
        return Tensor.irfft(real: back(0), imag: back(o), sizes: spatial)
    }
}
