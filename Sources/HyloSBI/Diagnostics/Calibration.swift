import Glibc
import HyloCore

/// Calibration diagnostics of an amortized posterior, computed on test pairs (θᵢ, xᵢ) with θᵢ from
/// the prior and xᵢ simulated from θᵢ. A calibrated posterior makes each statistic uniform.

/// Simulation-based calibration (Talts et al. 2018): for each pair, the rank of θᵢ among `samples`
/// posterior draws at xᵢ, per dimension; and for each dimension the p-value of a Kolmogorov–Smirnov
/// test of rank / samples against U(0, 1) (as sbi's `check_sbc`).
public struct SBCResult {
    /// `[n][d]` ranks in 0…samples.
    public var ranks: [[Int]]
    public var ksPValues: [Double]
    public var samples: Int
}

public func simulationBasedCalibration(_ posterior: Posterior, theta: Tensor, x: Tensor, samples: Int,
                                       rng: inout Philox) -> SBCResult {
    let (n, d) = (theta.shape[0], theta.shape[1])
    var ranks: [[Int]] = []
    for i in 0..<n {
        let draws = posterior.sample(samples, x: x.selectRows([i]), rng: &rng).samples
        ranks.append((0..<d).map { j in
            (0..<draws.shape[0]).filter { draws.scalars[$0 * d + j] < theta.scalars[i * d + j] }.count
        })
    }
    let p = (0..<d).map { j in kolmogorovSmirnovUniform(ranks.map { Double($0[j]) / Double(samples) }) }
    return SBCResult(ranks: ranks, ksPValues: p, samples: samples)
}

/// Expected coverage of highest-posterior-density regions: for each pair, the fraction of
/// posterior draws whose density exceeds that of θᵢ is the smallest HPD level containing θᵢ; the
/// coverage at level α is the fraction of pairs whose level is ≤ α. Calibrated: coverage(α) = α;
/// above the diagonal is conservative, below overconfident.
public func expectedCoverage(_ posterior: Posterior, theta: Tensor, x: Tensor, samples: Int, levels: [Double],
                             rng: inout Philox) -> [Double] {
    let n = theta.shape[0]
    var hpdLevels: [Double] = []
    for i in 0..<n {
        let xi = x.selectRows([i])
        let draws = posterior.sample(samples, x: xi, rng: &rng).samples
        let m = draws.shape[0]
        guard m > 0 else { hpdLevels.append(1); continue }
        let lp = withoutGradients { posterior.potential(Tensor.concatenate([theta.selectRows([i]), draws], axis: 0), x: xi) }
        let own = lp.scalars[0]
        hpdLevels.append(Double((1...m).filter { lp.scalars[$0] > own }.count) / Double(m))
    }
    return levels.map { a in Double(hpdLevels.filter { $0 <= a }.count) / Double(Swift.max(n, 1)) }
}

/// TARP (Lemos et al. 2023): for each pair, a reference point θ̃ᵢ is drawn from the prior and fᵢ is
/// the fraction of posterior draws closer to θ̃ᵢ than θᵢ is (after z-scoring by the test θ's
/// moments); the expected coverage probability at α is the fraction of pairs with fᵢ < α. Returns
/// that curve, the signed area between it and the diagonal (ATC: positive means conservative,
/// negative overconfident) and the Kolmogorov–Smirnov p-value of the fᵢ against U(0, 1).
public struct TARPResult {
    public var levels: [Double]
    public var expectedCoverage: [Double]
    public var areaToCurve: Double
    public var ksPValue: Double
}

public func tarp(_ posterior: Posterior, theta: Tensor, x: Tensor, samples: Int, levels: [Double], rng: inout Philox) -> TARPResult {
    let (n, d) = (theta.shape[0], theta.shape[1])
    let scaling = Standardization(fitting: theta)
    let references = scaling.apply(posterior.prior.sample(n, rng: &rng))
    let truth = scaling.apply(theta)
    var f: [Double] = []
    for i in 0..<n {
        let draws = scaling.apply(posterior.sample(samples, x: x.selectRows([i]), rng: &rng).samples)
        let m = draws.shape[0]
        func distance(_ a: Tensor, _ row: Int, _ b: Tensor, _ ref: Int) -> Double {
            var s = 0.0
            for j in 0..<d { let t = a.scalars[row * d + j] - b.scalars[ref * d + j]; s += t * t }
            return s
        }
        let own = distance(truth, i, references, i)
        f.append(m == 0 ? 1 : Double((0..<m).filter { distance(draws, $0, references, i) < own }.count) / Double(m))
    }
    let ecp = levels.map { a in Double(f.filter { $0 < a }.count) / Double(Swift.max(n, 1)) }
    // Trapezoid integral of (ecp − α) over the given levels.
    var area = 0.0
    for k in 1..<Swift.max(levels.count, 1) {
        area += 0.5 * ((ecp[k] - levels[k]) + (ecp[k - 1] - levels[k - 1])) * (levels[k] - levels[k - 1])
    }
    return TARPResult(levels: levels, expectedCoverage: ecp, areaToCurve: area, ksPValue: kolmogorovSmirnovUniform(f))
}

/// p-value of the one-sample Kolmogorov–Smirnov test of `values` against U(0, 1), with the
/// asymptotic Kolmogorov distribution and Stephens' small-sample correction
/// λ = (√n + 0.12 + 0.11/√n) D, Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²).
public func kolmogorovSmirnovUniform(_ values: [Double]) -> Double {
    let n = values.count
    guard n > 0 else { return 1 }
    let sorted = values.sorted()
    var statistic = 0.0
    for (i, v) in sorted.enumerated() {
        let u = Swift.min(Swift.max(v, 0), 1)
        statistic = Swift.max(statistic, Double(i + 1) / Double(n) - u, u - Double(i) / Double(n))
    }
    let rn = Double(n).squareRoot()
    let lambda = (rn + 0.12 + 0.11 / rn) * statistic
    if lambda < 0.2 { return 1 }
    var sum = 0.0, sign = 1.0
    for k in 1...100 {
        let term = Glibc.exp(-2 * Double(k * k) * lambda * lambda)
        sum += sign * term
        if term < 1e-16 { break }
        sign = -sign
    }
    return Swift.min(Swift.max(2 * sum, 0), 1)
}
