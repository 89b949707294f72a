import HyloCore

/// Sequential Monte Carlo ABC, population Monte Carlo of Beaumont et al. (2009) (sbi's `SMCABC`,
/// variant C): a population of weighted particles is moved through decreasing tolerances
/// ε₀ > ε₁ > …; each new particle is drawn from the previous population by weight, perturbed by a
/// kernel whose covariance follows the population, kept only if its simulation lies within εₜ, and
/// weighed by prior(θ) / Σⱼ wⱼ K(θ | θⱼ). The run ends when the simulation budget is used (or the
/// requested tolerance is reached).
public struct SMCABC {
    /// The perturbation kernel K, with covariance `kernelVarianceScale` × the weighted population
    /// covariance.
    public enum Kernel: String, CaseIterable, Sendable {
        case gaussian
        /// A box around the particle with the same per-parameter variances as the Gaussian kernel.
        case uniform
    }

    /// Particles per population.
    public var particles: Int
    /// Prior simulations of population 0, whose closest `particles` form it (ε₀ = the largest of
    /// their distances).
    public var initialPopulation: Int
    /// The simulation budget of the whole run, the initial population included.
    public var simulations: Int
    /// ε decay: εₜ₊₁ = decay · εₜ, or with `distanceBasedDecay` the `decay` quantile of the
    /// current population's distances (sbi's defaults: 0.5, exponential).
    public var epsilonDecay = 0.5
    public var distanceBasedDecay = false
    public var kernel = Kernel.gaussian
    /// Twice the weighted covariance, as Beaumont et al. (2009).
    public var kernelVarianceScale = 2.0
    /// Resample the population to equal weights when its effective sample size falls below this
    /// fraction of `particles` (nil: never, as sbi's default).
    public var essMin: Double?
    /// Stop once a population reaches this tolerance.
    public var targetEpsilon: Double?
    /// When the budget runs out mid-population, complete it from the previous population (sbi's
    /// `use_last_pop_samples`); otherwise return the previous population.
    public var useLastPopulation = true
    public var settings = ABCSettings()

    public init(particles: Int, initialPopulation: Int, simulations: Int) {
        self.particles = particles
        self.initialPopulation = initialPopulation
        self.simulations = simulations
    }

    public var invalidReason: String? {
        if particles < 2 { return "SMC-ABC needs at least 2 particles" }
        if initialPopulation < particles { return "the initial population (\(initialPopulation)) must be at least num_particles (\(particles))" }
        if simulations < initialPopulation { return "the simulation budget (\(simulations)) must cover the initial population (\(initialPopulation))" }
        if !(epsilonDecay > 0 && epsilonDecay < 1) { return "epsilon_decay must lie in (0, 1)" }
        if !(kernelVarianceScale > 0 && kernelVarianceScale.isFinite) { return "kernel_variance_scale must be positive" }
        if let e = essMin, !(e > 0 && e <= 1) { return "ess_min must lie in (0, 1]" }
        if let t = targetEpsilon, !(t >= 0) { return "the target epsilon must be ≥ 0" }
        return settings.invalidReason
    }

    /// One population: particles `[n, d]`, their normalized weights, distances and statistics.
    struct Population {
        var theta: Tensor
        var weights: [Double]
        var distances: [Double]
        var x: Tensor
        var count: Int { weights.count }
    }

