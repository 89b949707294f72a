import Dispatch
import Glibc
import HyloCore

/// The No-U-Turn sampler (Hoffman & Gelman 2014) in its multinomial form (Betancourt 2017): the
/// trajectory doubles forwards or backwards in time until its ends start to turn back towards each
/// other (ρ · M⁻¹p₋ ≤ 0 or ρ · M⁻¹p₊ ≤ 0, with ρ the summed momenta) or the depth limit is reached;
/// points are drawn within subtrees with weights e^(−H), and between the old and the new half with
/// biased progressive sampling. Chains run in parallel, each with its own step size and diagonal
/// mass matrix adapted during warm-up.
final class NoUTurnKernel: MarkovKernel {
    /// One chain's sampler state.
    struct Chain {
        var state: PhaseState
        var inverseMass: [Double]
        var adaptation: StepSizeAdaptation
        var metric: MassMatrixAdaptation
        var stepSize: Double
        var rng: Philox
        var evaluations = 0
        var acceptanceSum = 0.0
        var transitions = 0
        var divergences = 0
    }

    /// A built subtree: its two ends, its drawn point, log Σ e^(−ΔH), summed momenta, validity.
    struct Tree {
        var minus: PhaseState
        var plus: PhaseState
        var proposal: PhaseState
        var logWeight: Double
        var rho: [Double]
        var turning = false
        var divergent = false
        var acceptanceSum = 0.0
        var steps = 0
    }

    let target: LogDensity
    let d: Int
    let maxDepth: Int
    private var members: [Chain]

    init(target: LogDensity, initial: [Double], chains: Int, settings: MCMCSettings, rng: inout Philox) {
        self.target = target
        d = target.dimension
        maxDepth = settings.maxTreeDepth
        var rngs = chainGenerators(chains, rng: &rng)
        let (values, gradients) = target.valuesAndGradients(initial, rows: chains)
        let all = PhaseState(z: initial, p: [Double](repeating: 0, count: initial.count), logDensity: values, gradient: gradients)
        let unit = [Double](repeating: 1, count: chains * target.dimension)
        let start = initialStepSizes(target, at: all, inverseMass: unit, rngs: &rngs)
        let d = target.dimension
        members = (0..<chains).map { c in
            let row = (c * d)..<((c + 1) * d)
            let s = PhaseState(z: Array(all.z[row]), p: [Double](repeating: 0, count: d), logDensity: [values[c]],
                               gradient: Array(gradients[row]))
            return Chain(state: s, inverseMass: [Double](repeating: 1, count: d),
                         adaptation: StepSizeAdaptation(target: settings.targetAcceptance, initial: start.stepSizes[c]),
                         metric: MassMatrixAdaptation(dimension: d), stepSize: start.stepSizes[c], rng: rngs[c])
        }
        members[0].evaluations = chains + start.evaluations
    }

    var positions: [Double] { members.flatMap(\.state.z) }
    var evaluations: Int { members.reduce(0) { $0 + $1.evaluations } }
    var divergences: Int { members.reduce(0) { $0 + $1.divergences } }
    var acceptance: (sum: Double, count: Int) {
        (members.reduce(0) { $0 + $1.acceptanceSum }, members.reduce(0) { $0 + $1.transitions })
    }
    var stepSize: Double? { members.reduce(0) { $0 + $1.stepSize } / Double(members.count) }

    func transition(warmupStep: Int?, of warmup: Int) {
        members.withUnsafeMutableBufferPointer { chains in
            let chains = chains
            DispatchQueue.concurrentPerform(iterations: chains.count) { c in
                self.advance(&chains[c], warmupStep: warmupStep, of: warmup)
            }
        }
    }

    func endWarmup() {
        for c in members.indices {
            members[c].stepSize = members[c].adaptation.adapted
            members[c].acceptanceSum = 0
            members[c].transitions = 0
            members[c].divergences = 0
        }
    }

    private func isTurning(_ rho: [Double], _ minus: PhaseState, _ plus: PhaseState, _ inverseMass: [Double]) -> Bool {
        let vMinus = minus.velocity(0, inverseMass: inverseMass), vPlus = plus.velocity(0, inverseMass: inverseMass)
        var a = 0.0, b = 0.0
        for j in 0..<d { a += rho[j] * vMinus[j]; b += rho[j] * vPlus[j] }
        return a <= 0 || b <= 0
    }

