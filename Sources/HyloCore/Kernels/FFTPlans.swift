import CFFTW
import Glibc

/// The FFTW transforms behind the spectral ops, with their plans cached.
///
/// Plans are made with `FFTW_ESTIMATE`, never `FFTW_MEASURE`: a measured plan depends on timings,
/// so two runs could pick different algorithms and differ in the last bits, and Hylo promises
/// identical results for a seed. They are also `FFTW_UNALIGNED`, so that the scratch arrays can
/// come from the per-thread buffer pool (reused from step to step) whatever their alignment.
/// FFTW's planner is not thread-safe, its execution is: planning and the cache sit behind one
/// lock, execution does not.
enum FFTPlans {
    enum Key: Hashable {
        /// `rows` real-to-complex transforms of length `n` (contiguous rows, half spectra of n/2+1;
        /// destroys its input).
        case realToComplex(n: Int, rows: Int)
        /// The inverse of `realToComplex` (unnormalized; destroys its input).
        case complexToReal(n: Int, rows: Int)
        /// In-place complex transforms of length `n` along the middle axis of `[outer, n, inner]`.
        case complexAlongMiddle(n: Int, inner: Int, outer: Int, forward: Bool)
    }

    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var cache: [Key: fftw_plan] = [:]
    /// Beyond this many cached plans, new shapes get a plan used once and destroyed.
    private static let capacity = 256

    /// Runs `execute` with the plan for `key`.
    static func withPlan(_ key: Key, _ execute: (fftw_plan) -> Void) {
        pthread_mutex_lock(lock)
        if let plan = cache[key] {
            pthread_mutex_unlock(lock)
            execute(plan)
            return
        }
        let plan = make(key)
        let cached = cache.count < capacity
        if cached { cache[key] = plan }
        pthread_mutex_unlock(lock)
        execute(plan)
        if !cached {
            pthread_mutex_lock(lock)
            fftw_destroy_plan(plan)
            pthread_mutex_unlock(lock)
        }
    }

    /// Plans on scratch arrays (`FFTW_ESTIMATE` leaves them untouched).
    private static func make(_ key: Key) -> fftw_plan {
        let flags = UInt32(FFTW_ESTIMATE) | UInt32(FFTW_UNALIGNED)
        switch key {
        case .realToComplex(let n, let rows), .complexToReal(let n, let rows):
            let real = FFTScratch(count: rows * n), complex = FFTScratch(count: rows * (n / 2 + 1) * 2)
            var dims = Int32(n)
            if case .realToComplex = key {
                // The input is scratch: FFTW may overwrite it, which opens its faster algorithms.
                return fftw_plan_many_dft_r2c(1, &dims, Int32(rows), real.pointer, nil, 1, Int32(n),
                                              complex.complexPointer, nil, 1, Int32(n / 2 + 1), flags | UInt32(FFTW_DESTROY_INPUT))!
            }
            return fftw_plan_many_dft_c2r(1, &dims, Int32(rows), complex.complexPointer, nil, 1, Int32(n / 2 + 1),
                                          real.pointer, nil, 1, Int32(n), flags)!
        case .complexAlongMiddle(let n, let inner, let outer, let forward):
            let data = FFTScratch(count: outer * n * inner * 2)
            var dims = fftw_iodim(n: Int32(n), is: Int32(inner), os: Int32(inner))
            var loops = [fftw_iodim(n: Int32(outer), is: Int32(n * inner), os: Int32(n * inner)),
                         fftw_iodim(n: Int32(inner), is: 1, os: 1)]
            return fftw_plan_guru_dft(1, &dims, 2, &loops, data.complexPointer, data.complexPointer,
                                      forward ? FFTW_FORWARD : FFTW_BACKWARD, flags)!
        }
    }

    /// Half spectra of `lines` real rows of length `n`: `output` holds `lines × (n/2+1)` complex
    /// numbers. Large batches are cut into fixed parts run on the kernel threads (each row's
    /// transform is the same whatever the cut).
    static func realToComplex(_ input: FFTScratch, _ output: FFTScratch, n: Int, lines: Int) {
        forEachPart(lines, n: n) { rows in
            withPlan(.realToComplex(n: n, rows: rows.count)) {
                fftw_execute_dft_r2c($0, input.pointer + rows.lowerBound * n,
                                     output.complexPointer + rows.lowerBound * (n / 2 + 1))
            }
        }
    }

    /// Real rows from half spectra (unnormalized: the result is n times the inverse DFT); `input`
    /// is destroyed.
    static func complexToReal(_ input: FFTScratch, _ output: FFTScratch, n: Int, lines: Int) {
        forEachPart(lines, n: n) { rows in
            withPlan(.complexToReal(n: n, rows: rows.count)) {
                fftw_execute_dft_c2r($0, input.complexPointer + rows.lowerBound * (n / 2 + 1),
                                     output.pointer + rows.lowerBound * n)
            }
        }
    }

    /// Two parts when there is work enough for both cores (at least 2^18 points), else one.
    private static func forEachPart(_ lines: Int, n: Int, _ body: (Range<Int>) -> Void) {
        guard lines > 0 else { return }
        Parallel.forEachPart(lines, parts: lines >= 2 && lines * n >= 1 << 18 ? 2 : 1, body)
    }

    /// In place along the middle axis of a complex `[outer, n, inner]` array (unnormalized).
    static func complexAlongMiddle(_ data: FFTScratch, n: Int, inner: Int, outer: Int, forward: Bool) {
        withPlan(.complexAlongMiddle(n: n, inner: inner, outer: outer, forward: forward)) {
            fftw_execute_dft($0, data.complexPointer, data.complexPointer)
        }
    }
}

/// Scratch for a transform from the buffer pool (zero-filled unless the caller overwrites all of
/// it), returned to the pool with its owner.
final class FFTScratch {
    let pointer: UnsafeMutablePointer<Double>
    let count: Int

    init(count: Int, zeroed: Bool = true) {
        self.count = Swift.max(count, 1)
        pointer = BufferPool.allocate(self.count)
        if zeroed { pointer.update(repeating: 0, count: self.count) }
    }

    deinit { BufferPool.release(pointer, count: count) }

    /// The same memory as interleaved complex numbers.
    var complexPointer: UnsafeMutablePointer<fftw_complex> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: fftw_complex.self)
    }
}
