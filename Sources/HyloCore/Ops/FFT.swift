/// Truncated real Fourier transforms over the last one or two axes (FFTW), for spectral layers
/// and spectral solvers.
///
/// For a grid of sizes `N` (1-D) or `N₁ × N₂` (2-D) and a signal x, the spectrum is
/// `X_k = Σₙ xₙ e^{−2πi k·n/N}`. The last axis keeps bins `k = 0 … K−1` (a half spectrum, so
/// `K ≤ N/2 + 1`); in 2-D the first axis keeps the `K₁` lowest non-negative and the `K₁` highest
/// (negative) frequencies, rows `0 … K₁−1, N₁−K₁ … N₁−1`, so `2K₁ ≤ N₁`. The inverse places a
/// truncated spectrum Z into an otherwise zero spectrum and returns the real signal
///
///     y = 1/(N₁N₂) Σ_k c_k Re(Z_k e^{2πi k·n/N}),   c_k = 1 on the zero and Nyquist bins of the
///                                                   last axis, 2 elsewhere,
///
/// which is the real inverse DFT (`irfft(rfft(x)) = x` when every mode is kept) and is defined for
/// every Z, Hermitian or not (the imaginary parts on the zero and Nyquist bins of the last axis do
/// not count). The two maps are adjoint up to the weights c, which gives the backward rules:
/// `x̄ = N₁N₂ · irfft(X̄ / c)` and `Z̄ = (c / N₁N₂) · rfft(ȳ)`. Both are recorded with the same
/// ops, so second derivatives work.
extension Tensor {
    /// The spectrum of each signal over the last `modes.count` axes (1 or 2), truncated to `modes`.
    /// Shapes: `[…, N]` → `[…, K]`; `[…, N₁, N₂]` → `[…, 2K₁, K₂]` (real and imaginary parts).
    public func rfft(modes: [Int]) -> (real: Tensor, imag: Tensor) {
        let grid = SpectralGrid(sizes: Array(shape.suffix(modes.count)), modes: modes)
        precondition(rank >= modes.count, "rfft over \(modes.count) axes of a tensor of shape \(shape)")
        let batch = Array(shape.dropLast(modes.count)), rows = elementCount(batch)
        let (re, im) = grid.forward(scalars, batch: rows)
        let input = self
        let scale = Double(grid.points)
        func pullback(_ g: Tensor, real: Bool) -> [Tensor?] {
            let z = Tensor.zeros(g.shape), w = g * grid.multiplicity.reciprocal
            return [Tensor.irfft(real: real ? w : z, imag: real ? z : w, sizes: grid.sizes) * scale]
        }
        let outShape = batch + grid.spectrumShape
        return (Tensor.record(re, shape: outShape, inputs: [input]) { g, _ in pullback(g, real: true) },
                Tensor.record(im, shape: outShape, inputs: [input]) { g, _ in pullback(g, real: false) })
    }

    /// The real signals on a grid of `sizes` (1 or 2 axes) whose truncated spectra are
    /// `real + i·imag`, of shape `[…, K]` or `[…, 2K₁, K₂]`; modes beyond them are zero.
    public static func irfft(real: Tensor, imag: Tensor, sizes: [Int]) -> Tensor {
        precondition(real.shape == imag.shape && real.rank >= sizes.count,
                     "irfft: real \(real.shape) and imaginary \(imag.shape) parts differ")
        let spectrum = Array(real.shape.suffix(sizes.count))
        let modes = sizes.count == 2 ? [spectrum[0] / 2, spectrum[1]] : spectrum
        let grid = SpectralGrid(sizes: sizes, modes: modes)
        precondition(grid.spectrumShape == spectrum, "irfft: spectrum \(spectrum) does not fit a grid of \(sizes)")
        let batch = Array(real.shape.dropLast(sizes.count))
        let out = grid.inverse(real: real.scalars, imag: imag.scalars, batch: elementCount(batch))
        return record(out, shape: batch + sizes, inputs: [real, imag]) { g, _ in
            let weights = grid.multiplicity * (1 / Double(grid.points))
            let (gr, gi) = g.rfft(modes: modes)
            return [real.requiresGrad ? gr * weights : nil, imag.requiresGrad ? gi * weights : nil]
        }
    }

    /// The full half spectrum `k = 0 … N/2` along the last axis.
    public func rfft() -> (real: Tensor, imag: Tensor) { rfft(modes: [shape[rank - 1] / 2 + 1]) }

    /// The inverse of `rfft()`: `count` real points from a half spectrum of `count/2 + 1` bins.
    public static func irfft(real: Tensor, imag: Tensor, count n: Int) -> Tensor { irfft(real: real, imag: imag, sizes: [n]) }

    /// Elementwise 1/x of a constant.
    var reciprocal: Tensor { Tensor(shape: shape, scalars: scalars.map { 1 / $0 }) }
}

/// A grid of one or two periodic axes and the modes kept on each (see the ops above).
struct SpectralGrid {
    let sizes: [Int], modes: [Int]

    init(sizes: [Int], modes: [Int]) {
        precondition((1...2).contains(modes.count) && sizes.count == modes.count, "1-D or 2-D transforms, got modes \(modes)")
        let last = sizes[sizes.count - 1], kept = modes[modes.count - 1]
        precondition(kept >= 1 && kept <= last / 2 + 1, "\(kept) modes do not fit \(last) points")
        if sizes.count == 2 { precondition(modes[0] >= 1 && 2 * modes[0] <= sizes[0], "\(modes[0]) modes (twice) do not fit \(sizes[0]) points") }
        self.sizes = sizes; self.modes = modes
    }

