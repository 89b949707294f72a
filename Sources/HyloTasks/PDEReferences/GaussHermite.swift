import Glibc

/// Gauss–Hermite quadrature: nodes zᵢ and weights wᵢ with ∫ g(z) e^{−z²} dz ≈ Σ wᵢ g(zᵢ), exact
/// for polynomials of degree < 2n. Nodes by Newton's method on the orthonormal Hermite
/// recurrence (which cannot overflow), from the asymptotic initial guesses of Numerical Recipes
/// §4.6; each node refined to machine precision. Those guesses hold for n ≤ 180.
public func gaussHermite(_ n: Int) -> (nodes: [Double], weights: [Double]) {
    precondition((1...180).contains(n), "Gauss–Hermite rules are computed for 1…180 nodes")
    var nodes = [Double](repeating: 0, count: n), weights = [Double](repeating: 0, count: n)
    let m = (n + 1) / 2
    var z = 0.0
    for i in 0..<m {
        switch i {
        case 0: z = Glibc.sqrt(Double(2 * n + 1)) - 1.85575 * Glibc.pow(Double(2 * n + 1), -0.16667)
        case 1: z -= 1.14 * Glibc.pow(Double(n), 0.426) / z
        case 2: z = 1.86 * z - 0.86 * nodes[0]
        case 3: z = 1.91 * z - 0.91 * nodes[1]
        default: z = 2 * z - nodes[i - 2]
        }
        var derivative = 1.0
        for _ in 0..<100 {
            // Orthonormal Hermite functions' polynomials: p_j = z √(2/j) p_{j−1} − √((j−1)/j) p_{j−2}.
            var p1 = Glibc.pow(Double.pi, -0.25), p2 = 0.0
            for j in 1...n {
                let p3 = p2
                p2 = p1
                p1 = z * Glibc.sqrt(2 / Double(j)) * p2 - Glibc.sqrt(Double(j - 1) / Double(j)) * p3
            }
            derivative = Glibc.sqrt(Double(2 * n)) * p2
            let step = p1 / derivative
            z -= step
            if Swift.abs(step) <= 1e-15 * Swift.max(1, Swift.abs(z)) { break }
        }
        nodes[i] = z
        nodes[n - 1 - i] = -z
        weights[i] = 2 / (derivative * derivative)
        weights[n - 1 - i] = weights[i]
    }
    return (nodes.reversed(), weights.reversed())
}
