import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloSBI

/// Gaussian linear in 2-D: θ ~ N(0, 0.1 I), x | θ ~ N(θ, 0.1 I). The posterior is N(x / 2, 0.05 I)
/// and log r(θ, x) = log N(x; θ, 0.1 I) − log N(x; 0, 0.2 I).
private struct GaussianLinear {
    let d = 2, variance = 0.1
    let prior: GaussianPrior
    init() throws { prior = try GaussianPrior(mean: [0, 0], std: [(0.1).squareRoot(), (0.1).squareRoot()]) }

    func simulations(_ n: Int, rng: inout Philox) -> (theta: Tensor, x: Tensor) {
        let theta = prior.sample(n, rng: &rng)
        return (theta, theta + rng.normal([n, d], std: variance.squareRoot()))
    }

    func logRatio(theta: [Double], x: [Double]) -> Double {
        var a = 0.0, b = 0.0
        for j in 0..<d {
            a += -0.5 * (x[j] - theta[j]) * (x[j] - theta[j]) / variance - 0.5 * Glibc.log(2 * .pi * variance)
            b += -0.5 * x[j] * x[j] / (2 * variance) - 0.5 * Glibc.log(2 * .pi * 2 * variance)
        }
        return a - b
    }
}

func columnMoments(_ t: Tensor, _ j: Int) -> (mean: Double, variance: Double) {
    let n = t.shape[0], d = t.shape[1]
    let col = (0..<n).map { t.scalars[$0 * d + j] }
    let mean = col.reduce(0, +) / Double(n)
    return (mean, col.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1))
}

@Suite struct NLETests {
    /// The NLE posterior sampled by MCMC (every method) and by importance sampling matches N(x/2, 0.05 I).
    @Test func gaussianLinearPosteriorByMCMCAndImportanceSampling() throws {
        let task = try GaussianLinear()
        var rng = Philox(seed: 11)
        let sims = task.simulations(3000, rng: &rng)
        var config = FlowConfiguration(.maf)
        config.hiddenFeatures = 32; config.transforms = 3
        let nle = NLE(prior: task.prior, configuration: config)
        try nle.appendSimulations(theta: sims.theta, x: sims.x)
        var training = NPE.defaultTraining
        training.maxEpochs = 100; training.learningRate = 2e-3
        try nle.train(training)
        let posterior = try nle.posterior()
        let xo = Tensor([0.3, -0.2])
        var settings = [SamplingSettings(.importance)]
        for m in MCMCSettings.Method.allCases {
            var s = SamplingSettings(.mcmc)
            s.mcmc.method = m
            s.mcmc.chains = 10
            settings.append(s)
        }
        for s in settings {
            let (samples, report) = try posterior.sample(3000, x: xo, settings: s, rng: &rng) { _, _ in true }
            let name = s.method == .mcmc ? s.mcmc.method.rawValue : "importance"
            #expect(report.status == .complete && samples.shape == [3000, 2], "\(name)")
            for j in 0..<2 {
                let (mean, variance) = columnMoments(samples, j)
                #expect(abs(mean - xo.scalars[j] / 2) < 0.04, "\(name) mean[\(j)] = \(mean)")
                #expect(abs(variance / 0.05 - 1) < 0.25, "\(name) var[\(j)] = \(variance)")
            }
            if let mcmc = report.mcmc { #expect(mcmc.rHat.allSatisfy { $0 < 1.1 }, "\(name) R̂ \(mcmc.rHat)") }
        }
        // Saved and reloaded, the posterior samples bit-identically.
        let loaded = try PosteriorFile.load(Checkpoint.decode(try posterior.checkpoint().encoded(), kind: PosteriorFile.kind))
        var r1 = Philox(seed: 5), r2 = Philox(seed: 5)
        let a = posterior.sample(200, x: xo, rng: &r1).samples, b = loaded.sample(200, x: xo, rng: &r2).samples
        #expect(a.scalars.elementsEqual(b.scalars) { $0.bitPattern == $1.bitPattern })
        #expect(throws: InferenceError.self) { try posterior.sample(10, x: xo, settings: SamplingSettings(.direct), rng: &rng) { _, _ in true } }
    }
}

@Suite struct NRETests {
    /// Each loss's classifier recovers the exact log-ratio on gaussian_linear: exactly for NRE-A
    /// and NRE-C, up to a function of x for NRE-B (compared after centering per x); BNRE is
    /// balanced and still ranks θ like the exact ratio.
    @Test(arguments: [RatioLoss.a, .b(), .c(), .balanced()])
    func classifiersRecoverTheLogRatio(loss: RatioLoss) throws {
        let task = try GaussianLinear()
        var rng = Philox(seed: 12)
        let sims = task.simulations(6000, rng: &rng)
        var config = RatioClassifier.Configuration(.resnet)
        config.hiddenFeatures = 32
        let nre = try NRE(prior: task.prior, configuration: config, loss: loss)
        try nre.appendSimulations(theta: sims.theta, x: sims.x)
        var training = NPE.defaultTraining
        training.maxEpochs = 60; training.learningRate = 1e-3
        try nre.train(training)
        let classifier = try #require(nre.estimator)
        // Per observation, errors of the log-ratio on posterior-typical θ, centered when the loss
        // fixes r only up to a function of x.
        var squared = 0.0, count = 0
        for _ in 0..<20 {
            let (theta0, x0) = task.simulations(1, rng: &rng)
            let xo = Array(x0.scalars)
            let theta = (0..<50).map { _ in (0..<2).map { xo[$0] / 2 + (0.05).squareRoot() * rng.normal() } }
            _ = theta0
            let predicted = withoutGradients { classifier.logLikelihood(Tensor(shape: [50, 2], scalars: theta.flatMap { $0 }), x: x0) }.scalars
            let exact = theta.map { task.logRatio(theta: $0, x: xo) }
            var errors = zip(predicted, exact).map { $0 - $1 }
            if case .b = loss {
                let m = errors.reduce(0, +) / Double(errors.count)
                errors = errors.map { $0 - m }
            }
            squared += errors.reduce(0) { $0 + $1 * $1 }
            count += errors.count
        }
        let rmse = (squared / Double(count)).squareRoot()
        let tolerance: Double
        switch loss { case .balanced: tolerance = 1.0; default: tolerance = 0.35 }
        #expect(rmse < tolerance, "\(loss): RMSE of log r = \(rmse)")
        if case .balanced = loss {
            let (t, x) = task.simulations(4000, rng: &rng)
            let shuffled = t.selectRows(rng.permutation(4000))
            let joint = withoutGradients { classifier.logits(t, x).sigmoid().mean().scalar }
            let marginal = withoutGradients { classifier.logits(shuffled, x).sigmoid().mean().scalar }
            #expect(abs(joint + marginal - 1) < 0.05, "balance \(joint) + \(marginal)")
        }
    }

