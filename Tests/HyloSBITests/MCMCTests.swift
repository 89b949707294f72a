import Glibc
import Testing
import HyloCore
@testable import HyloSBI

/// Moments of the pooled draws of an MCMC run.
private func moments(_ r: MCMCResult) -> (mean: [Double], covariance: [[Double]]) {
    let d = r.dimension, n = r.draws.count / d
    let mean = (0..<d).map { j in stride(from: j, to: r.draws.count, by: d).reduce(0) { $0 + r.draws[$1] } / Double(n) }
    let cov = (0..<d).map { a in (0..<d).map { b in
        (0..<n).reduce(0) { $0 + (r.draws[$1 * d + a] - mean[a]) * (r.draws[$1 * d + b] - mean[b]) } / Double(n - 1)
    } }
    return (mean, cov)
}

/// Starting points spread over [−4, 4]ᵈ.
private func spread(_ chains: Int, _ d: Int, seed: UInt64) -> [Double] {
    var rng = Philox(seed: seed)
    return (0..<(chains * d)).map { _ in rng.uniform() * 8 - 4 }
}

@Suite struct MCMCTests {
    static let methods = MCMCSettings.Method.allCases

    /// A Gaussian with correlation 0.9 and unequal scales: mean and covariance within Monte-Carlo
    /// error (5 standard errors from the effective sample size), R̂ close to 1.
    @Test(arguments: methods)
    func samplersRecoverACorrelatedGaussian(method: MCMCSettings.Method) throws {
        let mu = [1.0, -2.0], s = [1.0, 3.0], rho = 0.9
        let target = LogDensity(dimension: 2) { z in
            let u = (z.column(0) - mu[0]) / s[0], v = (z.column(1) - mu[1]) / s[1]
            return (u.squared() - u * v * (2 * rho) + v.squared()) * (-0.5 / (1 - rho * rho))
        }
        var settings = MCMCSettings(method)
        settings.chains = 8
        settings.warmup = 400
        var rng = Philox(seed: 3)
        let r = runMCMC(target, initial: spread(8, 2, seed: 1), drawsPerChain: 1500, settings: settings, rng: &rng)
        #expect(r.report.status == .complete && r.report.drawsPerChain == 1500)
        let (mean, cov) = moments(r)
        for j in 0..<2 {
            let se = s[j] / r.report.effectiveSampleSize[j].squareRoot()
            #expect(abs(mean[j] - mu[j]) < 5 * se, "\(method) mean[\(j)] = \(mean[j]) ± \(se)")
            #expect(abs(cov[j][j] / (s[j] * s[j]) - 1) < 0.15, "\(method) var[\(j)] = \(cov[j][j])")
            #expect(r.report.rHat[j] < 1.05, "\(method) R̂ = \(r.report.rHat)")
            #expect(r.report.effectiveSampleSize[j] > 300, "\(method) ESS = \(r.report.effectiveSampleSize)")
        }
        #expect(abs(cov[0][1] / (s[0] * s[1]) - rho) < 0.05, "\(method) correlation \(cov[0][1] / (s[0] * s[1]))")
        if method == .metropolisHastings { #expect(r.report.acceptanceRate > 0.15 && r.report.acceptanceRate < 0.35) }
        if method == .hmc || method == .nuts { #expect(r.report.acceptanceRate > 0.6, "\(r.report.acceptanceRate)") }
    }

    /// A banana: z₁ ~ N(0, 1), z₂ | z₁ ~ N((z₁² − 1) / 2, 1), so E z₂ = 0 and Var z₂ = 3/2.
    @Test(arguments: methods)
    func samplersRecoverABanana(method: MCMCSettings.Method) throws {
        let target = LogDensity(dimension: 2) { z in
            let a = z.column(0), b = z.column(1) - (z.column(0).squared() - 1) * 0.5
            return (a.squared() + b.squared()) * -0.5
        }
        var settings = MCMCSettings(method)
        settings.chains = 8
        settings.warmup = 500
        var rng = Philox(seed: 4)
        let r = runMCMC(target, initial: spread(8, 2, seed: 2), drawsPerChain: 2500, settings: settings, rng: &rng)
        let (mean, cov) = moments(r)
        let se = 1.5.squareRoot() / r.report.effectiveSampleSize[1].squareRoot()
        #expect(abs(mean[1]) < 5 * se, "\(method) E z₂ = \(mean[1]) ± \(se)")
        #expect(abs(cov[1][1] - 1.5) < 0.25, "\(method) Var z₂ = \(cov[1][1])")
        #expect(abs(cov[0][0] - 1) < 0.15, "\(method) Var z₁ = \(cov[0][0])")
    }

    /// An equal mixture of N(−2, 1) and N(2, 1): half the mass on each side and E z² = 5.
    @Test(arguments: [MCMCSettings.Method.slice, .nuts])
    func samplersVisitBothModesOfAMixture(method: MCMCSettings.Method) throws {
        let target = LogDensity(dimension: 1) { z in
            let a = (z + 2).squared() * -0.5, b = (z - 2).squared() * -0.5
            return Tensor.concatenate([a, b], axis: 1).logSumExp(axis: 1)
        }
        var settings = MCMCSettings(method)
        settings.chains = 10
        settings.warmup = 300
        var rng = Philox(seed: 5)
        let r = runMCMC(target, initial: spread(10, 1, seed: 3), drawsPerChain: 4000, settings: settings, rng: &rng)
        let positive = Double(r.draws.filter { $0 > 0 }.count) / Double(r.draws.count)
        let second = r.draws.reduce(0) { $0 + $1 * $1 } / Double(r.draws.count)
        #expect(abs(positive - 0.5) < 0.1, "\(method) mass on the right \(positive)")
        #expect(abs(second - 5) < 0.5, "\(method) E z² = \(second)")
    }

    /// AR(1) chains zₜ = φ zₜ₋₁ + √(1 − φ²) εₜ have integrated autocorrelation time (1 + φ)/(1 − φ);
    /// chains that sample different means have R̂ well above 1.
    @Test func rHatAndEffectiveSampleSizeOnChainsWithKnownAutocorrelation() {
        var rng = Philox(seed: 9)
        let phi = 0.8, n = 20_000, chains = 4
        func ar1(offset: Double) -> [Double] {
            var z = rng.normal(), out: [Double] = []
            for _ in 0..<n { z = phi * z + (1 - phi * phi).squareRoot() * rng.normal(); out.append(z + offset) }
            return out
        }
        let stationary = (0..<chains).map { _ in ar1(offset: 0) }
        let expected = Double(chains * n) * (1 - phi) / (1 + phi)
        let ess = ChainDiagnostics.effectiveSampleSize(stationary)
        #expect(abs(ess / expected - 1) < 0.1, "ESS \(ess), expected \(expected)")
        #expect(abs(ChainDiagnostics.rHat(stationary) - 1) < 0.01)
        let independent = (0..<chains).map { _ in (0..<n).map { _ in rng.normal() } }
        #expect(abs(ChainDiagnostics.effectiveSampleSize(independent) / Double(chains * n) - 1) < 0.05)
        let shifted = (0..<chains).map { ar1(offset: Double($0)) }
        #expect(ChainDiagnostics.rHat(shifted) > 1.5)
        // A chain that drifts: its two halves disagree.
        let drifting = [(0..<n).map { Double($0) / Double(n) * 5 + rng.normal() }, ar1(offset: 2.5)]
        #expect(ChainDiagnostics.rHat(drifting) > 1.2)
    }

    /// The time budget and the progress callback stop a run early, returning what it has.
    @Test func budgetsAndCancellationStopARun() {
        let target = LogDensity(dimension: 3) { z in z.squared().sum(axis: 1) * -0.5 }
        var settings = MCMCSettings(.nuts)
        settings.chains = 4
        settings.maxSeconds = 0.2
        var rng = Philox(seed: 1)
        let clock = ContinuousClock(), start = clock.now
        let timed = runMCMC(target, initial: spread(4, 3, seed: 4), drawsPerChain: 10_000_000, settings: settings, rng: &rng)
        #expect(clock.now - start < .seconds(5))
        #expect(timed.report.status == .budgetExhausted && timed.report.drawsPerChain < 10_000_000)
        #expect(timed.draws.count == timed.report.drawsPerChain * 4 * 3)
        settings.maxSeconds = nil
        settings.method = .slice
        var calls = 0
        let cancelled = runMCMC(target, initial: spread(4, 3, seed: 4), drawsPerChain: 1000, settings: settings, rng: &rng) { _, _ in
            calls += 1
            return calls < 5
        }
        #expect(cancelled.report.status == .cancelled && cancelled.report.drawsPerChain < 1000)
    }
}

private extension Tensor {
    /// Column j of a `[n, d]` tensor as `[n]`.
    func column(_ j: Int) -> Tensor { slice(axis: 1, start: j, end: j + 1).reshaped([shape[0]]) }
}

/// Two narrow, equally likely modes at θ = ±2 under a U(−5, 5) prior: only a few of 10,000 prior
/// draws land in either, so resampling one pool of 10,000 would start every chain from those few points.
private final class TwoNarrowModes: LikelihoodModel {
    let parameterDimension = 1, observationDimension = 1
    func logLikelihood(_ theta: Tensor, x: Tensor) -> Tensor {
        let near = Tensor.stack([(theta - 2).squared(), (theta + 2).squared()], axis: 1).reshaped([theta.shape[0], 2])
        return (near * (-0.5 / 1e-6)).logSumExp(axis: 1)
    }
    func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) { ([:], []) }
}

@Suite struct ChainInitializationTests {
    /// The resampling pool grows until its effective size is 4 per chain: the starts are mostly
    /// distinct, split between the modes in proportion to their mass, and the samples keep that split.
    @Test func resamplingPoolGrowsUntilTheStartsAreDiverse() throws {
        let posterior = PotentialPosterior(model: TwoNarrowModes(), prior: IndependentPrior.boxUniform(low: [-5], high: [5]))
        var settings = SamplingSettings(.mcmc)
        settings.mcmc.chains = 200
        settings.mcmc.warmup = 50
        var rng = Philox(seed: 3)
        let starts = posterior.initialPositions(settings.mcmc, x: Tensor([0]), rng: &rng).scalars
        #expect(Set(starts).count > 150, "\(Set(starts).count) distinct starts")
        #expect(starts.allSatisfy { abs(abs($0) - 2) < 0.01 })
        let positive = Double(starts.filter { $0 > 0 }.count) / 200
        #expect(abs(positive - 0.5) < 0.12, "\(positive) of the chains start in the upper mode")
        let (samples, _) = try posterior.sample(4000, x: Tensor([0]), settings: settings, rng: &rng) { _, _ in true }
        let upper = Double(samples.scalars.filter { $0 > 0 }.count) / 4000
        #expect(abs(upper - 0.5) < 0.12, "\(upper) of the samples in the upper mode")
    }
}
