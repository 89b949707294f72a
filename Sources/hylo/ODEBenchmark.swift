import Glibc
import HyloODE
import HyloTasks

/// Lotka–Volterra x' = 1.3x − 0.9xy, y' = 0.8xy − 1.8y (the UDE paper's system).
let lotkaVolterra = ClosureSystem(dimension: 2) { _, u, _, du in
    du[0] = 1.3 * u[0] - 0.9 * u[0] * u[1]
    du[1] = 0.8 * u[0] * u[1] - 1.8 * u[1]
    return true
}

/// Its known part, x' = 1.3x, y' = −1.8y, with the exact VJP.
let lotkaVolterraKnownPart = ClosureSystem(dimension: 2, vjp: { _, _, _, v, uBar, _ in
    uBar[0] += 1.3 * v[0]; uBar[1] -= 1.8 * v[1]
    return true
}) { _, u, _, du in
    du[0] = 1.3 * u[0]; du[1] = -1.8 * u[1]
    return true
}

/// The Hylo side of `benchmarks/run ode`: the gradient of the Lotka–Volterra UDE loss (known
/// physics 1.3x, −1.8y plus a 2→32→32→2 tanh network; MSE against the true solution at
/// t = 0, 0.1, …, 3), Dopri5 at rtol 1e-6, atol 1e-8, float64, by backpropagation through the
/// solver and by the continuous adjoint. Prints medians over `repeats` gradients.
func runODEBenchmark(repeats: Int) {
    do {
        let (truth, physics) = (lotkaVolterra, lotkaVolterraKnownPart)
        let y0 = [0.44249296, 4.6280594], times = (0...30).map { Double($0) / 10 }
        var exact = SolverOptions(method: .explicit(.verner8))
        exact.relativeTolerance = 1e-12
        let data = try solve(truth, y0: y0, t0: 0, times: times, options: exact).states
        let system = try HybridSystem(physics: physics, network: DenseNetwork(widths: [2, 32, 32, 2]))
        // the same weights as bench_torch.py: W row-major then b, layer by layer
        let p = (0..<system.network.parameterCount).map { 0.3 * sin(0.7 * Double($0) + 1) }
        var options = SolverOptions(method: .explicit(.dormandPrince5))
        options.relativeTolerance = 1e-6
        options.absoluteTolerance = 1e-8
        let n = Double(data.count * 2)
        for method in [GradientMethod.discreteAdjoint, .continuousAdjoint] {
            var result: ODEGradient?
            let seconds = medianTime(repeats: repeats) {
                result = try? gradient(system, y0: y0, t0: 0, times: times, parameters: p, options: options, method: method) { s in
                    zip(s.states, data).map { y, d in [2 * (y[0] - d[0]) / n, 2 * (y[1] - d[1]) / n] }
                }
            }
            guard let result else { print("error: the gradient failed"); return }
            let loss = zip(result.solution.states, data).reduce(0.0) { $0 + ($1.0[0] - $1.1[0]) * ($1.0[0] - $1.1[0]) + ($1.0[1] - $1.1[1]) * ($1.0[1] - $1.1[1]) } / n
            let norm = result.parameters.reduce(0) { $0 + $1 * $1 }.squareRoot()
            print("hylo method=\(method.rawValue) grad_ms=\(seconds * 1e3) loss=\(loss) grad_norm=\(norm) forward_steps=\(result.solution.statistics.acceptedSteps)")
        }
    } catch {
        print("error: \(error)")
    }
}

/// APHYNITY's damped pendulum in the paper's setting (25 training and 25 test trajectories of 40
/// steps of 0.5): ω0's relative error (the paper reports ≤ 4 %) and the forecast MSE of the hybrid
/// model against the best frictionless fit.
func runAPHYNITYBenchmark(options o: [String: String]) {
    let start = now()
    do {
        let outcome = try DampedPendulum.experiment(train: Int(o["--train"] ?? "") ?? 25, test: Int(o["--test"] ?? "") ?? 25,
                                                    steps: Int(o["--steps"] ?? "") ?? 40)
        let met = outcome.omega0Error <= 0.04 && outcome.hybridMSE < outcome.physicsMSE / 10
        print("RESULT aphynity omega0_error=\(outcome.omega0Error) hybrid_mse=\(outcome.hybridMSE) physics_mse=\(outcome.physicsMSE) data_loss=\(outcome.dataLoss) met=\(met ? "yes" : "no") seconds=\(Int(now() - start))")
    } catch {
        print("error: \(error)")
    }
}
