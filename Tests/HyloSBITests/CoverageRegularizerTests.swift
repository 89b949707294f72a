import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

@Suite struct CoverageRegularizerTests {
    /// θ ~ N(0, 1)², x = θ + 0.5 ε, 150 simulations and long training: plain NPE overfits and is
    /// overconfident; with the conservative penalty its expected coverage is not below any level
    /// (within the Monte-Carlo error of 300 test pairs), and lies above the plain estimator's.
    @Test func conservativeNPEIsNotOverconfident() throws {
        let prior = try GaussianPrior(mean: [0, 0], std: [1, 1])
        var rng = Philox(seed: 2)
        let theta = prior.sample(150, rng: &rng), x = theta + rng.normal([150, 2]) * 0.5
        let testTheta = prior.sample(300, rng: &rng), testX = testTheta + rng.normal([300, 2]) * 0.5
        let levels = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        var training = NPE.defaultTraining
        training.maxEpochs = 300; training.patience = 300; training.learningRate = 3e-3; training.batchSize = 50
        var coverages: [[Double]] = []
        for regularized in [false, true] {
            var config = FlowConfiguration(.maf)
            config.hiddenFeatures = 32; config.transforms = 2
            let npe = NPE(prior: prior, configuration: config)
            if regularized { npe.coverageRegularizer = CoverageRegularizer(.conservative) }
            try npe.appendSimulations(theta: theta, x: x)
            try npe.train(training)
            var r = Philox(seed: 7)
            coverages.append(expectedCoverage(try npe.posterior(), theta: testTheta, x: testX, samples: 200, levels: levels, rng: &r))
        }
        for (k, level) in levels.enumerated() {
            #expect(coverages[1][k] >= level - 0.05, "conservative NPE: coverage \(coverages[1][k]) at level \(level)")
        }
        #expect(coverages[1].reduce(0, +) > coverages[0].reduce(0, +) + 0.2, "plain \(coverages[0]), conservative \(coverages[1])")
    }
}
