import Glibc
import HyloCore

/// The kernel that moves SMC-ABC particles: Gaussian with covariance Σ = scale × the weighted
/// covariance of the population, or a box with the same per-parameter variances (half-widths
/// √(3 Σₖₖ)).
struct PerturbationKernel {
    let kind: SMCABC.Kernel
    let dimension: Int
    /// Row-major lower Cholesky factor of Σ (Gaussian kernel).
    let factor: Tensor
    /// Per-parameter half-widths (uniform kernel).
    let halfWidths: [Double]

    init(kind: SMCABC.Kernel, population: SMCABC.Population, scale: Double) throws {
        let (n, d) = (population.count, population.theta.shape[1])
        let (theta, w) = (population.theta.scalars, population.weights)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for k in 0..<d { mean[k] += w[i] * theta[i * d + k] } }
        var covariance = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for a in 0..<d {
                let ea = theta[i * d + a] - mean[a]
                for b in 0...a { covariance[a * d + b] += w[i] * ea * (theta[i * d + b] - mean[b]) }
            }
        }
        // Unbiased weighted covariance: divide by 1 − Σ w².
        let correction = 1 / Swift.max(1 - w.reduce(0) { $0 + $1 * $1 }, 1e-12)
        for a in 0..<d { for b in 0...a { covariance[a * d + b] *= scale * correction; covariance[b * d + a] = covariance[a * d + b] } }
        // A collapsed population (all particles equal in some direction) still needs a proper kernel.
        let largest = (0..<d).map { covariance[$0 * d + $0] }.max() ?? 0
        let floor = Swift.max(largest * 1e-10, 1e-300)
        for a in 0..<d { covariance[a * d + a] = Swift.max(covariance[a * d + a], 0) + floor }
        self.kind = kind
        dimension = d
        factor = try Tensor(shape: [d, d], scalars: covariance).cholesky()
        halfWidths = (0..<d).map { (3 * covariance[$0 * d + $0]).squareRoot() }
    }

    /// n perturbed particles inside the prior's support, ancestors drawn by weight.
    func propose(_ n: Int, from population: SMCABC.Population, prior: Prior, rng: inout Philox) throws -> Tensor {
        let d = dimension
        let draw = WeightedDraw(population.weights)
        var out: [Double] = []
        out.reserveCapacity(n * d)
        var attempts = 0
        while out.count < n * d {
            let m = n - out.count / d
            attempts += m
            guard attempts <= 1000 * n + 1000 else {
                throw ABCError("SMC-ABC: the perturbation kernel left the prior's support in \(attempts) of \(attempts) proposals")
            }
            var candidates = [Double](repeating: 0, count: m * d)
            let ancestors = draw.draw(m, rng: &rng)
            for (r, a) in ancestors.enumerated() {
                let z = (0..<d).map { _ in kind == .gaussian ? rng.normal() : 2 * rng.uniform() - 1 }
                for k in 0..<d {
                    var step = 0.0
                    if kind == .gaussian { for l in 0...k { step += factor.scalars[k * d + l] * z[l] } } else { step = halfWidths[k] * z[k] }
                    candidates[r * d + k] = population.theta.scalars[a * d + k] + step
                }
            }
            let inside = prior.contains(Tensor(shape: [m, d], scalars: candidates))
            for r in 0..<m where inside[r] { out.append(contentsOf: candidates[(r * d)..<((r + 1) * d)]) }
        }
        return Tensor(shape: [n, d], scalars: out)
    }

    /// Normalized weights ∝ prior(θᵢ) / Σⱼ wⱼ K(θᵢ | θⱼ) of new particles θ `[m, d]`.
    func importanceWeights(of theta: Tensor, prior: Prior, previous: SMCABC.Population) -> [Double] {
        let (m, n, d) = (theta.shape[0], previous.count, dimension)
        guard m > 0 else { return [] }
        let logPrior = prior.logProb(theta).scalars
        // Log kernel densities up to a constant shared by all pairs.
        let logKernel: (Int, Int) -> Double
        switch kind {
        case .gaussian:
            // ‖L⁻¹(θᵢ − θⱼ)‖² = ‖L⁻¹θᵢ − L⁻¹θⱼ‖²: whiten every point once.
            let whitenedNew = Tensor.solveTriangular(factor, theta.transposed(), lower: true).transposed().scalars
            let whitenedOld = Tensor.solveTriangular(factor, previous.theta.transposed(), lower: true).transposed().scalars
            logKernel = { i, j in
                var s = 0.0
                for k in 0..<d { let e = whitenedNew[i * d + k] - whitenedOld[j * d + k]; s += e * e }
                return -0.5 * s
            }
        case .uniform:
            logKernel = { i, j in
                (0..<d).allSatisfy { Swift.abs(theta.scalars[i * d + $0] - previous.theta.scalars[j * d + $0]) <= halfWidths[$0] } ? 0 : -.infinity
            }
        }
        let logPreviousWeights = previous.weights.map { Glibc.log($0) }
        var logWeights = (0..<m).map { i -> Double in
            var terms = (0..<n).map { logPreviousWeights[$0] + logKernel(i, $0) }
            let top = terms.max()!
            guard top.isFinite else { return -.infinity }
            for j in 0..<n { terms[j] = Glibc.exp(terms[j] - top) }
            return logPrior[i] - (top + Glibc.log(terms.reduce(0, +)))
        }
        let top = logWeights.max()!
        for i in 0..<m { logWeights[i] = Glibc.exp(logWeights[i] - top) }
        let total = logWeights.reduce(0, +)
        return logWeights.map { $0 / total }
    }
}
