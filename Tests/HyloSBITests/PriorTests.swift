import Glibc
import Testing
import HyloCore
@testable import HyloSBI

@Suite struct PriorTests {
    let marginals: [Marginal] = [
        .uniform(low: -1, high: 3), .normal(mean: 0.5, std: 2), .logNormal(mu: -0.5, sigma: 0.4),
        .gamma(shape: 2.5, rate: 1.5), .beta(a: 2, b: 5), .gamma(shape: 0.6, rate: 1),
    ]

    /// Mean and variance of each marginal in closed form.
    func moments(_ m: Marginal) -> (Double, Double) {
        switch m {
        case .uniform(let l, let h): return ((l + h) / 2, (h - l) * (h - l) / 12)
        case .normal(let mu, let s): return (mu, s * s)
        case .logNormal(let mu, let s): return (exp(mu + s * s / 2), (exp(s * s) - 1) * exp(2 * mu + s * s))
        case .gamma(let k, let r): return (k / r, k / (r * r))
        case .beta(let a, let b): return (a / (a + b), a * b / ((a + b) * (a + b) * (a + b + 1)))
        }
    }

    @Test func samplesHaveTheRightMoments() {
        let prior = IndependentPrior(marginals)
        var rng = Philox(seed: 1)
        let n = 200_000
        let s = prior.sample(n, rng: &rng)
        for (j, m) in marginals.enumerated() {
            let col = (0..<n).map { s.scalars[$0 * marginals.count + j] }
            let mean = col.reduce(0, +) / Double(n)
            let variance = col.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
            let (m0, v0) = moments(m)
            #expect(abs(mean - m0) < 5 * sqrt(v0 / Double(n)) + 1e-12, "\(m): mean \(mean) vs \(m0)")
            #expect(abs(variance - v0) / v0 < 0.03, "\(m): variance \(variance) vs \(v0)")
        }
    }

    @Test func densitiesIntegrateToOne() {
        // Trapezoid rule on a fine grid over (most of) each support.
        for m in marginals {
            let (lo, hi): (Double, Double)
            switch m {
            case .uniform(let l, let h): (lo, hi) = (l, h)
            case .normal(let mu, let s): (lo, hi) = (mu - 12 * s, mu + 12 * s)
            case .beta: (lo, hi) = (0, 1)
            default: (lo, hi) = (0, 60)
            }
            let n = 400_001
            let grid = Tensor.linspace(lo, hi, count: n)
            let p = m.logProb(grid).exp().scalars
            let h = (hi - lo) / Double(n - 1)
            var total = 0.0
            for i in 0..<n { let w = (i == 0 || i == n - 1) ? 0.5 : 1; total += w * (p[i].isFinite ? p[i] : 0) }
            let integral = total * h
            // The gamma with shape < 1 has an integrable singularity at 0: the first grid cell misses
            // about ∫₀ʰ x^(−0.4) dx / Γ(0.6) ≈ 4e-3 of the mass.
            let tolerance = m == .gamma(shape: 0.6, rate: 1) ? 6e-3 : 1e-6
            #expect(abs(integral - 1) < tolerance, "\(m) integrates to \(integral)")
        }
    }

    @Test func outsideTheSupportIsMinusInfinityWithoutNaNGradients() {
        let prior = IndependentPrior.boxUniform(low: [0, 0], high: [1, 1])
        let theta = Tensor(rows: [[0.5, 0.5], [1.5, 0.5]]).requiringGrad()
        let lp = prior.logProb(theta)
        #expect(lp.scalars[0] == 0 && lp.scalars[1] == -.infinity)
        #expect(prior.contains(theta) == [true, false])
        let beta = Marginal.beta(a: 2, b: 3)
        let x = Tensor([-0.5, 0.3, 1.2]).requiringGrad()
        let g = gradients(of: Tensor.where(beta.logProb(x).greater(-1e300), beta.logProb(x), Tensor.zeros([3])).sum(), wrt: [x])[0]
        #expect(g.scalars.allSatisfy { $0.isFinite })
    }

    @Test func bijectionsRoundTripWithCorrectLogDeterminants() {
        let prior = IndependentPrior(marginals)
        var rng = Philox(seed: 2)
        let theta = prior.sample(50, rng: &rng)
        let z = prior.toUnbounded(theta)
        let back = prior.fromUnbounded(z)
        for (a, b) in zip(back.scalars, theta.scalars) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
        // log|dθ/dz| against a central difference of each coordinate map.
        let h = 1e-6
        let ld = prior.logDetJacobianFromUnbounded(z)
        for i in 0..<50 {
            var sum = 0.0
            for (j, m) in marginals.enumerated() {
                let zj = z.scalars[i * marginals.count + j]
                let d = (m.fromUnbounded(Tensor([zj + h])).scalar - m.fromUnbounded(Tensor([zj - h])).scalar) / (2 * h)
                sum += log(abs(d))
            }
            #expect(abs(sum - ld.scalars[i]) < 1e-5)
        }
    }

    @Test func gaussianPriorMatchesClosedForm() throws {
        let cov = [[2.0, 0.6], [0.6, 1.0]]
        let prior = try GaussianPrior(mean: [1, -1], covariance: cov)
        let theta = Tensor(rows: [[0.3, 0.2], [1, -1]])
        let det = 2.0 * 1.0 - 0.36
        let inv = [[1.0 / det, -0.6 / det], [-0.6 / det, 2.0 / det]]
        for i in 0..<2 {
            let dx = [theta.scalars[2 * i] - 1, theta.scalars[2 * i + 1] + 1]
            let q = dx[0] * (inv[0][0] * dx[0] + inv[0][1] * dx[1]) + dx[1] * (inv[1][0] * dx[0] + inv[1][1] * dx[1])
            let exact = -0.5 * q - 0.5 * log(det) - log(2 * Double.pi)
            #expect(abs(prior.logProb(theta).scalars[i] - exact) < 1e-13)
        }
        var rng = Philox(seed: 3)
        let s = prior.sample(100_000, rng: &rng)
        var c01 = 0.0
        for i in 0..<100_000 { c01 += (s.scalars[2 * i] - 1) * (s.scalars[2 * i + 1] + 1) }
        c01 /= 100_000
        #expect(abs(c01 - 0.6) < 0.02)
        #expect(throws: LinearAlgebraError.self) { try GaussianPrior(mean: [0, 0], covariance: [[1, 2], [2, 1]]) }
    }
}