    public func run(prior: Prior, observation: [Double], simulator: @escaping ABCSimulator,
                    progress: @escaping (_ done: Int, _ total: Int) -> Bool = { _, _ in true }) throws -> ABCResult {
        if let reason = invalidReason { throw ABCError(reason) }
        var rng = Philox(seed: settings.seed, stream: 0x5AC)
        let budget = ABCSimulationBudget(simulator: simulator, total: simulations, settings: settings, progress: progress)
        let first = try budget.simulate(prior.sample(initialPopulation, rng: &rng))
        let validRows = (0..<first.theta.shape[0]).filter { first.valid[$0] }
        guard validRows.count >= particles, first.x.shape[1] == observation.count else {
            throw ABCError(first.x.shape[1] != observation.count
                ? "the simulator returns \(first.x.shape[1]) values; the observation has \(observation.count)"
                : "the initial population has \(validRows.count) valid simulations (\(budget.invalid) invalid, \(budget.used) run); num_particles needs \(particles)")
        }
        let comparison = try ABCComparison(settings: settings, observation: observation,
                                           pilotTheta: first.theta.selectRows(validRows), pilotX: first.x.selectRows(validRows))
        let firstDistances = comparison.distances(first.x, valid: first.valid)
        let nearest = Array(validRows.sorted { firstDistances[$0] < firstDistances[$1] }.prefix(particles))
        var population = Population(theta: first.theta.selectRows(nearest), weights: [Double](repeating: 1 / Double(particles), count: particles),
                                    distances: nearest.map { firstDistances[$0] }, x: first.x.selectRows(nearest))
        var epsilon = population.distances.max()!
        var epsilons = [epsilon]
        var status = budget.interruption ?? .complete
        if let t = targetEpsilon, epsilon <= t { status = .toleranceReached }

        while status == .complete, budget.remaining > 0 {
            let next = distanceBasedDecay ? quantile(population.distances, epsilonDecay) : epsilon * epsilonDecay
            let target = Swift.max(next, targetEpsilon ?? 0)
            let perturbation = try PerturbationKernel(kind: kernel, population: population, scale: kernelVarianceScale)
            var accepted: (theta: [Double], x: [Double], distances: [Double]) = ([], [], [])
            while accepted.distances.count < particles, budget.remaining > 0 {
                let proposals = try perturbation.propose(Swift.min(particles - accepted.distances.count, budget.remaining),
                                                         from: population, prior: prior, rng: &rng)
                let simulated = try budget.simulate(proposals)
                let d = comparison.distances(simulated.x, valid: simulated.valid)
                let (p, c) = (simulated.theta.shape[1], simulated.x.shape[1])
                for i in d.indices where d[i] <= target {
                    accepted.theta.append(contentsOf: simulated.theta.scalars[(i * p)..<((i + 1) * p)])
                    accepted.x.append(contentsOf: simulated.x.scalars[(i * c)..<((i + 1) * c)])
                    accepted.distances.append(d[i])
                }
            }
            let m = Swift.min(accepted.distances.count, particles)
            let (p, c) = (prior.dimension, observation.count)
            let newTheta = Tensor(shape: [m, p], scalars: Array(accepted.theta.prefix(m * p)))
            let newWeights = perturbation.importanceWeights(of: newTheta, prior: prior, previous: population)
            var fresh = Population(theta: newTheta, weights: newWeights, distances: Array(accepted.distances.prefix(m)),
                                   x: Tensor(shape: [m, c], scalars: Array(accepted.x.prefix(m * c))))
            if m == particles {
                population = fresh
                epsilon = target
                epsilons.append(epsilon)
                if let e = essMin, effectiveSampleSize(population.weights) < e * Double(particles) {
                    population = resampled(population, count: particles, rng: &rng)
                }
                if let t = targetEpsilon, epsilon <= t { status = .toleranceReached }
            } else {
                // The budget ran out mid-population.
                if useLastPopulation && m > 0 {
                    let filler = resampled(population, count: particles - m, rng: &rng)
                    for i in fresh.weights.indices { fresh.weights[i] *= Double(m) / Double(particles) }
                    population = Population(theta: Tensor.concatenate([fresh.theta, filler.theta], axis: 0),
                                            weights: fresh.weights + filler.weights.map { $0 * Double(particles - m) / Double(particles) },
                                            distances: fresh.distances + filler.distances,
                                            x: Tensor.concatenate([fresh.x, filler.x], axis: 0))
                    epsilon = target
                    epsilons.append(epsilon)
                }
                status = budget.interruption ?? .complete
            }
        }
        if status == .complete, let interruption = budget.interruption { status = interruption }
        var samples = population.theta
        if settings.regressionAdjustment {
            samples = try regressionAdjusted(theta: samples, statistics: comparison.summarize(population.x),
                                             observed: comparison.observed, weights: population.weights)
        }
        return ABCResult(status: status, samples: samples, weights: population.weights, distances: population.distances,
                         epsilon: epsilon, epsilons: epsilons, simulations: budget.used, invalidSimulations: budget.invalid)
    }

    /// n particles drawn by weight, with equal weights 1/n.
    func resampled(_ population: Population, count n: Int, rng: inout Philox) -> Population {
        let rows = WeightedDraw(population.weights).draw(n, rng: &rng)
        return Population(theta: population.theta.selectRows(rows), weights: [Double](repeating: 1 / Double(n), count: n),
                          distances: rows.map { population.distances[$0] }, x: population.x.selectRows(rows))
    }
}

/// The q-quantile of v (linear interpolation between order statistics).
func quantile(_ v: [Double], _ q: Double) -> Double {
    let s = v.sorted()
    let position = q * Double(s.count - 1)
    let lower = Int(position.rounded(.down)), upper = Swift.min(lower + 1, s.count - 1)
    return s[lower] + (position - Double(lower)) * (s[upper] - s[lower])
}

