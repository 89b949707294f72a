import HyloCore

/// Runs ABC's simulations batch by batch within the simulation, time and progress budgets, and
/// counts the invalid ones.
final class ABCSimulationBudget {
    let simulator: ABCSimulator
    let total: Int
    let settings: ABCSettings
    let progress: (_ done: Int, _ total: Int) -> Bool
    private(set) var used = 0
    private(set) var invalid = 0
    /// Why simulating stopped before the budget was used, if it did.
    private(set) var interruption: ABCResult.Status?
    private var batches: UInt64 = 0
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(simulator: @escaping ABCSimulator, total: Int, settings: ABCSettings, progress: @escaping (Int, Int) -> Bool) {
        self.simulator = simulator
        self.total = total
        self.settings = settings
        self.progress = progress
        start = clock.now
    }

    var remaining: Int { interruption == nil ? total - used : 0 }

    /// Simulates the rows of θ (at most `remaining`) in batches; when a budget stops it, returns the
    /// rows simulated so far.
    func simulate(_ theta: Tensor) throws -> (theta: Tensor, x: Tensor, valid: [Bool]) {
        let (n, d) = (Swift.min(theta.shape[0], remaining), theta.shape[1])
        var rows = 0
        var xs: [Double] = [], valid: [Bool] = []
        var width = 0
        while rows < n, interruption == nil {
            let m = Swift.min(settings.simulationBatch, n - rows)
            let block = Tensor(shape: [m, d], scalars: Array(theta.scalars[(rows * d)..<((rows + m) * d)]))
            var seeder = Philox(seed: settings.seed, stream: 0xABC0_0000 + batches)
            batches += 1
            let outcome = try simulator(block, seeder.nextUInt64())
            width = outcome.x.shape[1]
            xs.append(contentsOf: outcome.x.scalars)
            valid.append(contentsOf: outcome.valid)
            invalid += m - outcome.validCount
            rows += m
            used += m
            if let limit = settings.maxSeconds, clock.now - start > .milliseconds(Int64(limit * 1000)) {
                interruption = .timeBudget
            } else if !progress(used, total) {
                interruption = .cancelled
            }
        }
        return (Tensor(shape: [rows, d], scalars: Array(theta.scalars[0..<(rows * d)])), Tensor(shape: [rows, width], scalars: xs), valid)
    }
}

/// Beaumont et al. (2002): θᵢ + B (s(xₒ) − s(xᵢ)), with B from a weighted linear regression of θ
/// on the statistics s(x) of the accepted simulations.
func regressionAdjusted(theta: Tensor, statistics: Tensor, observed: [Double], weights: [Double]) throws -> Tensor {
    let (n, d, p) = (theta.shape[0], theta.shape[1], statistics.shape[1])
    guard weights.filter({ $0 > 0 }).count > p + 1 else {
        throw ABCError("regression adjustment needs more accepted samples with positive weight than statistics + 1 (\(p + 1)); it has \(weights.filter { $0 > 0 }.count)")
    }
    let fit = try LinearRegression(features: statistics, targets: theta, weights: weights)
    var out = theta.scalars
    for i in 0..<n {
        let delta = (0..<p).map { observed[$0] - statistics.scalars[i * p + $0] }
        let shift = fit.slopeTimes(delta)
        for j in 0..<d { out[i * d + j] += shift[j] }
    }
    return Tensor(shape: [n, d], scalars: out)
}