    /// The NRE posterior (slice MCMC) matches the analytic one.
    @Test func ratioPosteriorMatchesTheAnalyticOne() throws {
        let task = try GaussianLinear()
        var rng = Philox(seed: 13)
        let sims = task.simulations(6000, rng: &rng)
        let nre = try NRE(prior: task.prior, loss: .c())
        try nre.appendSimulations(theta: sims.theta, x: sims.x)
        var training = NPE.defaultTraining
        training.maxEpochs = 60; training.learningRate = 1e-3
        try nre.train(training)
        let xo = Tensor([0.3, -0.2])
        let (samples, report) = try nre.posterior().sample(2000, x: xo, rng: &rng)
        #expect(report.status == .complete)
        for j in 0..<2 {
            let (mean, variance) = columnMoments(samples, j)
            #expect(abs(mean - xo.scalars[j] / 2) < 0.05, "mean[\(j)] = \(mean)")
            #expect(abs(variance / 0.05 - 1) < 0.3, "var[\(j)] = \(variance)")
        }
    }

    /// A residual classifier reloads in the form it was saved in: sbi's (marked `residual_form`)
    /// or the form of files written before it, which carry no mark.
    @Test(arguments: [false, true])
    func residualClassifierReloadsInItsForm(legacy: Bool) throws {
        let task = try GaussianLinear()
        var config = RatioClassifier.Configuration(.resnet)
        config.seed = 3
        config.legacyResidualForm = legacy
        let classifier = RatioClassifier(parameterDimension: 2, observationDimension: 2, configuration: config)
        #expect((classifier.network is MLP) == legacy)
        let checkpoint = try PotentialPosterior(model: classifier, prior: task.prior).checkpoint()
        #expect((checkpoint.metadata["residual_form"] == nil) == legacy)
        let loaded = try PosteriorFile.load(Checkpoint.decode(checkpoint.encoded(), kind: PosteriorFile.kind))
        let model = try #require((loaded as? PotentialPosterior)?.model as? RatioClassifier)
        #expect((model.network is MLP) == legacy)
        var rng = Philox(seed: 4)
        let (theta, x) = task.simulations(16, rng: &rng)
        #expect(withoutGradients { model.logits(theta, x) }.scalars == withoutGradients { classifier.logits(theta, x) }.scalars)
    }
}

/// NLE and NRE whose models see θ in the prior's unbounded coordinates (sbibm's automatic
/// transforms), on θ ~ U(0, 1)², x | θ ~ N(θ, 0.05² I): posterior ≈ N(x, 0.05² I) away from the
/// box's edges.
@Suite struct LikelihoodInUnboundedCoordinatesTests {
    let prior = IndependentPrior.boxUniform(low: [0, 0], high: [1, 1])
    let xo = Tensor([0.3, 0.6])

