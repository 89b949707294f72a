import Glibc
import HyloCore

/// Coordinate-wise slice sampling (Neal 2003, §4 "stepping out" and "shrinkage") run on all chains
/// at once: each coordinate update of every chain is done in lock-step, and every bracket end or
/// proposal the chains still need is evaluated in one batch, so a step costs a handful of batched
/// density evaluations whatever the number of chains.
///
/// For coordinate i with current value x₀ and bracket width w: the slice level is
/// log y = log p(x) + log U; the bracket [L, R] of width w is placed at random around x₀ and
/// stepped out by w while p stays above y, at most m widths in total split at random between the
/// two sides (which keeps the kernel reversible); then points are drawn uniformly in [L, R], and the
/// bracket shrinks towards x₀ until one lies in the slice. During warm-up each chain's width for
/// coordinate i follows the running mean of its final bracket widths (as sbi's tuning).
final class SliceKernel: MarkovKernel {
    let target: LogDensity
    let chains: Int, d: Int
    private(set) var positions: [Double]
    private var logDensities: [Double]
    private var widths: [Double]
    private var rngs: [Philox]
    private var orderRNG: Philox
    private let stepOutLimit: Int
    /// Rows a round may spend on look-ahead when few chains are left (see `update`).
    private var speculationRows: Int { chains }
    private var tuningSteps = 0
    private(set) var evaluations = 0
    var acceptance: (sum: Double, count: Int) = (0, 0)

    init(target: LogDensity, initial: [Double], chains: Int, settings: MCMCSettings, rng: inout Philox) {
        self.target = target
        self.chains = chains
        d = target.dimension
        positions = initial
        widths = [Double](repeating: settings.sliceWidth, count: chains * target.dimension)
        stepOutLimit = settings.stepOutLimit
        rngs = chainGenerators(chains, rng: &rng)
        orderRNG = Philox(seed: rng.nextUInt64(), stream: 0x736c_6963)
        logDensities = target.values(initial, rows: chains)
        evaluations = chains
    }

    /// log p at the chains' positions with coordinate i replaced by `values[k]` for chain `rows[k]`.
    private func evaluate(_ rows: [Int], coordinate i: Int, values: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: rows.count * d)
        for (k, c) in rows.enumerated() {
            for j in 0..<d { z[k * d + j] = positions[c * d + j] }
            z[k * d + i] = values[k]
        }
        evaluations += rows.count
        return target.values(z, rows: rows.count)
    }

    func transition(warmupStep: Int?, of warmup: Int) {
        for i in orderRNG.permutation(d) { update(coordinate: i, adapting: warmupStep != nil) }
        if warmupStep != nil { tuningSteps += 1 } else { acceptance.sum += Double(chains); acceptance.count += chains }
    }

    private func update(coordinate i: Int, adapting: Bool) {
        var level = [Double](repeating: 0, count: chains)
        var lower = level, upper = level, leftSteps = [Int](repeating: 0, count: chains), rightSteps = leftSteps
        for c in 0..<chains {
            let w = widths[c * d + i], x0 = positions[c * d + i]
            level[c] = logDensities[c] + Glibc.log(rngs[c].uniformOpen())
            lower[c] = x0 - w * rngs[c].uniform()
            upper[c] = lower[c] + w
            leftSteps[c] = Int(Double(stepOutLimit) * rngs[c].uniform())
            rightSteps[c] = stepOutLimit - 1 - leftSteps[c]
        }
        // Each chain steps out, then shrinks, at its own pace; every round evaluates what all the
        // chains need next in one batch. When few chains are left in a round, each evaluates several
        // of its next points at once (the next bracket ends outward; the next shrinkage proposals,
        // each assuming the ones before it are rejected) and uses them in order up to the first that
        // decides: a batch costs little per row, so this trades rows for rounds. A chain's draws come
        // from its own generator in a fixed order, so neither changes its trajectory.
        var steppingOut = [Bool](repeating: true, count: chains)
        var shrinkRounds = [Int](repeating: 0, count: chains)
        var pending = Array(0..<chains)
        while !pending.isEmpty {
            let lookahead = Swift.max(1, Swift.min(8, speculationRows / pending.count))
            var rows: [Int] = [], values: [Double] = [], kinds: [Bound] = []
            for c in pending {
                if steppingOut[c] {
                    // Computed as the sequential steps would, so that each can be matched to the bracket.
                    let w = widths[c * d + i]
                    var (l, u) = (lower[c], upper[c])
                    for _ in 0..<Swift.min(leftSteps[c], lookahead) { rows.append(c); values.append(l); kinds.append(.lower); l -= w }
                    for _ in 0..<Swift.min(rightSteps[c], lookahead) { rows.append(c); values.append(u); kinds.append(.upper); u += w }
                    if leftSteps[c] == 0 && rightSteps[c] == 0 { steppingOut[c] = false }
                }
                if !steppingOut[c] {
                    // Proposals in the brackets left by rejecting each earlier one, from a copy of the
                    // generator; the real one advances only by the draws used.
                    var peek = rngs[c]
                    var (l, u) = (lower[c], upper[c])
                    let x0 = positions[c * d + i]
                    for _ in 0..<Swift.min(lookahead, 200 - shrinkRounds[c]) {
                        let proposal = l + (u - l) * peek.uniform()
                        rows.append(c); values.append(proposal); kinds.append(.proposal)
                        if proposal < x0 { l = proposal } else { u = proposal }
                    }
                }
            }
            let f = evaluate(rows, coordinate: i, values: values)
            var finished = Set<Int>(), decided = Set<Int>()
            for (k, c) in rows.enumerated() where !decided.contains(c) || kinds[k] != .proposal {
                let w = widths[c * d + i]
                switch kinds[k] {
                case .lower:
                    guard leftSteps[c] > 0 && values[k] == lower[c] else { continue }
                    if f[k] > level[c] { lower[c] -= w; leftSteps[c] -= 1 } else { leftSteps[c] = 0 }
                case .upper:
                    guard rightSteps[c] > 0 && values[k] == upper[c] else { continue }
                    if f[k] > level[c] { upper[c] += w; rightSteps[c] -= 1 } else { rightSteps[c] = 0 }
                case .proposal:
                    // The current point is always in the slice, so the bracket closes on it; a bounded
                    // number of rounds guards against a density that is not a function of θ alone.
                    _ = rngs[c].uniform()
                    if f[k] >= level[c] && f[k] > -.infinity {
                        positions[c * d + i] = values[k]
                        logDensities[c] = f[k]
                        finished.insert(c)
                        decided.insert(c)
                    } else {
                        if values[k] < positions[c * d + i] { lower[c] = values[k] } else { upper[c] = values[k] }
                        shrinkRounds[c] += 1
                        if shrinkRounds[c] >= 200 { finished.insert(c); decided.insert(c) }
                    }
                }
            }
            pending.removeAll { finished.contains($0) }
        }
        if adapting {
            for c in 0..<chains {
                widths[c * d + i] += (upper[c] - lower[c] - widths[c * d + i]) / Double(tuningSteps + 1)
            }
        }
    }

    func endWarmup() { acceptance = (0, 0) }

    private enum Bound { case lower, upper, proposal }
}
