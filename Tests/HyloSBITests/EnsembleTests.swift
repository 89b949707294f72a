import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

@Suite struct EnsembleTests {
    /// θ ~ N(0, 1), x = θ + 0.5 ε + bias: at xₒ = 0.8 the posterior is N((0.8 − bias) / 1.25, 0.2).
    private func member(bias: Double, seed: UInt64) throws -> Posterior {
        let prior = try GaussianPrior(mean: [0], std: [1])
        var rng = Philox(seed: seed)
        let theta = prior.sample(1500, rng: &rng)
        let x = theta + rng.normal(theta.shape) * 0.5 + bias
        var config = FlowConfiguration(.maf)
        config.hiddenFeatures = 20; config.transforms = 2; config.seed = seed
        let npe = NPE(prior: prior, configuration: config)
        try npe.appendSimulations(theta: theta, x: x)
        var training = NPE.defaultTraining
        training.maxEpochs = 60; training.learningRate = 2e-3
        try npe.train(training)
        return try npe.posterior()
    }

    /// Members whose posteriors sit at 0.64 and −0.16, weighted 1 : 3: the ensemble's samples have
    /// the mixture's mean 0.04 and variance 0.2 + 0.1875 · 0.8² = 0.32; its density is the mixture of
    /// the members' densities; it reloads bit-identically.
    @Test func mixtureOfMembers() throws {
        let a = try member(bias: 0, seed: 1), b = try member(bias: 1, seed: 2)
        let ensemble = try EnsemblePosterior(members: [a, b], weights: [1, 3])
        #expect(ensemble.weights == [0.25, 0.75] && ensemble.isDirect)
        let xo = Tensor([0.8])
        var rng = Philox(seed: 3)
        let (samples, report) = ensemble.sample(8000, x: xo, rng: &rng)
        #expect(report.status == .complete && samples.shape == [8000, 1])
        let (mean, variance) = columnMoments(samples, 0)
        #expect(Swift.abs(mean - 0.04) < 0.05 && Swift.abs(variance - 0.32) < 0.05, "mean \(mean), variance \(variance)")
        let theta = Tensor(shape: [3, 1], scalars: [-0.5, 0.2, 1.0])
        let mixed = ensemble.potential(theta, x: xo).scalars
        let (pa, pb) = (a.potential(theta, x: xo).scalars, b.potential(theta, x: xo).scalars)
        for i in 0..<3 { #expect(Swift.abs(mixed[i] - log(0.25 * exp(pa[i]) + 0.75 * exp(pb[i]))) < 1e-12) }
        let loaded = try PosteriorFile.load(Checkpoint.decode(try ensemble.checkpoint().encoded(), kind: PosteriorFile.kind))
        var r1 = Philox(seed: 5), r2 = Philox(seed: 5)
        let s1 = ensemble.sample(300, x: xo, rng: &r1).samples, s2 = loaded.sample(300, x: xo, rng: &r2).samples
        #expect(s1.scalars.elementsEqual(s2.scalars) { $0.bitPattern == $1.bitPattern })
        #expect(throws: InferenceError.self) { try EnsemblePosterior(members: [a, b], weights: [1, -1]) }
        #expect(throws: InferenceError.self) { try EnsemblePosterior(members: []) }
    }
}
