import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloODE

/// Solver in the loop: a learned correction of a user's coarse time stepper.
@Suite struct CorrectionTests {
    /// Lotka–Volterra `x' = 1.3x − 0.9xy, y' = 0.8xy − 1.8y`.
    static func lotkaVolterra(_ u: [Double]) -> [Double] {
        [1.3 * u[0] - 0.9 * u[0] * u[1], 0.8 * u[0] * u[1] - 1.8 * u[1]]
    }

    /// Forward Euler on Lotka–Volterra, with its exact VJP `v + Δt · vᵀ ∂f/∂u`.
    static let euler = ClosureStepper(dimension: 2, vjp: { _, dt, u, v, uBar in
        uBar[0] += v[0] + dt * ((1.3 - 0.9 * u[1]) * v[0] + 0.8 * u[1] * v[1])
        uBar[1] += v[1] + dt * (-0.9 * u[0] * v[0] + (0.8 * u[0] - 1.8) * v[1])
    }) { _, dt, u, next in
        let f = lotkaVolterra(u)
        next = [u[0] + dt * f[0], u[1] + dt * f[1]]
    }

    /// The same stepper without its VJP (central differences).
    static let eulerWithoutVJP = ClosureStepper(dimension: 2) { t, dt, u, next in try euler.step(t, dt, u, into: &next) }

    /// Exact states every `dt` (Tsit5 at 1e-11).
    static func reference(_ u0: [Double], dt: Double, steps: Int) throws -> [[Double]] {
        let system = ClosureSystem(dimension: 2) { _, y, _, dy in dy = lotkaVolterra(y); return true }
        var options = SolverOptions()
        options.relativeTolerance = 1e-11
        options.absoluteTolerance = 1e-12
        return [u0] + (try solve(system, y0: u0, t0: 0, times: (1...steps).map { Double($0) * dt }, parameters: [], options: options).states)
    }

    /// The unrolled loss's gradient (through three corrected steps with their normalizations and
    /// the stepper's VJP, exact or by differences) against central differences of the loss.
    @Test(arguments: [false, true])
    func unrolledGradientMatchesFiniteDifferences(differencedStepper: Bool) throws {
        let model = try CorrectedStepper(stepper: differencedStepper ? Self.eulerWithoutVJP : Self.euler,
                                         network: DenseNetwork(widths: [2, 6, 2], activation: .tanh))
        let w = model.network.initialParameters(seed: 2, outputScale: 1)
        let trajectories = [try Self.reference([1.0, 0.8], dt: 0.1, steps: 5), try Self.reference([2.0, 1.5], dt: 0.1, steps: 4)]
        try model.fitNormalization(trajectories, t0: 0, dt: 0.1)
        let objective = CorrectionObjective(model: model, trajectories: trajectories, t0: 0, dt: 0.1, unroll: 3)
        let windows = [(trajectory: 0, start: 0), (trajectory: 0, start: 2), (trajectory: 1, start: 1)]
        let (_, gradient) = try objective.lossAndGradient(windows, weights: w)
        for k in w.indices {
            var a = w, b = w
            a[k] += 1e-6; b[k] -= 1e-6
            let fd = (try objective.loss(windows, weights: a) - objective.loss(windows, weights: b)) / 2e-6
            #expect(abs(fd - gradient[k]) < (differencedStepper ? 1e-6 : 1e-8) * max(1, abs(fd)), "weight \(k): \(gradient[k]) vs \(fd)")
        }
    }

    /// Euler at Δt = 0.1 spirals off Lotka–Volterra's closed orbits; a correction trained through
    /// four unrolled steps keeps a 100-step rollout from an unseen start on the orbit.
    @Test func correctionKeepsACoarseEulerStepperOnTheOrbit() throws {
        let dt = 0.1
        let starts = [[1.0, 0.8], [2.0, 1.5], [3.0, 1.0], [1.5, 2.5], [2.5, 0.6], [1.2, 1.6]]
        let trajectories = try starts.map { try Self.reference($0, dt: dt, steps: 60) }
        let model = try CorrectedStepper(stepper: Self.euler, network: DenseNetwork(widths: [2, 32, 32, 2]))
        var options = CorrectionTraining()
        options.iterations = 1500
        options.learningRate = 3e-3
        let result = try trainCorrection(model, trajectories: trajectories, t0: 0, dt: dt,
                                         initialWeights: model.network.initialParameters(seed: 1, outputScale: 0.01), options: options)
        #expect(result.loss < result.uncorrectedLoss / 50, "loss \(result.loss) vs uncorrected \(result.uncorrectedLoss)")
        let u0 = [1.8, 1.2]
        let truth = try Self.reference(u0, dt: dt, steps: 100).dropFirst()
        func error(_ states: [[Double]]) -> Double { zip(states, truth).map { max(abs($0[0] - $1[0]), abs($0[1] - $1[1])) }.max()! }
        let corrected = error(try model.rollout(from: u0, t0: 0, dt: dt, steps: 100, weights: result.weights))
        let plain = error(try model.rollout(from: u0, t0: 0, dt: dt, steps: 100, weights: nil))
        #expect(corrected < plain / 10, "rollout error \(corrected) corrected vs \(plain) Euler alone")
    }
}
