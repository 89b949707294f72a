import Glibc
import HyloCore
import HyloPINN
import HyloTasks

/// Viscous Burgers (ν = 0.01/π) on [−1, 1] × [0, 1] with u(0, x) = −sin πx and u(t, ±1) = 0: as soft
/// conditions, or built into the network by `u = −sin πx + t (1 − x²) N` (`hard`).
func burgersProblem(hard: Bool) -> PDEProblem {
    var problem = PDEProblem(coordinates: ["x", "t"], fields: ["u"], domain: Domain(lower: [-1, 0], upper: [1, 1], time: 1))
    problem.constants = ["nu": 0.01 / Double.pi]
    problem.equations = ["u_t + u*u_x - nu*u_xx"]
    if hard {
        problem.outputTransforms = ["u": "-sin(pi*x) + t*(1 - x^2)*N"]
    } else {
        problem.conditions = [.init(region: "t=0", residual: "u + sin(pi*x)"), .init(region: "boundary", residual: "u")]
    }
    return problem
}

/// The Hylo side of `benchmarks/run pinn`: milliseconds per Adam iteration on Burgers with a
/// 2→[50]×4→1 tanh MLP, 10,000 collocation points and 100 points per condition.
func runPINNBenchmark(iterations: Int) {
    var network = PINNNetworkConfiguration(inputs: 2, outputs: 1, lower: [], upper: [])
    network.hiddenLayers = 4; network.hiddenFeatures = 50
    guard let pinn = try? PINN(problem: burgersProblem(hard: false), configuration: network) else { return }
    var options = PINNTrainingOptions()
    options.adamIterations = iterations + 5; options.collocationPoints = 10_000; options.boundaryPoints = 100
    var started = 0.0
    _ = try? pinn.train(options) { _, done, _, _, _ in
        if done == 5 { started = now() }
        return true
    }
    let ms = (now() - started) / Double(iterations) * 1000
    print("hylo iter_ms=\((ms * 1000).rounded() / 1000) threads=\(getenv("HYLO_NUM_THREADS").map { String(cString: $0) } ?? "default")")
}

/// Trains a Burgers PINN and reports its relative L2 error on the 256 × 100 reference grid.
func runBurgersAccuracy(options o: [String: String]) {
    var network = PINNNetworkConfiguration(inputs: 2, outputs: 1, lower: [], upper: [])
    network.hiddenLayers = Int(o["--layers"] ?? "") ?? 8
    network.hiddenFeatures = Int(o["--width"] ?? "") ?? 20
    var options = PINNTrainingOptions()
    options.adamIterations = Int(o["--adam"] ?? "") ?? 2000
    options.lbfgsIterations = Int(o["--lbfgs"] ?? "") ?? 10_000
    options.collocationPoints = Int(o["--points"] ?? "") ?? 10_000
    options.boundaryPoints = 100
    if o["--refine"] == "rar_d" { options.refinement = .residualDistribution(k: 1, c: 1) }
    let hard = o["--hard"] == "true"
    guard let pinn = try? PINN(problem: burgersProblem(hard: hard), configuration: network) else { return }
    let reference = BurgersReference().grid()
    let run = trainReportingError(pinn, options, points: Tensor(rows: reference.t.flatMap { t in reference.x.map { [$0, t] } }),
                                  exact: reference.values.flatMap { $0 })
    print("RESULT burgers rel_l2=\(run.error) hard=\(hard) layers=\(network.hiddenLayers) width=\(network.hiddenFeatures) points=\(options.collocationPoints) adam=\(options.adamIterations) lbfgs=\(run.result?.lbfgsIterations ?? 0) stop=\(run.result?.lbfgsReason ?? "none") seconds=\(run.seconds)")
}

/// Trains `pinn`, printing the loss and the relative L2 error against `exact` (the first field at
/// `points`) every 1000 iterations; returns the result, the final error and the seconds taken.
func trainReportingError(_ pinn: PINN, _ options: PINNTrainingOptions, points: Tensor, exact: [Double])
    -> (result: PINNTrainingResult?, error: Double, seconds: Int) {
    func error() -> Double {
        let u = withoutGradients { pinn(points) }.scalars.array
        let num = zip(u, exact).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (num / exact.reduce(0) { $0 + $1 * $1 }).squareRoot()
    }
    let start = now()
    let result = try? pinn.train(options) { stage, done, _, loss, _ in
        if done % 1000 == 0 { print("\(stage) \(done) loss \(loss) error \(error()) seconds \(Int(now() - start))") }
        return true
    }
    return (result, error(), Int(now() - start))
}

