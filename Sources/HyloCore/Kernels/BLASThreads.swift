import CBLAS
import Glibc

/// Hylo's matrices are small (networks of tens to hundreds of units), where OpenBLAS's worker
/// threads cost more in spinning and wake-ups than they save, and Hylo parallelizes over
/// simulations and batches itself. So BLAS runs single-threaded unless the environment variable
/// `HYLO_BLAS_THREADS` asks for more. Set once, before the first product.
let blasThreadsConfigured: Bool = {
    let requested = getenv("HYLO_BLAS_THREADS").flatMap { Int32(String(cString: $0)) } ?? 1
    openblas_set_num_threads(Swift.max(requested, 1))
    return true
}()