    func simulations(_ n: Int, rng: inout Philox) -> (theta: Tensor, x: Tensor) {
        let theta = prior.sample(n, rng: &rng)
        return (theta, theta + rng.normal([n, 2], std: 0.05))
    }

    /// The potential is the model at z = T⁻¹(θ) plus the log prior, −∞ (not NaN) outside the box;
    /// MCMC recovers the posterior; a saved posterior keeps the coordinates and samples bit-identically.
    @Test func likelihoodInUnboundedCoordinates() throws {
        var rng = Philox(seed: 21)
        let sims = simulations(3000, rng: &rng)
        var config = FlowConfiguration(.maf)
        config.hiddenFeatures = 32; config.transforms = 3; config.unboundedTheta = true
        let nle = NLE(prior: prior, configuration: config)
        #expect(nle.unboundedTheta && !nle.configuration.unboundedTheta)
        try nle.appendSimulations(theta: sims.theta, x: sims.x)
        var training = NPE.defaultTraining
        training.maxEpochs = 80; training.learningRate = 2e-3
        try nle.train(training)
        let posterior = try nle.posterior()
        let theta = Tensor(shape: [3, 2], scalars: [0.3, 0.6, 0.5, 0.5, 1.5, 0.5])
        let potential = withoutGradients { posterior.potential(theta, x: xo) }.scalars
        let direct = withoutGradients { posterior.model.logLikelihood(prior.toUnbounded(theta.selectRows([0, 1])), x: xo) }.scalars
        let logPrior = withoutGradients { prior.logProb(theta) }.scalars
        for i in 0..<2 { #expect(abs(potential[i] - (direct[i] + logPrior[i])) < 1e-12) }
        #expect(potential[2] == -.infinity)
        var settings = SamplingSettings(.mcmc)
        settings.mcmc.chains = 10
        let (samples, report) = try posterior.sample(2000, x: xo, settings: settings, rng: &rng) { _, _ in true }
        #expect(report.status == .complete)
        for j in 0..<2 {
            let (mean, variance) = columnMoments(samples, j)
            #expect(abs(mean - xo.scalars[j]) < 0.02, "mean[\(j)] = \(mean)")
            #expect(abs(variance / 0.0025 - 1) < 0.3, "var[\(j)] = \(variance)")
        }
        let loaded = try PosteriorFile.load(Checkpoint.decode(try posterior.checkpoint().encoded(), kind: PosteriorFile.kind))
        #expect((loaded as? PotentialPosterior)?.unboundedTheta == true)
        var r1 = Philox(seed: 5), r2 = Philox(seed: 5)
        let a = posterior.sample(200, x: xo, rng: &r1).samples, b = loaded.sample(200, x: xo, rng: &r2).samples
        #expect(a.scalars.elementsEqual(b.scalars) { $0.bitPattern == $1.bitPattern })
    }

    /// The classifier is trained and evaluated at z; θ outside the prior's support cannot be mapped
    /// and is refused when training.
    @Test func ratioInUnboundedCoordinatesAndOutsideTheSupport() throws {
        var rng = Philox(seed: 22)
        let sims = simulations(2000, rng: &rng)
        let nre = try NRE(prior: prior, unboundedTheta: true)
        try nre.appendSimulations(theta: sims.theta, x: sims.x)
        var training = NPE.defaultTraining
        training.maxEpochs = 5
        try nre.train(training)
        let posterior = try nre.posterior()
        let theta = Tensor(shape: [2, 2], scalars: [0.3, 0.6, 0.9, 0.1])
        let potential = withoutGradients { posterior.potential(theta, x: xo) }.scalars
        let logits = withoutGradients { nre.estimator!.logLikelihood(prior.toUnbounded(theta), x: xo) }.scalars
        for i in 0..<2 { #expect(abs(potential[i] - logits[i]) < 1e-12) }  // log prior = 0 on the unit box
        let loaded = try PosteriorFile.load(Checkpoint.decode(try posterior.checkpoint().encoded(), kind: PosteriorFile.kind))
        #expect((loaded as? PotentialPosterior)?.unboundedTheta == true)

        let outside = try NRE(prior: prior, unboundedTheta: true)
        try outside.appendSimulations(theta: Tensor(shape: [40, 2], scalars: (0..<80).map { $0 == 7 ? 1.5 : 0.5 }),
                                      x: rng.normal([40, 2]))
        #expect(throws: InferenceError.self) { try outside.train(training) }
    }
}
