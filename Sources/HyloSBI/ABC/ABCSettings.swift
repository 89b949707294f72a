import HyloCore

/// A simulator as ABC calls it: a batch θ `[n, d]` and a seed for the batch (simulation i of the
/// batch draws from `Philox(seed, stream: i)` when run through `runSimulations`).
public typealias ABCSimulator = (_ theta: Tensor, _ seed: UInt64) throws -> SimulationOutcome

/// What rejection ABC and SMC-ABC share: how simulations are compared with the observation, how
/// accepted parameters are post-processed, and the budgets.
public struct ABCSettings: Sendable {
    /// The distance between summary statistics s(x) and s(xₒ).
    public enum Distance: String, CaseIterable, Sendable {
        /// Euclidean.
        case l2
        /// Sum of absolute differences.
        case l1
        /// Mean squared difference.
        case mse
    }
    /// Per-statistic scaling before the distance.
    public enum Scale: String, CaseIterable, Sendable {
        case none
        /// Each statistic divided by its median absolute deviation over the pilot simulations (the
        /// first population of SMC-ABC, all simulations of rejection ABC), so statistics on
        /// different scales count alike.
        case mad
    }
    /// The summary statistics s(x).
    public enum Summary: Equatable, Sendable {
        /// The simulator output itself.
        case identity
        /// Semi-automatic ABC (Fearnhead & Prangle 2012): s(x) = E[θ | x] estimated by a linear
        /// regression of θ on x, x², …, x^degree fitted to the first `fraction` of the simulations
        /// (sbi's `sass`, fraction 0.25, degree 1).
        case semiAutomatic(fraction: Double = 0.25, degree: Int = 1)
    }

    public var distance = Distance.l2
    public var scale = Scale.none
    public var summary = Summary.identity
    /// Beaumont et al. (2002) linear regression adjustment of the accepted θ: θᵢ + B (s(xₒ) − s(xᵢ)),
    /// B from a regression of the accepted θ on their statistics (Epanechnikov-weighted by distance
    /// for rejection ABC, by particle weight for SMC-ABC); sbi's `lra`.
    public var regressionAdjustment = false
    public var seed: UInt64 = 0
    /// Wall-clock budget: when it passes, ABC stops simulating and returns what it has.
    public var maxSeconds: Double?
    /// Simulations per simulator call (progress is reported between calls).
    public var simulationBatch = 1000

    public init() {}

    public var invalidReason: String? {
        if case .semiAutomatic(let f, let degree) = summary, !(f > 0 && f <= 1) || degree < 1 || degree > 10 {
            return "semi-automatic summaries need 0 < fraction ≤ 1 and a degree in 1…10"
        }
        if let s = maxSeconds, !(s > 0) { return "max_seconds must be positive" }
        return simulationBatch >= 1 ? nil : "the simulation batch must hold at least 1 simulation"
    }
}

/// What an ABC run returns.
public struct ABCResult {
    public enum Status: String, Sendable {
        /// Rejection ABC ran all its simulations; SMC-ABC used its simulation budget.
        case complete
        /// SMC-ABC reached the requested tolerance before its budget ran out.
        case toleranceReached = "tolerance_reached"
        /// The time budget passed; the result is built from the simulations made so far.
        case timeBudget = "time_budget"
        /// The progress callback asked to stop; the result is built from the simulations made so far.
        case cancelled
    }
    public var status: Status
    /// Accepted parameters `[n, d]` (regression-adjusted when asked).
    public var samples: Tensor
    /// Normalized importance weights (uniform for rejection ABC).
    public var weights: [Double]
    /// The distance of each sample's simulation to the observation.
    public var distances: [Double]
    /// The final tolerance: the largest accepted distance (rejection ABC) or the last population's ε.
    public var epsilon: Double
    /// The tolerance of each SMC-ABC population (one entry for rejection ABC).
    public var epsilons: [Double]
    /// Simulations run, and how many of them failed or returned a non-finite x (never accepted).
    public var simulations: Int
    public var invalidSimulations: Int

    /// n samples drawn with replacement by weight.
    public func resampled(_ n: Int, rng: inout Philox) -> Tensor {
        samples.selectRows(WeightedDraw(weights).draw(n, rng: &rng))
    }
}

/// Why ABC refused to run.
public struct ABCError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
