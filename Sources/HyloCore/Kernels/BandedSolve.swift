import CBLAS

/// A symmetric positive-definite band matrix of order `order` with `bandwidth` sub-diagonals,
/// factored and solved by LAPACK's banded Cholesky (`dpbsv`): O(n·kd²) work instead of O(n³).
public struct SymmetricBandMatrix {
    public let order: Int, bandwidth: Int
    /// LAPACK's upper band storage: column j holds A[i, j] for j − kd ≤ i ≤ j at row kd + i − j.
    var bands: [Double]

    public init(order: Int, bandwidth: Int) {
        precondition(order >= 1 && bandwidth >= 0 && bandwidth < order, "band matrix of order \(order), bandwidth \(bandwidth)")
        self.order = order; self.bandwidth = bandwidth
        bands = [Double](repeating: 0, count: order * (bandwidth + 1))
    }

    /// Adds `value` to A[i, j] (and A[j, i]); |i − j| ≤ bandwidth.
    public mutating func add(_ value: Double, row i: Int, column j: Int) {
        let (r, c) = i <= j ? (i, j) : (j, i)
        precondition(c - r <= bandwidth, "entry (\(i), \(j)) lies outside the band")
        bands[c * (bandwidth + 1) + bandwidth + r - c] += value
    }

    /// The solution of A x = b, or `nil` when A is not positive definite.
    public func solve(_ b: [Double]) -> [Double]? {
        precondition(b.count == order, "right-hand side of \(b.count) for order \(order)")
        var ab = bands, x = b
        var uplo: CChar = 85, n = Int32(order), kd = Int32(bandwidth), nrhs: Int32 = 1
        var ldab = Int32(bandwidth + 1), ldb = Int32(order), info: Int32 = 0
        dpbsv_(&uplo, &n, &kd, &nrhs, &ab, &ldab, &x, &ldb, &info)
        return info == 0 ? x : nil
    }
}