    var points: Int { sizes.reduce(1, *) }
    var spectrumShape: [Int] { sizes.count == 2 ? [2 * modes[0], modes[1]] : modes }
    var spectrumCount: Int { spectrumShape.reduce(1, *) }
    /// Columns of the last axis's half spectrum.
    var halfWidth: Int { sizes[sizes.count - 1] / 2 + 1 }

    /// c_k along the last axis: 1 on the zero and (even N) Nyquist bins, 2 elsewhere.
    var multiplicity: Tensor {
        let n = sizes[sizes.count - 1]
        return Tensor((0..<modes[modes.count - 1]).map { k in k == 0 || (n % 2 == 0 && k == n / 2) ? 1 : 2 })
    }

    /// Row of the full first-axis spectrum held in row `r` of a truncated one (2-D).
    func fullRow(_ r: Int) -> Int { r < modes[0] ? r : sizes[0] - 2 * modes[0] + r }

    func forward(_ x: ScalarBuffer, batch: Int) -> (ScalarBuffer, ScalarBuffer) {
        let n = sizes[sizes.count - 1], h = halfWidth, kLast = modes[modes.count - 1]
        let lines = batch * (sizes.count == 2 ? sizes[0] : 1)
        // Both are overwritten whole: the input by the copy, the output by FFTW.
        let real = FFTScratch(count: lines * n, zeroed: false), half = FFTScratch(count: lines * h * 2, zeroed: false)
        if lines * n > 0 { x.withUnsafeBufferPointer { real.pointer.update(from: $0.baseAddress!, count: lines * n) } }
        FFTPlans.realToComplex(real, half, n: n, lines: lines)
        let hp = half.pointer
        if sizes.count == 1 {
            let re = makeScalars(batch * kLast) { o in for b in 0..<batch { for k in 0..<kLast { o[b * kLast + k] = hp[2 * (b * h + k)] } } }
            let im = makeScalars(batch * kLast) { o in for b in 0..<batch { for k in 0..<kLast { o[b * kLast + k] = hp[2 * (b * h + k) + 1] } } }
            return (re, im)
        }
        let n1 = sizes[0], rowsKept = 2 * modes[0]
        let columns = FFTScratch(count: batch * n1 * kLast * 2, zeroed: false)
        let cp = columns.pointer
        for line in 0..<lines { (cp + 2 * line * kLast).update(from: hp + 2 * line * h, count: 2 * kLast) }
        if batch > 0 { FFTPlans.complexAlongMiddle(columns, n: n1, inner: kLast, outer: batch, forward: true) }
        func gather(_ part: Int) -> ScalarBuffer {
            makeScalars(batch * spectrumCount) { o in
                for b in 0..<batch { for r in 0..<rowsKept { for k in 0..<kLast {
                    o[(b * rowsKept + r) * kLast + k] = cp[2 * ((b * n1 + fullRow(r)) * kLast + k) + part]
                } } }
            }
        }
        return (gather(0), gather(1))
    }

    func inverse(real re: ScalarBuffer, imag im: ScalarBuffer, batch: Int) -> ScalarBuffer {
        let n = sizes[sizes.count - 1], h = halfWidth, kLast = modes[modes.count - 1]
        let lines = batch * (sizes.count == 2 ? sizes[0] : 1)
        let half = FFTScratch(count: lines * h * 2)
        let hp = half.pointer
        re.withUnsafeBufferPointer { rp in im.withUnsafeBufferPointer { ip in
            if sizes.count == 1 {
                for b in 0..<batch { for k in 0..<kLast {
                    hp[2 * (b * h + k)] = rp[b * kLast + k]; hp[2 * (b * h + k) + 1] = ip[b * kLast + k]
                } }
                return
            }
            let n1 = sizes[0], rowsKept = 2 * modes[0]
            let columns = FFTScratch(count: batch * n1 * kLast * 2)
            let cp = columns.pointer
            for b in 0..<batch { for r in 0..<rowsKept { for k in 0..<kLast {
                let dst = 2 * ((b * n1 + fullRow(r)) * kLast + k), src = (b * rowsKept + r) * kLast + k
                cp[dst] = rp[src]; cp[dst + 1] = ip[src]
            } } }
            if batch > 0 { FFTPlans.complexAlongMiddle(columns, n: n1, inner: kLast, outer: batch, forward: false) }
            for line in 0..<lines { (hp + 2 * line * h).update(from: cp + 2 * line * kLast, count: 2 * kLast) }
        } }
        // Only the real parts of the zero and Nyquist bins count (see the ops above).
        for line in 0..<lines {
            hp[2 * line * h + 1] = 0
            if n % 2 == 0 && kLast == h { hp[2 * (line * h + h - 1) + 1] = 0 }
        }
        let real = FFTScratch(count: lines * n, zeroed: false)
        FFTPlans.complexToReal(half, real, n: n, lines: lines)
        let scale = 1 / Double(points), rp = real.pointer
        return makeScalars(lines * n) { out in
            Parallel.forEachChunk(lines * n, grain: 1 << 16) { range in for i in range { out[i] = rp[i] * scale } }
        }
    }
}
