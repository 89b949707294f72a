import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

/// θ ~ N(0, 1), x = θ + 0.5 ε: at xₒ = 0.8 the posterior is N(0.64, 0.2).
private let prior = try! GaussianPrior(mean: [0], std: [1])
private let xo = Tensor([0.8])

private func simulate(_ theta: Tensor, seed: UInt64) -> Tensor {
    var rng = Philox(seed: seed, stream: 9)
    return theta + rng.normal(theta.shape) * 0.5
}

private func smallNPE() -> NPE {
    var config = FlowConfiguration(.maf)
    config.hiddenFeatures = 20; config.transforms = 2
    return NPE(prior: prior, configuration: config)
}

private var training: TrainingConfiguration {
    var t = NPE.defaultTraining
    t.maxEpochs = 80; t.learningRate = 2e-3
    return t
}

@Suite struct SequentialNPETests {
    /// A second round drawn from a deliberately overconfident proposal N(0.64, 0.05): with the
    /// atomic loss NPE still recovers the posterior's variance 0.2; plain maximum likelihood on
    /// the same simulations learns the proposal-weighted posterior, far narrower (the check that
    /// this test can fail).
    @Test func atomicLossCorrectsForTheProposal() throws {
        var rng = Philox(seed: 1)
        let theta0 = prior.sample(800, rng: &rng)
        let theta1 = rng.normal([2000, 1], mean: 0.64, std: 0.05.squareRoot())
        let (x0, x1) = (simulate(theta0, seed: 1), simulate(theta1, seed: 2))
        var variances: [Double] = []
        for corrected in [true, false] {
            let npe = smallNPE()
            try npe.appendSimulations(theta: theta0, x: x0)
            if corrected { try npe.appendProposalSimulations(theta: theta1, x: x1) } else { try npe.appendSimulations(theta: theta1, x: x1) }
            #expect(npe.proposalSimulations == (corrected ? 2000 : 0))
            try npe.train(training)
            var r = Philox(seed: 3)
            let (mean, variance) = columnMoments(try npe.posterior().sample(4000, x: xo, rng: &r).samples, 0)
            variances.append(variance)
            if corrected { #expect(Swift.abs(mean - 0.64) < 0.05, "SNPE-C mean \(mean)") }
        }
        #expect(Swift.abs(variances[0] - 0.2) < 0.04, "SNPE-C variance \(variances[0]), exact 0.2")
        #expect(variances[1] < 0.12, "maximum likelihood on proposal draws: variance \(variances[1])")
    }

    /// TSNPE's truncated prior: its draws lie in the region that holds 1 − q of the posterior's
    /// mass, whose prior mass is that of the central interval of the posterior N(0.64, 0.2).
    @Test func truncatedPriorKeepsTheHighProbabilityRegion() throws {
        var rng = Philox(seed: 4)
        let npe = smallNPE()
        let theta = prior.sample(1500, rng: &rng)
        try npe.appendSimulations(theta: theta, x: simulate(theta, seed: 5))
        try npe.train(training)
        let posterior = try npe.posterior()
        let truncated = try TruncatedPrior(posterior: posterior, observation: xo, quantile: 0.01, rng: &rng)
        let (samples, report) = truncated.sample(2000, rng: &rng)
        #expect(report.status == .complete && truncated.contains(samples).allSatisfy { $0 })
        // The 99 % interval of N(0.64, 0.2) is 0.64 ± 2.576·0.447 = [−0.51, 1.79]; its N(0, 1) mass is 0.66.
        #expect(Swift.abs(report.acceptanceRate - 0.66) < 0.05, "prior mass of the region \(report.acceptanceRate)")
        let (low, high) = (samples.scalars.min()!, samples.scalars.max()!)
        #expect(Swift.abs(low + 0.51) < 0.12 && Swift.abs(high - 1.79) < 0.12, "region [\(low), \(high)]")
        #expect(throws: InferenceError.self) { try npe.appendProposalSimulations(theta: Tensor(shape: [1, 1], scalars: [.infinity]), x: xo.reshaped([1, 1])) }
    }
}
