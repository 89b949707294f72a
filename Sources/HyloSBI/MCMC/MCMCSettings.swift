/// How to run MCMC. The defaults are sbi's (`MCMCPosterior`, sbi ≥ 0.22): the vectorized slice
/// sampler over 20 chains, 200 warm-up steps per chain, no thinning, chains started by
/// sampling-importance-resampling of 10,000 prior draws.
public struct MCMCSettings: Equatable, Sendable {
    public enum Method: String, CaseIterable, Sendable {
        /// Coordinate-wise slice sampling (Neal 2003) with stepping out, all chains evaluated in one
        /// batch per step; bracket widths tuned during warm-up.
        case slice
        /// Random-walk Metropolis–Hastings with a Gaussian proposal whose covariance adapts to the
        /// chains during warm-up (Haario et al. 2001) and whose scale targets 23.4 % acceptance.
        case metropolisHastings = "mh"
        /// Hamiltonian Monte Carlo: fixed number of leapfrog steps, step size by dual averaging and
        /// a diagonal mass matrix, both adapted during warm-up.
        case hmc
        /// The No-U-Turn sampler (Hoffman & Gelman 2014) with multinomial trajectory sampling, dual
        /// averaging and a diagonal mass matrix.
        case nuts
    }
    public enum Initialization: Equatable, Sendable {
        /// Chains start at prior draws.
        case prior
        /// Chains start at prior draws resampled with weights ∝ p(θ | x) / p(θ) from a pool grown this
        /// many draws at a time until its effective sample size is 4 per chain (at most this many per chain).
        case resample(candidates: Int)
    }

    public var method = Method.slice
    public var chains = 20
    /// Steps per chain before draws are kept; the adaptive samplers tune themselves during them.
    public var warmup = 200
    /// Keep every `thin`-th step.
    public var thin = 1
    public var initialization = Initialization.resample(candidates: 10_000)
    /// Wall-clock budget: sampling stops after this many seconds with what it has.
    public var maxSeconds: Double?
    /// Slice sampling: initial bracket width (in the sampler's unbounded coordinates) and the
    /// largest number of widths the bracket may step out.
    public var sliceWidth = 0.01
    public var stepOutLimit = 100
    /// HMC: leapfrog steps per transition. NUTS: the largest tree depth (2^depth steps).
    public var leapfrogSteps = 10
    public var maxTreeDepth = 10
    /// HMC and NUTS: the mean acceptance probability the step size is tuned to.
    public var targetAcceptance = 0.8

    public init(_ method: Method = .slice) { self.method = method }

    /// Why these settings cannot run, or nil.
    public var invalidReason: String? {
        if chains < 1 { return "chains must be at least 1" }
        if warmup < 0 { return "warmup must be non-negative" }
        if thin < 1 { return "thin must be at least 1" }
        if case .resample(let k) = initialization, k < 1 { return "the resampling initialization needs at least 1 candidate" }
        if let s = maxSeconds, !(s > 0) { return "max_seconds must be positive" }
        if !(sliceWidth > 0 && sliceWidth.isFinite) { return "the slice width must be positive" }
        if stepOutLimit < 1 { return "the step-out limit must be at least 1" }
        if leapfrogSteps < 1 { return "leapfrog steps must be at least 1" }
        if maxTreeDepth < 1 || maxTreeDepth > 20 { return "the tree depth must be in 1…20" }
        if !(targetAcceptance > 0 && targetAcceptance < 1) { return "the target acceptance must lie in (0, 1)" }
        return nil
    }
}

/// How an MCMC run went.
public struct MCMCReport: Sendable {
    public enum Status: String, Sendable {
        case complete
        /// The time budget ran out: fewer draws than asked for were returned.
        case budgetExhausted = "budget_exhausted"
        /// The progress callback asked to stop.
        case cancelled
    }
    public var status: Status
    public var method: MCMCSettings.Method
    public var chains: Int
    /// Draws kept per chain (after warm-up and thinning).
    public var drawsPerChain: Int
    /// Warm-up steps completed per chain.
    public var warmupSteps: Int
    /// Rows of log-density evaluations (a gradient evaluation counts as one).
    public var evaluations: Int
    /// Mean acceptance probability after warm-up (MH, HMC, NUTS); 1 for slice sampling, which
    /// always moves.
    public var acceptanceRate: Double
    /// HMC and NUTS: trajectories whose energy error exceeded 1000 after warm-up.
    public var divergences: Int
    /// HMC and NUTS: the adapted step size (mean over chains).
    public var stepSize: Double?
    /// Split R̂ and bulk effective sample size per dimension (NaN with fewer than 4 draws).
    public var rHat: [Double]
    public var effectiveSampleSize: [Double]
}

/// The draws of an MCMC run, `[chains][drawsPerChain][d]` flattened row-major, and its report.
public struct MCMCResult: Sendable {
    public var draws: [Double]
    public var dimension: Int
    public var report: MCMCReport

    /// The draws of chain c, `drawsPerChain × d`.
    public func chain(_ c: Int) -> ArraySlice<Double> {
        let size = report.drawsPerChain * dimension
        return draws[(c * size)..<((c + 1) * size)]
    }
}