    private func logAddExp(_ a: Double, _ b: Double) -> Double {
        let m = Swift.max(a, b)
        return m == -.infinity ? m : m + Glibc.log(Glibc.exp(a - m) + Glibc.exp(b - m))
    }

    /// A subtree of 2^depth leapfrog steps from `start` in `direction` (±1).
    private func build(_ chain: inout Chain, from start: PhaseState, direction: Double, depth: Int, energy0: Double) -> Tree {
        if depth == 0 {
            var s = start
            s.leapfrog(target, stepSizes: [direction * chain.stepSize], inverseMass: chain.inverseMass)
            chain.evaluations += 1
            var delta = s.energy(0, inverseMass: chain.inverseMass) - energy0
            if delta.isNaN { delta = .infinity }
            return Tree(minus: s, plus: s, proposal: s, logWeight: -delta, rho: s.p, divergent: delta > 1000,
                        acceptanceSum: Swift.min(1, Glibc.exp(-delta)), steps: 1)
        }
        var first = build(&chain, from: start, direction: direction, depth: depth - 1, energy0: energy0)
        if first.turning || first.divergent { return first }
        let second = build(&chain, from: direction > 0 ? first.plus : first.minus, direction: direction,
                           depth: depth - 1, energy0: energy0)
        first.acceptanceSum += second.acceptanceSum
        first.steps += second.steps
        if second.turning || second.divergent {
            first.turning = second.turning
            first.divergent = second.divergent
            return first
        }
        let total = logAddExp(first.logWeight, second.logWeight)
        if chain.rng.uniform() < Glibc.exp(second.logWeight - total) { first.proposal = second.proposal }
        first.logWeight = total
        for j in 0..<d { first.rho[j] += second.rho[j] }
        if direction > 0 { first.plus = second.plus } else { first.minus = second.minus }
        first.turning = isTurning(first.rho, first.minus, first.plus, chain.inverseMass)
        return first
    }

    private func advance(_ chain: inout Chain, warmupStep: Int?, of warmup: Int) {
        var rngs = [chain.rng]
        chain.state.resampleMomenta(inverseMass: chain.inverseMass, rngs: &rngs)
        chain.rng = rngs[0]
        let energy0 = chain.state.energy(0, inverseMass: chain.inverseMass)
        var tree = Tree(minus: chain.state, plus: chain.state, proposal: chain.state, logWeight: 0, rho: chain.state.p)
        var acceptanceSum = 0.0, steps = 0, divergent = false
        for depth in 0..<maxDepth {
            let direction: Double = chain.rng.uniform() < 0.5 ? -1 : 1
            let next = build(&chain, from: direction > 0 ? tree.plus : tree.minus, direction: direction, depth: depth, energy0: energy0)
            acceptanceSum += next.acceptanceSum
            steps += next.steps
            if next.divergent { divergent = true; break }
            if next.turning { break }
            if chain.rng.uniform() < Glibc.exp(next.logWeight - tree.logWeight) { tree.proposal = next.proposal }
            tree.logWeight = logAddExp(tree.logWeight, next.logWeight)
            for j in 0..<d { tree.rho[j] += next.rho[j] }
            if direction > 0 { tree.plus = next.plus } else { tree.minus = next.minus }
            if isTurning(tree.rho, tree.minus, tree.plus, chain.inverseMass) { break }
        }
        chain.state = tree.proposal
        let meanAcceptance = steps == 0 ? 0 : acceptanceSum / Double(steps)
        if let t = warmupStep {
            chain.adaptation.update(acceptance: meanAcceptance)
            chain.stepSize = chain.adaptation.stepSize
            if MassMatrixAdaptation.collects(step: t, of: warmup) { chain.metric.add(chain.state.z[...]) }
            if MassMatrixAdaptation.isWindowEnd(step: t, of: warmup), let v = chain.metric.inverseMass {
                chain.inverseMass = v
                chain.adaptation.restart(from: chain.stepSize)
            }
        } else {
            chain.acceptanceSum += meanAcceptance
            chain.transitions += 1
            if divergent { chain.divergences += 1 }
        }
    }
}
