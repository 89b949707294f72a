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
        // Stepping out, both sides in one batch per round.
        var active = Array(0..<chains)
        while !active.isEmpty {
            var rows: [Int] = [], values: [Double] = [], isLeft: [Bool] = []
            for c in active {
                if leftSteps[c] > 0 { rows.append(c); values.append(lower[c]); isLeft.append(true) }
                if rightSteps[c] > 0 { rows.append(c); values.append(upper[c]); isLeft.append(false) }
            }
            guard !rows.isEmpty else { break }
            let f = evaluate(rows, coordinate: i, values: values)
            var next = Set<Int>()
            for (k, c) in rows.enumerated() {
                let w = widths[c * d + i]
                if isLeft[k] {
                    if f[k] > level[c] { lower[c] -= w; leftSteps[c] -= 1; next.insert(c) } else { leftSteps[c] = 0 }
                } else {
                    if f[k] > level[c] { upper[c] += w; rightSteps[c] -= 1; next.insert(c) } else { rightSteps[c] = 0 }
                }
            }
            active = next.sorted()
        }
        // Shrinkage: the current point is always in the slice, so the bracket closes on it; a
        // bounded number of rounds guards against a density that is not a function of θ alone.
        active = Array(0..<chains)
        for _ in 0..<200 where !active.isEmpty {
            let proposals = active.map { lower[$0] + (upper[$0] - lower[$0]) * rngs[$0].uniform() }
            let f = evaluate(active, coordinate: i, values: proposals)
            var next: [Int] = []
            for (k, c) in active.enumerated() {
                let x0 = positions[c * d + i]
                if f[k] >= level[c] && f[k] > -.infinity {
                    positions[c * d + i] = proposals[k]
                    logDensities[c] = f[k]
                } else {
                    if proposals[k] < x0 { lower[c] = proposals[k] } else { upper[c] = proposals[k] }
                    next.append(c)
                }
            }
            active = next
        }
        if adapting {
            for c in 0..<chains {
                widths[c * d + i] += (upper[c] - lower[c] - widths[c * d + i]) / Double(tuningSteps + 1)
            }
        }
    }

    func endWarmup() { acceptance = (0, 0) }
}
