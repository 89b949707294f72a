import HyloCore

/// Runs `settings.chains` Markov chains on `target` from `initial` (`chains × d` positions with
/// finite density): `settings.warmup` adapting steps, then `drawsPerChain` kept draws each
/// `settings.thin` steps apart.
///
/// Never hangs: the run stops early, returning the draws it has with status `budgetExhausted`, when
/// `settings.maxSeconds` pass, or `cancelled` when `progress(done, total)` (called about a hundred
/// times per run, counting steps) returns false.
public func runMCMC(_ target: LogDensity, initial: [Double], drawsPerChain: Int, settings: MCMCSettings,
                    rng: inout Philox, progress: (_ done: Int, _ total: Int) -> Bool = { _, _ in true }) -> MCMCResult {
    let (chains, d) = (settings.chains, target.dimension)
    precondition(initial.count == chains * d, "initial positions: \(initial.count) values for \(chains) chains × \(d)")
    let kernel: MarkovKernel
    switch settings.method {
    case .slice: kernel = SliceKernel(target: target, initial: initial, chains: chains, settings: settings, rng: &rng)
    case .metropolisHastings: kernel = AdaptiveMetropolisKernel(target: target, initial: initial, chains: chains, rng: &rng)
    case .hmc: kernel = HamiltonianKernel(target: target, initial: initial, chains: chains, settings: settings, rng: &rng)
    case .nuts: kernel = NoUTurnKernel(target: target, initial: initial, chains: chains, settings: settings, rng: &rng)
    }
    let total = settings.warmup + drawsPerChain * settings.thin
    let reportEvery = Swift.max(1, total / 100)
    let clock = ContinuousClock(), start = clock.now
    var status = MCMCReport.Status.complete
    func shouldStop(_ done: Int) -> Bool {
        if let limit = settings.maxSeconds, (clock.now - start) > .milliseconds(Int64(limit * 1000)) {
            status = .budgetExhausted
            return true
        }
        if done % reportEvery == 0 || done == total, !progress(done, total) {
            status = .cancelled
            return true
        }
        return false
    }

    var warmupDone = 0
    while warmupDone < settings.warmup {
        kernel.transition(warmupStep: warmupDone, of: settings.warmup)
        warmupDone += 1
        if shouldStop(warmupDone) { break }
    }
    kernel.endWarmup()
    var perChain = [[Double]](repeating: [], count: chains)
    for c in 0..<chains { perChain[c].reserveCapacity(drawsPerChain * d) }
    var kept = 0
    if status == .complete {
        var step = 0
        while kept < drawsPerChain {
            kernel.transition(warmupStep: nil, of: settings.warmup)
            step += 1
            if step % settings.thin == 0 {
                let x = kernel.positions
                for c in 0..<chains { perChain[c].append(contentsOf: x[(c * d)..<((c + 1) * d)]) }
                kept += 1
            }
            if shouldStop(settings.warmup + step) { break }
        }
    }
    let columns = (0..<d).map { j in perChain.map { chain in stride(from: j, to: chain.count, by: d).map { chain[$0] } } }
    let acceptance = kernel.acceptance
    let report = MCMCReport(
        status: status, method: settings.method, chains: chains, drawsPerChain: kept, warmupSteps: warmupDone,
        evaluations: kernel.evaluations, acceptanceRate: acceptance.count == 0 ? .nan : acceptance.sum / Double(acceptance.count),
        divergences: kernel.divergences, stepSize: kernel.stepSize,
        rHat: kept >= 4 ? columns.map(ChainDiagnostics.rHat) : [Double](repeating: .nan, count: d),
        effectiveSampleSize: kept >= 4 ? columns.map(ChainDiagnostics.effectiveSampleSize) : [Double](repeating: .nan, count: d))
    return MCMCResult(draws: perChain.flatMap { $0 }, dimension: d, report: report)
}
