import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

@Suite struct FMPETests {
    /// θ ~ N(0, 1), x = θ + 0.5 ε; at xₒ = 0.8 the posterior is N(0.64, 0.2). FMPE's samples have
    /// its moments, its density (integrated through the ODE's divergence) integrates to 1 and
    /// matches the exact one, and a saved posterior reloads bit-identically.
    @Test func flowMatchingRecoversAGaussianPosterior() throws {
        let prior = try GaussianPrior(mean: [0], std: [1])
        var rng = Philox(seed: 1)
        let theta = prior.sample(3000, rng: &rng)
        let x = theta + rng.normal(theta.shape) * 0.5
        var config = FlowMatchingEstimator.Configuration()
        config.hiddenFeatures = 32; config.blocks = 2; config.steps = 20
        let fmpe = FMPE(prior: prior, configuration: config)
        try fmpe.appendSimulations(theta: theta, x: x)
        var training = NPE.defaultTraining
        training.maxEpochs = 300; training.learningRate = 2e-3; training.patience = 300
        try fmpe.train(training)
        let posterior = try fmpe.posterior()
        let xo = Tensor([0.8])
        let (samples, report) = posterior.sample(4000, x: xo, rng: &rng)
        #expect(report.status == .complete)
        let (mean, variance) = columnMoments(samples, 0)
        #expect(Swift.abs(mean - 0.64) < 0.05 && Swift.abs(variance - 0.2) < 0.04, "mean \(mean), variance \(variance)")

        let grid = Tensor(shape: [601, 1], scalars: (0...600).map { -5 + Double($0) / 60 })
        let density = fmpe.estimator!.logProb(grid, context: xo.reshaped([1, 1]).expand(to: [601, 1])).scalars.map { exp($0) }
        let mass = density.reduce(0, +) / 60
        #expect(Swift.abs(mass - 1) < 0.01, "∫ q = \(mass)")
        for (i, t) in [0.2, 0.64, 1.1].enumerated() {
            let exact = -0.5 * (t - 0.64) * (t - 0.64) / 0.2 - 0.5 * log(2 * Double.pi * 0.2)
            let lp = posterior.potential(Tensor(shape: [1, 1], scalars: [t]), x: xo).scalar
            #expect(Swift.abs(lp - exact) < 0.15, "log q(\(t)) = \(lp), exact \(exact) [\(i)]")
        }

        let loaded = try PosteriorFile.load(Checkpoint.decode(try posterior.checkpoint().encoded(), kind: PosteriorFile.kind))
        var r1 = Philox(seed: 5), r2 = Philox(seed: 5)
        let a = posterior.sample(100, x: xo, rng: &r1).samples, b = loaded.sample(100, x: xo, rng: &r2).samples
        #expect(a.scalars.elementsEqual(b.scalars) { $0.bitPattern == $1.bitPattern })
    }
}
