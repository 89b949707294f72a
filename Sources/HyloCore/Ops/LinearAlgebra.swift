import CBLAS

/// Why a factorization failed.
public enum LinearAlgebraError: Error, CustomStringConvertible {
    case notPositiveDefinite(leadingMinor: Int)
    case notSquare(shape: [Int])

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k): return "matrix is not positive definite (leading minor \(k) is not)"
        case .notSquare(let s): return "matrix of shape \(s) is not square"
        }
    }
}

/// Cholesky factorization and triangular solves for small dense matrices (LAPACK/BLAS), batched
/// over leading axes.
extension Tensor {
    /// The lower-triangular `L` with `self = L Lᵀ`, for symmetric positive-definite `self`
    /// (only the lower triangle is read).
    ///
    /// Backward (Murray 2016): with `P = Φ(Lᵀ L̄)` — the lower triangle with its diagonal halved —
    /// `Ā = sym(L⁻ᵀ P L⁻¹)`, computed with two triangular solves.
    public func cholesky() throws -> Tensor {
        guard rank >= 2, shape[rank - 1] == shape[rank - 2] else { throw LinearAlgebraError.notSquare(shape: shape) }
        let n = shape[rank - 1], batches = count / Swift.max(n * n, 1)
        var out = scalars
        var failure: Int32 = 0
        out.withUnsafeMutableBufferPointer { p in
            for b in 0..<batches where failure == 0 {
                // Row-major lower = column-major upper, so ask LAPACK for 'U'.
                var uplo: CChar = 85, nn = Int32(n), info: Int32 = 0
                dpotrf_(&uplo, &nn, p.baseAddress! + b * n * n, &nn, &info)
                if info != 0 { failure = info }
                for i in 0..<n { for j in (i + 1)..<n { p[b * n * n + i * n + j] = 0 } }
            }
        }
        if failure != 0 { throw LinearAlgebraError.notPositiveDefinite(leadingMinor: Int(failure)) }
        let diagHalf = Tensor.triangleMask(n, lower: true, diagonal: 0.5)
        return Tensor.record(out, shape: shape, inputs: [self], saveOutput: true) { g, l in
            let p = Tensor.matmul(l, g, transposeA: true) * diagHalf
            let x = Tensor.solveTriangular(l, p, lower: true, transpose: true)          // L⁻ᵀ P
            let s = Tensor.solveTriangular(l, x.transposed(), lower: true, transpose: true).transposed()  // L⁻ᵀ P L⁻¹
            return [(s + s.transposed()) * 0.5]
        }
    }

    /// Solves `op(A) X = B` for triangular `A` (`[…, n, n]`) and `B` (`[…, n, k]`), `op` the
    /// transpose when `transpose`. Only the named triangle of `A` is read.
    ///
    /// Backward: `B̄ = op(A)⁻ᵀ X̄`, and `Ā = −B̄ Xᵀ` (or `−X B̄ᵀ` for the transposed solve) restricted
    /// to the triangle.
    public static func solveTriangular(_ a: Tensor, _ b: Tensor, lower: Bool, transpose: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && a.shape[a.rank - 1] == a.shape[a.rank - 2], "solveTriangular: A \(a.shape) is not square")
        precondition(b.rank == a.rank && b.shape[b.rank - 2] == a.shape[a.rank - 1] && b.shape.dropLast(2) == a.shape.dropLast(2),
                     "solveTriangular: B \(b.shape) does not match A \(a.shape)")
        let n = a.shape[a.rank - 1], k = b.shape[b.rank - 1]
        let batches = a.count / Swift.max(n * n, 1)
        _ = blasThreadsConfigured
        var out = b.scalars
        a.scalars.withUnsafeBufferPointer { pa in
            out.withUnsafeMutableBufferPointer { px in
                guard n > 0 && k > 0 else { return }
                for i in 0..<batches {
                    cblas_dtrsm(CblasRowMajor, CblasLeft, lower ? CblasLower : CblasUpper,
                                transpose ? CblasTrans : CblasNoTrans, CblasNonUnit, Int32(n), Int32(k), 1,
                                pa.baseAddress! + i * n * n, Int32(n), px.baseAddress! + i * n * k, Int32(k))
                }
            }
        }
        let mask = triangleMask(n, lower: lower, diagonal: 1)
        return record(out, shape: b.shape, inputs: [a, b], saveOutput: true) { g, x in
            let gb = solveTriangular(a, g, lower: lower, transpose: !transpose)
            let ga = a.requiresGrad ? (transpose ? -matmul(x, gb, transposeB: true) : -matmul(gb, x, transposeB: true)) * mask : nil
            return [ga, b.requiresGrad ? gb : nil]
        }
    }

    /// An `n × n` constant with ones on one strict triangle, `diagonal` on the diagonal, zeros elsewhere.
    static func triangleMask(_ n: Int, lower: Bool, diagonal: Double) -> Tensor {
        var s = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where lower ? j < i : j > i { s[i * n + j] = 1 }; s[i * n + i] = diagonal }
        return Tensor(shape: [n, n], scalars: s)
    }

    /// The diagonals of the last two axes, shape `[…, n]`.
    public func diagonal() -> Tensor {
        precondition(rank >= 2 && shape[rank - 1] == shape[rank - 2], "diagonal of non-square \(shape)")
        let n = shape[rank - 1]
        let lead = Array(shape.dropLast(2))
        return reshaped(lead + [n * n]).slice(axis: -1, start: 0, end: n * n, step: n + 1)
    }
}
