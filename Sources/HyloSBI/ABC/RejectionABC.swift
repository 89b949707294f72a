import HyloCore

/// Rejection ABC (sbi's `MCABC`): simulate from the prior, keep the parameters whose simulations
/// lie closest to the observation.
public struct RejectionABC {
    /// Which simulations are accepted.
    public enum Acceptance: Equatable, Sendable {
        /// Distance ≤ ε.
        case epsilon(Double)
        /// The closest fraction q of the valid simulations.
        case quantile(Double)
        /// The closest k valid simulations.
        case count(Int)
    }

    public var simulations: Int
    public var acceptance: Acceptance
    public var settings = ABCSettings()

    public init(simulations: Int, acceptance: Acceptance) {
        self.simulations = simulations
        self.acceptance = acceptance
    }

    public var invalidReason: String? {
        if simulations < 1 { return "rejection ABC needs at least 1 simulation" }
        switch acceptance {
        case .epsilon(let e) where !(e >= 0): return "the tolerance eps must be ≥ 0"
        case .quantile(let q) where !(q > 0 && q <= 1): return "the quantile must lie in (0, 1]"
        case .count(let k) where k < 1: return "num_top_samples must be at least 1"
        default: return settings.invalidReason
        }
    }

    /// Runs rejection ABC for the observation xₒ. With semi-automatic summaries, the first
    /// `fraction` of the simulations fit the summaries and are not candidates.
    public func run(prior: Prior, observation: [Double], simulator: @escaping ABCSimulator,
                    progress: @escaping (_ done: Int, _ total: Int) -> Bool = { _, _ in true }) throws -> ABCResult {
        if let reason = invalidReason { throw ABCError(reason) }
        var rng = Philox(seed: settings.seed, stream: 0xABC)
        let budget = ABCSimulationBudget(simulator: simulator, total: simulations, settings: settings, progress: progress)
        let all = try budget.simulate(prior.sample(simulations, rng: &rng))
        var pilotCount = 0
        if case .semiAutomatic(let fraction, _) = settings.summary { pilotCount = Int(fraction * Double(simulations)) }
        pilotCount = Swift.min(pilotCount, all.theta.shape[0])
        let pilotRows = (0..<pilotCount).filter { all.valid[$0] }
        let candidateRows = pilotCount == 0 ? Array(0..<all.theta.shape[0]) : Array(pilotCount..<all.theta.shape[0])
        let comparisonRows = pilotCount == 0 ? candidateRows.filter { all.valid[$0] } : pilotRows
        guard !comparisonRows.isEmpty, all.x.shape[1] == observation.count else {
            throw ABCError(all.x.shape[1] != observation.count && all.theta.shape[0] > 0
                ? "the simulator returns \(all.x.shape[1]) values; the observation has \(observation.count)"
                : "no valid simulation to compare with (\(budget.invalid) of \(budget.used) were invalid)")
        }
        let comparison = try ABCComparison(settings: settings, observation: observation,
                                           pilotTheta: all.theta.selectRows(comparisonRows), pilotX: all.x.selectRows(comparisonRows))
        let candidates = all.x.selectRows(candidateRows)
        let distances = comparison.distances(candidates, valid: candidateRows.map { all.valid[$0] })
        let order = distances.indices.filter { distances[$0].isFinite }.sorted { distances[$0] < distances[$1] }
        let kept: ArraySlice<Int>
        switch acceptance {
        case .epsilon(let e): kept = order.prefix { distances[$0] <= e }
        case .quantile(let q): kept = order.prefix(Swift.max(1, Int((q * Double(order.count)).rounded())))
        case .count(let k): kept = order.prefix(k)
        }
        let rows = kept.map { candidateRows[$0] }
        let keptDistances = kept.map { distances[$0] }
        let epsilon: Double
        if case .epsilon(let e) = acceptance { epsilon = e } else { epsilon = keptDistances.last ?? .infinity }
        var samples = all.theta.selectRows(rows)
        if settings.regressionAdjustment, !rows.isEmpty {
            // Epanechnikov weights 1 − (d/ε)², as Beaumont et al. (2002).
            let weights = keptDistances.map { epsilon > 0 ? Swift.max(0, 1 - ($0 / epsilon) * ($0 / epsilon)) : 1 }
            samples = try regressionAdjusted(theta: samples, statistics: comparison.summarize(all.x.selectRows(rows)),
                                             observed: comparison.observed, weights: weights)
        }
        return ABCResult(status: budget.interruption ?? .complete, samples: samples,
                         weights: [Double](repeating: 1 / Double(Swift.max(rows.count, 1)), count: rows.count),
                         distances: keptDistances, epsilon: epsilon, epsilons: [epsilon],
                         simulations: budget.used, invalidSimulations: budget.invalid)
    }
}
