import Testing
import HyloCore
@testable import HyloSBI

/// θ ~ N(0, 1), xₖ = θ + σ εₖ (k < copies): the posterior given xₒ is Gaussian with precision
/// 1 + copies/σ² and mean (Σ xₒ/σ²) / precision.
struct ABCGaussianModel {
    let sigma = 0.5
    let copies: Int
    let prior = try! GaussianPrior(mean: [0], std: [1])

    func posterior(_ xo: [Double]) -> (mean: Double, variance: Double) {
        let precision = 1 + Double(copies) / (sigma * sigma)
        return (xo.reduce(0, +) / (sigma * sigma) / precision, 1 / precision)
    }

    /// The simulator as ABC calls it; θ > `invalidAbove` marks a simulation failed.
    func simulator(invalidAbove: Double = .infinity) -> ABCSimulator {
        let (sigma, copies) = (sigma, copies)
        return { theta, seed in
            try runSimulations(theta: theta, outputs: copies, workers: 2, seed: seed) { _, th, x, rng in
                guard th[0] <= invalidAbove else { return 1 }
                for k in 0..<copies { x[k] = th[0] + sigma * rng.normal() }
                return 0
            }
        }
    }
}

/// Weighted mean and variance of the first parameter.
private func moments(_ r: ABCResult) -> (mean: Double, variance: Double) {
    let d = r.samples.shape[1]
    let mean = r.weights.indices.reduce(0) { $0 + r.weights[$1] * r.samples.scalars[$1 * d] }
    let variance = r.weights.indices.reduce(0) { $0 + r.weights[$1] * (r.samples.scalars[$1 * d] - mean) * (r.samples.scalars[$1 * d] - mean) }
    return (mean, variance)
}

@Suite struct ABCTests {
    let model = ABCGaussianModel(copies: 1)
    let xo = [0.8]

    /// Rejection ABC approaches the analytic posterior as the accepted quantile (and so ε) shrinks:
    /// at 1 % of 200,000 simulations mean and variance are within Monte-Carlo error, and the
    /// variance error is far smaller than at 50 %.
    @Test func rejectionMatchesTheAnalyticPosteriorAsEpsilonShrinks() throws {
        let exact = model.posterior(xo)
        var errors: [Double] = []
        for q in [0.5, 0.1, 0.01] {
            var abc = RejectionABC(simulations: 200_000, acceptance: .quantile(q))
            abc.settings.seed = 1
            let r = try abc.run(prior: model.prior, observation: xo, simulator: model.simulator())
            #expect(r.status == .complete && r.simulations == 200_000 && r.samples.shape == [Int((q * 200_000).rounded()), 1])
            #expect(r.distances.allSatisfy { $0 <= r.epsilon })
            let (mean, variance) = moments(r)
            errors.append(Swift.abs(variance - exact.variance))
            if q == 0.01 {
                // 2,000 samples: standard errors 0.01 (mean) and 0.006 (variance).
                #expect(Swift.abs(mean - exact.mean) < 0.04, "mean \(mean), exact \(exact.mean)")
                #expect(Swift.abs(variance - exact.variance) < 0.025, "variance \(variance), exact \(exact.variance)")
            }
        }
        #expect(errors[0] > 5 * errors[2], "variance errors by quantile \(errors)")
    }

    /// An ε threshold accepts exactly the simulations within ε; the count option keeps that many.
    @Test func epsilonAndCountThresholds() throws {
        var abc = RejectionABC(simulations: 20_000, acceptance: .epsilon(0.05))
        let r = try abc.run(prior: model.prior, observation: xo, simulator: model.simulator())
        #expect(r.epsilon == 0.05 && r.distances.allSatisfy { $0 <= 0.05 } && r.samples.shape[0] > 100)
        // About P(|x − xₒ| ≤ 0.05) = 0.1 × the marginal density of x at xₒ (0.277) of the simulations.
        #expect(Swift.abs(Double(r.samples.shape[0]) / 20_000 - 0.1 * 0.277) < 0.006)
        abc.acceptance = .count(321)
        #expect(try abc.run(prior: model.prior, observation: xo, simulator: model.simulator()).samples.shape == [321, 1])
    }

    /// For a linear Gaussian model the regression adjustment is exact: even at a loose 50 %
    /// quantile the adjusted samples have the posterior's mean and variance.
    @Test func regressionAdjustmentCorrectsALooseTolerance() throws {
        let exact = model.posterior(xo)
        var abc = RejectionABC(simulations: 50_000, acceptance: .quantile(0.5))
        abc.settings.regressionAdjustment = true
        let r = try abc.run(prior: model.prior, observation: xo, simulator: model.simulator())
        let (mean, variance) = moments(r)
        #expect(Swift.abs(mean - exact.mean) < 0.03 && Swift.abs(variance - exact.variance) < 0.02, "\(mean), \(variance)")
        abc.settings.regressionAdjustment = false
        let plain = moments(try abc.run(prior: model.prior, observation: xo, simulator: model.simulator()))
        #expect(plain.variance > exact.variance + 0.05, "without adjustment the loose tolerance inflates the variance")
    }

