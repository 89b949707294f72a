import Dispatch
import Glibc

/// Splitting large kernels over cores. Work is cut into contiguous, equal parts whose results do
/// not depend on the cut (each output element is computed by the same code from the same inputs),
/// so answers are bit-identical whatever the number of threads.
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
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body((count * part / parts)..<(count * (part + 1) / parts))
            }
        }
    }
}