/// The inverse diffusion–reaction problem of DeepXDE's `reaction_inverse` example: D and k_f
/// (true 2e-3 and 0.1) from observations of both species on a 21 × 21 grid of x ∈ [0, 1],
/// t ∈ [0, 10], made by Hylo's method-of-lines reference solver; starting at D = 1, k_f = 0.05.
func runReactionInverse(options o: [String: String]) {
    let times = (0...20).map { Double($0) * 0.5 }
    let reference = ReactionDiffusionReference().solve(times: times)
    var rows: [[Double]] = [], a: [Double] = [], b: [Double] = []
    for (k, t) in times.enumerated() {
        for i in stride(from: 0, through: reference.x.count - 1, by: 20) {
            rows.append([reference.x[i], t]); a.append(reference.a[k][i]); b.append(reference.b[k][i])
        }
    }
    var problem = PDEProblem(coordinates: ["x", "t"], fields: ["ca", "cb"], domain: Domain(lower: [0, 0], upper: [1, 10], time: 1))
    problem.coefficients = [.init(name: "D", initial: 1), .init(name: "kf", initial: 0.05)]
    problem.equations = ["ca_t - D*ca_xx + kf*ca*cb^2", "cb_t - D*cb_xx + 2*kf*ca*cb^2"]
    problem.conditions = ["ca", "cb"].flatMap { c in
        [PDEProblem.Condition(region: "t=0", residual: "\(c) - exp(-20*x)"), .init(region: "x=0", residual: "\(c) - 1"),
         .init(region: "x=1", residual: c)]
    }
    let points = Tensor(rows: rows)
    problem.observations = [.init(field: "ca", points: points, values: Tensor(a)), .init(field: "cb", points: points, values: Tensor(b))]
    var network = PINNNetworkConfiguration(inputs: 2, outputs: 2, lower: [], upper: [])
    network.hiddenLayers = 3; network.hiddenFeatures = 20
    var options = PINNTrainingOptions()
    options.adamIterations = Int(o["--adam"] ?? "") ?? 5000
    options.lbfgsIterations = Int(o["--lbfgs"] ?? "") ?? 10_000
    options.collocationPoints = 2000; options.boundaryPoints = 100
    guard let pinn = try? PINN(problem: problem, configuration: network) else { return }
    let start = now()
    let result = try? pinn.train(options) { stage, done, _, loss, _ in
        if done % 1000 == 0 { print("\(stage) \(done) loss \(loss) D \(pinn.coefficientValues[0]) kf \(pinn.coefficientValues[1])") }
        return true
    }
    let (d, kf) = (pinn.coefficientValues[0], pinn.coefficientValues[1])
    let (dError, kfError) = (Swift.abs(d / 2e-3 - 1), Swift.abs(kf / 0.1 - 1))
    print("RESULT pinn_inverse D=\(d) kf=\(kf) D_error=\(dError) kf_error=\(kfError) within_2_percent=\(max(dError, kfError) <= 0.02 ? "yes" : "no") adam=\(options.adamIterations) lbfgs=\(result?.lbfgsIterations ?? 0) seconds=\(Int(now() - start))")
}

/// Allen–Cahn (u_t = 1e-4 u_xx + 5u − 5u³, u0 = x² cos πx, periodic on [−1, 1], t ∈ [0, 1]) with the
/// published recipe's ingredients that fit a CPU: hard periodicity in x, the initial condition
/// built in (u = u0 + t N), a modified MLP with Fourier features and weight factorization, causal
/// weighting and gradient-norm loss balancing. Relative L2 error against the ETDRK4 reference
/// (512 points, dt = 1e-5) at t = 0, 0.01, …, 1.
func runAllenCahn(options o: [String: String]) {
    var problem = PDEProblem(coordinates: ["x", "t"], fields: ["u"], domain: Domain(lower: [-1, 0], upper: [1, 1], time: 1))
    problem.equations = ["u_t - 0.0001*u_xx - 5*u + 5*u^3"]
    problem.periodic = [.init(coordinate: "x", hard: true)]
    problem.outputTransforms = ["u": "x^2*cos(pi*x) + t*N"]
    var network = PINNNetworkConfiguration(inputs: 2, outputs: 1, lower: [], upper: [])
    network.hiddenLayers = Int(o["--layers"] ?? "") ?? 4
    network.hiddenFeatures = Int(o["--width"] ?? "") ?? 64
    network.architecture = .modifiedMLP
    network.fourierFeatures = network.hiddenFeatures / 2
    network.fourierScale = 1
    network.weightFactorization = .init()
    var options = PINNTrainingOptions()
    options.adamIterations = Int(o["--adam"] ?? "") ?? 5000
    options.lbfgsIterations = Int(o["--lbfgs"] ?? "") ?? 0
    options.collocationPoints = Int(o["--points"] ?? "") ?? 4096
    options.causalChunks = 32
    options.weighting = .gradientNorm
    options.decaySteps = 2000
    guard let pinn = try? PINN(problem: problem, configuration: network) else { return }
    let solver = AllenCahnReference()
    let times = (0...100).map { Double($0) / 100 }
    let reference = solver.solve(times: times)
    let run = trainReportingError(pinn, options, points: Tensor(rows: times.flatMap { t in solver.x.map { [$0, t] } }),
                                  exact: reference.flatMap { $0 })
    print("RESULT allen_cahn rel_l2=\(run.error) layers=\(network.hiddenLayers) width=\(network.hiddenFeatures) points=\(options.collocationPoints) adam=\(options.adamIterations) lbfgs=\(run.result?.lbfgsIterations ?? 0) seconds=\(run.seconds)")
}
