import Glibc
import HyloCore

/// Random-walk Metropolis–Hastings with an adaptive Gaussian proposal, all chains stepping
/// together (one batched evaluation per step).
///
/// The proposal is z′ = z + s·L ξ with L Lᵀ = Σ and ξ ~ N(0, I). During warm-up Σ follows the
/// covariance of everything the chains visited (pooled over chains, plus 10⁻⁸ I), scaled by
/// 2.38²/d (Haario et al. 2001; Roberts & Rosenthal 2001), and log s follows a Robbins–Monro
/// recursion towards 23.4 % acceptance. After warm-up both are frozen, so the kept draws come from
/// one fixed, reversible kernel.
final class AdaptiveMetropolisKernel: MarkovKernel {
    let target: LogDensity
    let chains: Int, d: Int
    private(set) var positions: [Double]
    private var logDensities: [Double]
    private var rngs: [Philox]
    private var logScale = 0.0
    private var factor: [Double]
    /// Welford running mean and co-moment of the visited positions.
    private var visited = 0
    private var mean: [Double]
    private var comoment: [Double]
    private(set) var evaluations = 0
    var acceptance: (sum: Double, count: Int) = (0, 0)

    init(target: LogDensity, initial: [Double], chains: Int, rng: inout Philox) {
        self.target = target
        self.chains = chains
        d = target.dimension
        positions = initial
        rngs = chainGenerators(chains, rng: &rng)
        mean = [Double](repeating: 0, count: d)
        comoment = [Double](repeating: 0, count: d * d)
        factor = [Double](repeating: 0, count: d * d)
        logDensities = target.values(initial, rows: chains)
        evaluations = chains
        record()
        updateFactor()
    }

    /// Adds the chains' positions to the running moments.
    private func record() {
        for c in 0..<chains {
            visited += 1
            var delta = [Double](repeating: 0, count: d)
            for j in 0..<d { delta[j] = positions[c * d + j] - mean[j]; mean[j] += delta[j] / Double(visited) }
            for a in 0..<d { for b in 0..<d { comoment[a * d + b] += delta[a] * (positions[c * d + b] - mean[b]) } }
        }
    }

    /// L = chol(2.38²/d · (Σ + 10⁻⁸ I)); with too few points (or a singular Σ), 0.1 I scaled the same way.
    private func updateFactor() {
        let scale = 2.38 * 2.38 / Double(d)
        var sigma = [Double](repeating: 0, count: d * d)
        for k in 0..<(d * d) { sigma[k] = visited > d + 1 ? scale * comoment[k] / Double(visited - 1) : 0 }
        for j in 0..<d { sigma[j * d + j] += visited > d + 1 ? scale * 1e-8 : scale * 0.01 }
        if let l = try? Tensor(shape: [d, d], scalars: sigma).cholesky(), l.scalars.allSatisfy(\.isFinite) {
            factor = Array(l.scalars)
        } else {
            factor = [Double](repeating: 0, count: d * d)
            for j in 0..<d { factor[j * d + j] = (scale * 0.01).squareRoot() }
        }
    }

    func transition(warmupStep: Int?, of warmup: Int) {
        let s = Glibc.exp(logScale)
        var proposals = positions
        for c in 0..<chains {
            let xi = (0..<d).map { _ in rngs[c].normal() }
            for a in 0..<d {
                var step = 0.0
                for b in 0...a { step += factor[a * d + b] * xi[b] }
                proposals[c * d + a] += s * step
            }
        }
        let f = target.values(proposals, rows: chains)
        evaluations += chains
        var accepted = 0.0
        for c in 0..<chains {
            let ratio = f[c] - logDensities[c]
            let probability = ratio.isNaN ? 0 : Swift.min(1, Glibc.exp(ratio))
            accepted += probability
            if f[c] > -.infinity && Glibc.log(rngs[c].uniformOpen()) < ratio {
                for j in 0..<d { positions[c * d + j] = proposals[c * d + j] }
                logDensities[c] = f[c]
            }
        }
        if let t = warmupStep {
            logScale += (accepted / Double(chains) - 0.234) / Glibc.pow(Double(t + 1), 0.6)
            record()
            updateFactor()
        } else {
            acceptance.sum += accepted
            acceptance.count += chains
        }
    }

    func endWarmup() { acceptance = (0, 0) }
}