    /// Semi-automatic summaries on five noisy copies: the regression learns E[θ | x] (the scaled mean
    /// of the copies), and ABC on that one statistic recovers the posterior; with MAD scaling and
    /// the l1 distance on the raw copies too.
    @Test func summariesAndDistances() throws {
        let five = ABCGaussianModel(copies: 5)
        let xo = [0.9, 0.4, 1.1, 0.7, 0.6]
        let exact = five.posterior(xo)
        var abc = RejectionABC(simulations: 100_000, acceptance: .quantile(0.01))
        abc.settings.summary = .semiAutomatic(fraction: 0.2, degree: 1)
        let r = try abc.run(prior: five.prior, observation: xo, simulator: five.simulator())
        #expect(r.samples.shape[0] == 800)
        let (mean, variance) = moments(r)
        #expect(Swift.abs(mean - exact.mean) < 0.03 && Swift.abs(variance - exact.variance) < 0.01, "\(mean) \(variance) vs \(exact)")
        abc.settings.summary = .identity
        abc.settings.scale = .mad
        abc.settings.distance = .l1
        let raw = moments(try abc.run(prior: five.prior, observation: xo, simulator: five.simulator()))
        #expect(Swift.abs(raw.mean - exact.mean) < 0.06, "\(raw.mean) vs \(exact.mean)")
    }

    /// SMC-ABC reaches a tight tolerance within its budget and matches the posterior; its ε
    /// sequence decreases.
    @Test(arguments: [SMCABC.Kernel.gaussian, .uniform])
    func smcMatchesTheAnalyticPosterior(kernel: SMCABC.Kernel) throws {
        let exact = model.posterior(xo)
        var smc = SMCABC(particles: 1000, initialPopulation: 5000, simulations: 60_000)
        smc.kernel = kernel
        smc.distanceBasedDecay = true
        let r = try smc.run(prior: model.prior, observation: xo, simulator: model.simulator())
        #expect(r.status == .complete && r.simulations == 60_000 && r.samples.shape == [1000, 1])
        #expect(zip(r.epsilons, r.epsilons.dropFirst()).allSatisfy { $0 > $1 } && r.epsilon < 0.05, "\(r.epsilons)")
        #expect(Swift.abs(r.weights.reduce(0, +) - 1) < 1e-12)
        let (mean, variance) = moments(r)
        #expect(Swift.abs(mean - exact.mean) < 0.05 && Swift.abs(variance - exact.variance) < 0.03, "\(mean) \(variance) vs \(exact)")
    }

    /// A requested tolerance ends the run early; exponential decay halves ε each population.
    @Test func smcStopsAtTheTargetTolerance() throws {
        var smc = SMCABC(particles: 200, initialPopulation: 1000, simulations: 1_000_000)
        smc.targetEpsilon = 0.05
        let r = try smc.run(prior: model.prior, observation: xo, simulator: model.simulator())
        #expect(r.status == .toleranceReached && r.epsilon <= 0.05 && r.simulations < 1_000_000)
        for (a, b) in zip(r.epsilons.dropFirst(), r.epsilons.dropFirst(2)) where b > 0.05 { #expect(Swift.abs(b - 0.5 * a) < 1e-12) }
    }

    /// Failed simulations are counted and never accepted; time and cancellation budgets stop the
    /// run with what it has.
    @Test func invalidSimulationsAndBudgets() throws {
        var abc = RejectionABC(simulations: 10_000, acceptance: .quantile(0.1))
        abc.settings.simulationBatch = 500
        let r = try abc.run(prior: model.prior, observation: [2.5], simulator: model.simulator(invalidAbove: 2))
        #expect(r.invalidSimulations > 150 && r.invalidSimulations < 300)   // P(θ > 2) = 2.3 %
        #expect(r.samples.scalars.allSatisfy { $0 <= 2 })
        let cancelled = try abc.run(prior: model.prior, observation: xo, simulator: model.simulator()) { done, _ in done < 2000 }
        #expect(cancelled.status == .cancelled && cancelled.simulations == 2000 && cancelled.samples.shape[0] == 200)
        var smc = SMCABC(particles: 100, initialPopulation: 500, simulations: 10_000_000)
        smc.settings.maxSeconds = 0.5
        let timed = try smc.run(prior: model.prior, observation: xo, simulator: model.simulator())
        #expect(timed.status == .timeBudget && timed.samples.shape == [100, 1] && timed.simulations < 10_000_000)
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: ABCError.self) { try RejectionABC(simulations: 100, acceptance: .quantile(0)).run(prior: model.prior, observation: xo, simulator: model.simulator()) }
        #expect(throws: ABCError.self) { try RejectionABC(simulations: 100, acceptance: .count(5)).run(prior: model.prior, observation: [1, 2], simulator: model.simulator()) }
        #expect(throws: ABCError.self) { try SMCABC(particles: 100, initialPopulation: 50, simulations: 1000).run(prior: model.prior, observation: xo, simulator: model.simulator()) }
        #expect(throws: ABCError.self) {
            try SMCABC(particles: 100, initialPopulation: 200, simulations: 1000).run(prior: model.prior, observation: xo, simulator: model.simulator(invalidAbove: -3))
        }
    }
}
