import Glibc
import HyloCore

/// The 2-D Darcy flow data set of the FNO paper: −∇·(a∇u) = f on the unit square, u = 0 on the
/// boundary, f = 1, the operator a ↦ u. The coefficient is a thresholded Gaussian field,
/// a = 12 where μ ≥ 0 and 3 where μ < 0, with μ ~ N(0, (−Δ + τ²)^(−α)) under zero Neumann
/// conditions (τ = 3, α = 2): μ = Σ_k ξ_k (π²|k|² + τ²)^(−α/2) cos(πk₁x) cos(πk₂y) over every
/// cosine mode the grid resolves but the constant. Solved by the 5-point finite-difference scheme
/// with face coefficients the mean of their two nodes, on a grid `refinement` times finer than the
/// requested one (banded Cholesky), then subsampled, as the published data (421 → 85) were.
public struct DarcyFlowData: Sendable {
    public var tau = 3.0, alpha = 2.0
    public var high = 12.0, low = 3.0
    public var source = 1.0
    /// The solve runs on (resolution − 1)·refinement + 1 points per side.
    public var refinement = 2

    public init() {}

    /// The coefficient on an s × s grid (x_i = i/(s−1)), row-major [x][y].
    public func coefficient(points s: Int, rng: inout Philox) -> [Double] {
        let x = (0..<s).map { Double($0) / Double(s - 1) }
        // μ = Cᵀ (c ⊙ ξ) C with C[k, i] = cos(πk xᵢ).
        let cosines = Tensor(shape: [s, s], scalars: (0..<s).flatMap { k in x.map { Glibc.cos(Double.pi * Double(k) * $0) } })
        var weights = [Double](repeating: 0, count: s * s)
        for k1 in 0..<s { for k2 in 0..<s where k1 + k2 > 0 {
            let eigen = Double.pi * Double.pi * Double(k1 * k1 + k2 * k2) + tau * tau
            weights[k1 * s + k2] = Glibc.pow(eigen, -alpha / 2) * rng.normal()
        } }
        let mu = Tensor.matmul(Tensor.matmul(cosines, Tensor(shape: [s, s], scalars: weights), transposeA: true), cosines)
        return mu.scalars.map { $0 >= 0 ? high : low }
    }

    /// u on the s × s grid for coefficient `a` on it (row-major [x][y]); zero on the boundary.
    /// `nil` if the system could not be factored (a coefficient ≤ 0).
    public func solve(coefficient a: [Double], points s: Int) -> [Double]? {
        precondition(s >= 3 && a.count == s * s, "an s × s coefficient with s ≥ 3")
        let m = s - 2, h2 = 1 / (Double(s - 1) * Double(s - 1))
        var matrix = SymmetricBandMatrix(order: m * m, bandwidth: m)
        let node = { (i: Int, j: Int) in i * s + j }, unknown = { (i: Int, j: Int) in (i - 1) * m + (j - 1) }
        for i in 1...m { for j in 1...m {
            let row = unknown(i, j)
            for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                let (ni, nj) = (i + di, j + dj)
                let face = (a[node(i, j)] + a[node(ni, nj)]) / 2 / h2
                matrix.add(face, row: row, column: row)
                // Only the lower-numbered neighbour is added, so each coupling is entered once.
                if (1...m).contains(ni) && (1...m).contains(nj) && unknown(ni, nj) < row {
                    matrix.add(-face, row: row, column: unknown(ni, nj))
                }
            }
        } }
        guard let interior = matrix.solve([Double](repeating: source, count: m * m)) else { return nil }
        var u = [Double](repeating: 0, count: s * s)
        for i in 1...m { for j in 1...m { u[node(i, j)] = interior[unknown(i, j)] } }
        return u
    }

    /// `count` pairs (a, u) at `resolution` × `resolution` points, each `[count, resolution, resolution]`
    /// row-major. Sample i (counted from `first`) depends only on (seed, i), whatever the threads.
    public func generate(count: Int, resolution: Int, seed: UInt64, first: Int = 0) -> (coefficient: [Double], solution: [Double]) {
        precondition(resolution >= 3 && refinement >= 1, "a resolution of at least 3 and a refinement of at least 1")
        let fine = (resolution - 1) * refinement + 1, cells = resolution * resolution
        let pairs = generatePairs(count: count, width: cells, seed: seed, first: first) { rng, aOut, uOut in
            let a = coefficient(points: fine, rng: &rng)
            let u = solve(coefficient: a, points: fine) ?? []  // a > 0 always factors
            for i in 0..<resolution { for j in 0..<resolution {
                let f = (i * refinement) * fine + j * refinement
                aOut[i * resolution + j] = a[f]
                uOut[i * resolution + j] = u.isEmpty ? .nan : u[f]
            } }
        }
        return (pairs.inputs, pairs.outputs)
    }
}
