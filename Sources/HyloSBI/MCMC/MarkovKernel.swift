import HyloCore

/// One transition of every chain of a sampler; the driver (`runMCMC`) owns warm-up, thinning,
/// budgets and diagnostics.
protocol MarkovKernel: AnyObject {
    /// The chains' current positions, `chains × d` row-major.
    var positions: [Double] { get }
    /// Rows of log-density evaluations so far.
    var evaluations: Int { get }
    /// Sum of acceptance probabilities and number of transitions since warm-up ended.
    var acceptance: (sum: Double, count: Int) { get }
    var divergences: Int { get }
    var stepSize: Double? { get }
    /// Advances every chain once; during warm-up (`step` of `of` steps) the kernel adapts.
    func transition(warmupStep: Int?, of warmup: Int)
    /// Freezes adaptation and resets the acceptance statistics.
    func endWarmup()
}

extension MarkovKernel {
    var divergences: Int { 0 }
    var stepSize: Double? { nil }
}

/// Independent random streams for `count` chains, derived from one generator.
func chainGenerators(_ count: Int, rng: inout Philox) -> [Philox] {
    let seed = rng.nextUInt64()
    return (0..<count).map { Philox(seed: seed, stream: UInt64($0)) }
}
