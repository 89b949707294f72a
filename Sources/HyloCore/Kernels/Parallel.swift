import Glibc

/// Splitting large kernels over cores, so that answers are bit-identical whatever the number of
/// threads: either each output element is computed by the same code whatever the cut
/// (`forEachChunk`, for elementwise kernels), or the cut itself depends only on the problem
/// (`forEachPart`, for BLAS calls, whose summation order can depend on the operand sizes).
enum Parallel {
    /// Threads a kernel may use: `HYLO_NUM_THREADS` if set, else the online cores (at most 8).
    static let threads: Int = {
        if let v = getenv("HYLO_NUM_THREADS").flatMap({ Int(String(cString: $0)) }), v >= 1 { return v }
        return Swift.max(1, Swift.min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Calls `body` on disjoint ranges covering `0..<count`, in parallel when each part gets at
    /// least `grain` items.
    @inline(__always)
    static func forEachChunk(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let parts = Swift.min(threads, count / Swift.max(grain, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        forEachPart(count, parts: parts, body)
    }

    /// Calls `body` on `parts` fixed, disjoint ranges covering `0..<count` (the same ranges whatever
    /// the number of threads), spread over the available threads.
    static func forEachPart(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        if parts <= 1 {
            body(0..<count)
            return
        }
        let range = { (part: Int) in (count * part / parts)..<(count * (part + 1) / parts) }
        guard let pool = workers else {
            for part in 0..<parts { body(range(part)) }
            return
        }
        pool.run(parts: parts) { body(range($0)) }
    }

    /// `threads − 1` persistent workers (the calling thread is the last), or none with one thread.
    private static let workers: WorkerPool? = threads > 1 ? WorkerPool(workers: threads - 1) : nil
}

/// Runs `body(0) … body(count − 1)` on the engine's threads and returns when all have finished:
/// for coarse, independent pieces of work such as the shards of a training batch. Kernels called
/// from `body` run on their own thread only.
public func concurrently(_ count: Int, _ body: (Int) -> Void) {
    Parallel.forEachPart(count, parts: count) { range in for i in range { body(i) } }
}

