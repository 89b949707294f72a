import Glibc
import HyloCore

/// Hamiltonian Monte Carlo with a fixed number of leapfrog steps, all chains integrating in
/// lock-step so that each leapfrog step is one batched gradient evaluation. Each chain adapts its
/// own step size (dual averaging) and diagonal mass matrix during warm-up.
final class HamiltonianKernel: MarkovKernel {
    let target: LogDensity
    let chains: Int, d: Int
    private var state: PhaseState
    private var inverseMass: [Double]
    private var adaptation: [StepSizeAdaptation]
    private var metrics: [MassMatrixAdaptation]
    private var stepSizes: [Double]
    private var rngs: [Philox]
    private let leapfrogSteps: Int
    private(set) var evaluations = 0
    private(set) var divergences = 0
    var acceptance: (sum: Double, count: Int) = (0, 0)

    var positions: [Double] { state.z }
    var stepSize: Double? { stepSizes.reduce(0, +) / Double(chains) }

    init(target: LogDensity, initial: [Double], chains: Int, settings: MCMCSettings, rng: inout Philox) {
        self.target = target
        self.chains = chains
        d = target.dimension
        leapfrogSteps = settings.leapfrogSteps
        rngs = chainGenerators(chains, rng: &rng)
        inverseMass = [Double](repeating: 1, count: chains * target.dimension)
        let (values, gradients) = target.valuesAndGradients(initial, rows: chains)
        state = PhaseState(z: initial, p: [Double](repeating: 0, count: initial.count), logDensity: values, gradient: gradients)
        let initial = initialStepSizes(target, at: state, inverseMass: inverseMass, rngs: &rngs)
        stepSizes = initial.stepSizes
        evaluations = chains + initial.evaluations
        adaptation = stepSizes.map { StepSizeAdaptation(target: settings.targetAcceptance, initial: $0) }
        metrics = (0..<chains).map { _ in MassMatrixAdaptation(dimension: target.dimension) }
    }

    func transition(warmupStep: Int?, of warmup: Int) {
        state.resampleMomenta(inverseMass: inverseMass, rngs: &rngs)
        let h0 = (0..<chains).map { state.energy($0, inverseMass: inverseMass) }
        // After warm-up each trajectory's step size is jittered by ±10 % (independently of the
        // state, so detailed balance holds): a fixed step size and step count can make a near-periodic
        // trajectory that keeps returning close to its start in some direction.
        let steps = warmupStep != nil ? stepSizes : (0..<chains).map { stepSizes[$0] * (0.9 + 0.2 * rngs[$0].uniform()) }
        var proposal = state
        for _ in 0..<leapfrogSteps { proposal.leapfrog(target, stepSizes: steps, inverseMass: inverseMass) }
        evaluations += chains * leapfrogSteps
        for c in 0..<chains {
            let delta = proposal.energy(c, inverseMass: inverseMass) - h0[c]
            let probability = delta.isNaN ? 0 : Swift.min(1, Glibc.exp(-delta))
            if warmupStep == nil {
                acceptance.sum += probability
                acceptance.count += 1
                if !(delta < 1000) { divergences += 1 }
            }
            if rngs[c].uniform() < probability {
                let row = (c * d)..<((c + 1) * d)
                state.z.replaceSubrange(row, with: proposal.z[row])
                state.gradient.replaceSubrange(row, with: proposal.gradient[row])
                state.logDensity[c] = proposal.logDensity[c]
            }
            if let t = warmupStep {
                adaptation[c].update(acceptance: probability)
                stepSizes[c] = adaptation[c].stepSize
                if MassMatrixAdaptation.collects(step: t, of: warmup) { metrics[c].add(state.z[(c * d)..<((c + 1) * d)]) }
                if MassMatrixAdaptation.isWindowEnd(step: t, of: warmup), let v = metrics[c].inverseMass {
                    inverseMass.replaceSubrange((c * d)..<((c + 1) * d), with: v)
                    adaptation[c].restart(from: stepSizes[c])
                }
            }
        }
    }

    func endWarmup() {
        for c in 0..<chains { stepSizes[c] = adaptation[c].adapted }
        acceptance = (0, 0)
        divergences = 0
    }
}
