/// LU factorization with partial pivoting of a small dense row-major matrix, for the Newton
/// matrices of the implicit methods.
struct DenseLU {
    private(set) var lu: [Double]
    private var pivots: [Int]
    let n: Int

    /// Factors `matrix` (n × n, row-major); nil if it is singular to working precision.
    init?(_ matrix: [Double], n: Int) {
        self.n = n
        lu = matrix
        pivots = Array(0..<n)
        for k in 0..<n {
            var p = k, best = abs(lu[k * n + k])
            for i in (k + 1)..<n where abs(lu[i * n + k]) > best { p = i; best = abs(lu[i * n + k]) }
            guard best > 0, best.isFinite else { return nil }
            if p != k {
                for j in 0..<n { lu.swapAt(k * n + j, p * n + j) }
                pivots.swapAt(k, p)
            }
            let inv = 1 / lu[k * n + k]
            for i in (k + 1)..<n {
                let l = lu[i * n + k] * inv
                lu[i * n + k] = l
                if l != 0 { for j in (k + 1)..<n { lu[i * n + j] -= l * lu[k * n + j] } }
            }
        }
    }

    /// Solves `A x = b` in place.
    func solve(_ b: inout [Double]) {
        var x = pivots.map { b[$0] }
        for i in 0..<n { for j in 0..<i { x[i] -= lu[i * n + j] * x[j] } }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in (i + 1)..<n { x[i] -= lu[i * n + j] * x[j] }
            x[i] /= lu[i * n + i]
        }
        b = x
    }

    /// Solves `Aᵀ x = b` in place.
    func solveTransposed(_ b: inout [Double]) {
        var x = b
        // Aᵀ = Uᵀ Lᵀ Pᵀ... with P A = L U: Aᵀ = Uᵀ Lᵀ P, so solve Uᵀ z = b, Lᵀ w = z, x = Pᵀ w.
        for i in 0..<n {
            for j in 0..<i { x[i] -= lu[j * n + i] * x[j] }
            x[i] /= lu[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in (i + 1)..<n { x[i] -= lu[j * n + i] * x[j] }
        }
        for i in 0..<n { b[pivots[i]] = x[i] }
    }
}
