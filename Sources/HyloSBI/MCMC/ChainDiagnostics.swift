import Glibc

/// Convergence diagnostics of MCMC output (Gelman et al., Bayesian Data Analysis, 3rd ed., §11.4–11.5),
/// computed per dimension on split chains: each chain's draws are cut into a first and a second
/// half, so that a chain still drifting shows up as two disagreeing halves.
public enum ChainDiagnostics {
    /// Draws of one dimension: `[chain][draw]`.
    typealias Chains = [[Double]]

    /// The halves of every chain (an odd middle draw is dropped).
    static func split(_ chains: Chains) -> Chains {
        chains.flatMap { c -> [[Double]] in
            let h = c.count / 2
            return [Array(c[0..<h]), Array(c[(c.count - h)...])]
        }
    }

    /// Within-chain variance W, the pooled variance estimate var⁺ = (n − 1)/n W + B/n, and the chain
    /// means, for chains of equal length n ≥ 2.
    static func variances(_ chains: Chains) -> (within: Double, pooled: Double, means: [Double]) {
        let m = Double(chains.count), n = Double(chains[0].count)
        let means = chains.map { $0.reduce(0, +) / n }
        let grand = means.reduce(0, +) / m
        let between = n / (m - 1) * means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        let within = zip(chains, means).reduce(0) { acc, cm in
            acc + cm.0.reduce(0) { $0 + ($1 - cm.1) * ($1 - cm.1) } / (n - 1)
        } / m
        return (within, (n - 1) / n * within + between / n, means)
    }

    /// Split R̂ = √(var⁺ / W): 1 for chains that sample the same distribution, larger when they
    /// disagree. NaN with fewer than 2 draws per half.
    public static func rHat(_ chains: [[Double]]) -> Double {
        let halves = split(chains)
        guard halves.count >= 2, let n = halves.first?.count, n >= 2 else { return .nan }
        let v = variances(halves)
        guard v.within > 0 else { return v.pooled > 0 ? .infinity : 1 }
        return (v.pooled / v.within).squareRoot()
    }

    /// Effective sample size m·n / τ with τ = 1 + 2 Σₜ ρₜ, where ρₜ = 1 − (W − mean autocovariance at
    /// lag t) / var⁺ combines all split chains, and the sum is Geyer's initial monotone sequence:
    /// pairs ρ₂ₖ + ρ₂ₖ₊₁ are added while positive, each capped by the one before.
    public static func effectiveSampleSize(_ chains: [[Double]]) -> Double {
        let halves = split(chains)
        guard halves.count >= 2, let n = halves.first?.count, n >= 2 else { return .nan }
        let v = variances(halves)
        let total = Double(halves.count * n)
        guard v.pooled > 0 else { return total }
        func rho(_ t: Int) -> Double {
            var acov = 0.0
            for (c, mean) in zip(halves, v.means) {
                var s = 0.0
                for k in 0..<(n - t) { s += (c[k] - mean) * (c[k + t] - mean) }
                acov += s / Double(n)
            }
            acov /= Double(halves.count)
            return 1 - (v.within - acov) / v.pooled
        }
        var tau = -1.0, previous = Double.infinity, t = 0
        while t + 1 < n {
            var pair = rho(t) + rho(t + 1)
            if pair <= 0 { break }
            pair = Swift.min(pair, previous)
            tau += 2 * pair
            previous = pair
            t += 2
        }
        return total / Swift.max(tau, 1 / Glibc.log10(Swift.max(total, 10)))
    }
}
