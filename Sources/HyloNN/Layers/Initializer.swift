import Glibc
import HyloCore

/// Weight initialization for a `[fanIn, fanOut]` matrix.
public enum Initializer: String, CaseIterable, Sendable {
    /// U(±√(6 / (fanIn + fanOut))) — Glorot & Bengio 2010.
    case xavierUniform
    /// N(0, 2 / (fanIn + fanOut)).
    case xavierNormal
    /// U(±√(6 / fanIn)) — He et al. 2015, for ReLU-like activations.
    case heUniform
    /// N(0, 2 / fanIn).
    case heNormal
    /// A (semi-)orthogonal matrix: Q of the QR decomposition of a Gaussian matrix, with the signs
    /// of R's diagonal folded in so the distribution is uniform (Saxe et al. 2014).
    case orthogonal
    case zeros

    public func make(fanIn: Int, fanOut: Int, rng: inout Philox) -> Tensor {
        let shape = [fanIn, fanOut]
        switch self {
        case .xavierUniform:
            let a = Glibc.sqrt(6 / Double(fanIn + fanOut))
            return rng.uniform(shape, low: -a, high: a)
        case .xavierNormal: return rng.normal(shape, std: Glibc.sqrt(2 / Double(fanIn + fanOut)))
        case .heUniform:
            let a = Glibc.sqrt(6 / Double(fanIn))
            return rng.uniform(shape, low: -a, high: a)
        case .heNormal: return rng.normal(shape, std: Glibc.sqrt(2 / Double(fanIn)))
        case .orthogonal: return Initializer.orthogonalMatrix(rows: fanIn, cols: fanOut, rng: &rng)
        case .zeros: return Tensor.zeros(shape)
        }
    }

    /// Orthonormal columns (rows ≥ cols) or rows (rows < cols), by modified Gram–Schmidt.
    static func orthogonalMatrix(rows: Int, cols: Int, rng: inout Philox) -> Tensor {
        let (n, k) = (Swift.max(rows, cols), Swift.min(rows, cols))
        // k orthonormal vectors of length n.
        var v = (0..<k).map { _ in (0..<n).map { _ in rng.normal() } }
        for i in 0..<k {
            for j in 0..<i {
                let d = zip(v[i], v[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for t in 0..<n { v[i][t] -= d * v[j][t] }
            }
            let norm = Glibc.sqrt(v[i].reduce(0) { $0 + $1 * $1 })
            for t in 0..<n { v[i][t] /= norm }
        }
        var out = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows { for c in 0..<cols { out[r * cols + c] = rows >= cols ? v[c][r] : v[r][c] } }
        return Tensor(shape: [rows, cols], scalars: out)
    }
}
