import CFFTW
import Glibc

/// FFTW's planner is not thread-safe; execution is.
private let plannerLock: UnsafeMutablePointer<pthread_mutex_t> = {
    let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    pthread_mutex_init(m, nil)
    return m
}()

/// Plans (under the planner lock), executes once and destroys an FFTW plan.
private func executeOnce(_ makePlan: () -> fftw_plan?) {
    pthread_mutex_lock(plannerLock)
    let plan = makePlan()
    pthread_mutex_unlock(plannerLock)
    fftw_execute(plan)
    pthread_mutex_lock(plannerLock)
    fftw_destroy_plan(plan)
    pthread_mutex_unlock(plannerLock)
}

/// Real-to-complex FFTs along the last axis (FFTW), for spectral layers.
extension Tensor {
    /// The half spectrum `X_k = Σₙ xₙ e^{−2πikn/N}`, k = 0…N/2, of each row along the last axis,
    /// as real and imaginary parts of shape `[…, N/2 + 1]`.
    ///
    /// Backward: `x̄ₙ = Σₖ Re X̄ₖ cos θ − Im X̄ₖ sin θ`, which is `N · irfft` of the cotangent with
    /// its interior bins halved.
    public func rfft() -> (real: Tensor, imag: Tensor) {
        let n = shape[rank - 1], rows = count / Swift.max(n, 1), m = n / 2 + 1
        var re = [Double](repeating: 0, count: rows * m), im = re
        if n > 0 && rows > 0 {
            var spectrum = [Double](repeating: 0, count: 2 * rows * m)
            var input = scalars
            input.withUnsafeMutableBufferPointer { src in
                spectrum.withUnsafeMutableBytes { dst in
                    let out = dst.baseAddress!.assumingMemoryBound(to: fftw_complex.self)
                    var dims = Int32(n)
                    executeOnce {
                        fftw_plan_many_dft_r2c(1, &dims, Int32(rows), src.baseAddress, nil, 1, Int32(n),
                                               out, nil, 1, Int32(m), UInt32(FFTW_ESTIMATE))
                    }
                }
            }
            for i in 0..<(rows * m) { re[i] = spectrum[2 * i]; im[i] = spectrum[2 * i + 1] }
        }
        var s = shape; s[rank - 1] = m
        let input = self
        let weights = Tensor.spectrumMultiplicity(n).reciprocal
        func pullback(_ g: Tensor, real: Bool) -> [Tensor?] {
            let z = Tensor.zeros(g.shape)
            let x = real ? Tensor.irfft(real: g * weights, imag: z, count: n) : Tensor.irfft(real: z, imag: g * weights, count: n)
            return [x * Double(n)]
        }
        let realPart = Tensor.record(re, shape: s, inputs: [input]) { g, _ in pullback(g, real: true) }
        let imagPart = Tensor.record(im, shape: s, inputs: [input]) { g, _ in pullback(g, real: false) }
        return (realPart, imagPart)
    }

    /// The real signal of length `count` whose half spectrum is `real + i·imag` (normalized so that
    /// `irfft(rfft(x)) = x`); imaginary parts of the zero and Nyquist bins are ignored.
    ///
    /// Backward: `Z̄ₖ = (cₖ / N) · rfft(x̄)ₖ` with `cₖ = 2` on interior bins and 1 on the others.
    public static func irfft(real: Tensor, imag: Tensor, count n: Int) -> Tensor {
        precondition(real.shape == imag.shape && real.rank >= 1 && real.shape[real.rank - 1] == n / 2 + 1,
                     "irfft: spectrum \(real.shape) does not fit \(n) points")
        let m = n / 2 + 1, rows = real.count / m
        var out = [Double](repeating: 0, count: rows * n)
        if n > 0 && rows > 0 {
            var spectrum = [Double](repeating: 0, count: 2 * rows * m)
            for i in 0..<(rows * m) { spectrum[2 * i] = real.scalars[i]; spectrum[2 * i + 1] = imag.scalars[i] }
            spectrum.withUnsafeMutableBytes { src in
                out.withUnsafeMutableBufferPointer { dst in
                    let input = src.baseAddress!.assumingMemoryBound(to: fftw_complex.self)
                    var dims = Int32(n)
                    executeOnce {
                        fftw_plan_many_dft_c2r(1, &dims, Int32(rows), input, nil, 1, Int32(m),
                                               dst.baseAddress, nil, 1, Int32(n), UInt32(FFTW_ESTIMATE))
                    }
                }
            }
            let scale = 1 / Double(n)
            for i in out.indices { out[i] *= scale }
        }
        var s = real.shape; s[s.count - 1] = n
        let weights = spectrumMultiplicity(n) * (1 / Double(n))
        return record(out, shape: s, inputs: [real, imag]) { g, _ in
            let (gr, gi) = g.rfft()
            return [real.requiresGrad ? gr * weights : nil, imag.requiresGrad ? gi * weights : nil]
        }
    }

    /// How often each bin of an N-point half spectrum stands in the full spectrum: 2 for interior
    /// bins, 1 for the zero and (even N) Nyquist bins.
    static func spectrumMultiplicity(_ n: Int) -> Tensor {
        Tensor((0..<(n / 2 + 1)).map { k in k == 0 || (n % 2 == 0 && k == n / 2) ? 1 : 2 })
    }

    /// Elementwise 1/x of a constant.
    var reciprocal: Tensor { Tensor(shape: shape, scalars: scalars.map { 1 / $0 }) }
}
