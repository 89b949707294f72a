import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

@Suite struct TMNRETests {
    /// θ ~ U[−2, 2]³, x = θ + 0.3 ε: each marginal posterior at xₒ is N(xₒⱼ, 0.09) cut to the box.
    /// Two rounds: the first truncation keeps every parameter's posterior mass (±5σ) and shrinks the
    /// box well below the prior's; the weighted marginal samples of round 2 have the right moments
    /// (1-D and a 2-D pair); the estimator reloads bit-identically.
    @Test func truncatedMarginalRatiosRecoverTheMarginals() throws {
        let prior = IndependentPrior.boxUniform(low: [-2, -2, -2], high: [2, 2, 2])
        let xo = Tensor([0.5, -1.0, 1.2])
        var rng = Philox(seed: 1)
        var config = RatioClassifier.Configuration()
        config.hiddenFeatures = 32
        let tmnre = try TMNRE(prior: prior, marginals: [[0], [1], [2], [0, 1]], configuration: config)
        var training = NPE.defaultTraining
        training.maxEpochs = 60; training.learningRate = 2e-3
        for round in 0..<2 {
            let theta = round == 0 ? prior.sample(2000, rng: &rng) : tmnre.sampleTruncatedPrior(2000, rng: &rng).samples
            try tmnre.appendSimulations(theta: theta, x: theta + rng.normal(theta.shape) * 0.3)
            try tmnre.train(training)
            let (low, high) = try tmnre.truncate(at: xo, threshold: 1e-5, samples: 20_000, rng: &rng)
            for j in 0..<3 {
                #expect(low[j] <= Swift.max(xo.scalars[j] - 1.2, -2) + 0.05 && high[j] >= Swift.min(xo.scalars[j] + 1.2, 2) - 0.05,
                        "round \(round): box [\(low[j]), \(high[j])] cuts the posterior of θ\(j)")
                if round == 0 { #expect(high[j] - low[j] < 3.6, "round 0: θ\(j) barely truncated: [\(low[j]), \(high[j])]") }
            }
        }
        for j in 0..<3 {
            let (s, w) = try tmnre.marginalSamples(j, x: xo, n: 20_000, rng: &rng)
            let mean = zip(s.scalars, w).reduce(0) { $0 + $1.0 * $1.1 }
            let variance = zip(s.scalars, w).reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) * $1.1 }
            // The classifiers' error in the mean is ~0.03 rms over seeds (posterior sd 0.3); 0.08 is ~2.5×.
            #expect(Swift.abs(mean - xo.scalars[j]) < 0.08 && Swift.abs(variance - 0.09) < 0.03, "θ\(j): mean \(mean), variance \(variance)")
        }
        let (pair, w) = try tmnre.marginalSamples(3, x: xo, n: 20_000, rng: &rng)
        #expect(pair.shape == [20_000, 2])
        var covariance = 0.0
        for i in 0..<20_000 {
            let (u, v) = (pair.scalars[2 * i] - 0.5, pair.scalars[2 * i + 1] + 1)
            covariance += w[i] * u * v
        }
        #expect(Swift.abs(covariance) < 0.02, "the pair's covariance \(covariance) (independent parameters)")

        let loaded = try TMNRE.load(Checkpoint.decode(try tmnre.checkpoint().encoded(), kind: TMNRE.checkpointKind))
        var r1 = Philox(seed: 9), r2 = Philox(seed: 9)
        let a = try tmnre.marginalSamples(0, x: xo, n: 500, rng: &r1), b = try loaded.marginalSamples(0, x: xo, n: 500, rng: &r2)
        #expect(a.weights.elementsEqual(b.weights) { $0.bitPattern == $1.bitPattern } && loaded.low == tmnre.low)
        #expect(throws: InferenceError.self) { try TMNRE(prior: prior, marginals: [[0, 0]]) }
    }
}
