import Glibc
import HyloCore
import HyloNN
import HyloODE

/// The damped pendulum of APHYNITY (Yin et al. 2021), θ'' + ω0² sin θ + α θ' = 0 with T0 = 6
/// (ω0 = 2π/6) and α = 0.2, and its experiment: a frictionless physics prior θ'' = −ω0² sin θ plus a
/// 2→16→16→2 network trained with the APHYNITY objective on trajectories observed every 0.5 from
/// initial states of random direction and radius U[1.3, 2.3]; ω0 must keep its physical value and
/// the hybrid must forecast new trajectories far better than the best frictionless fit.
public enum DampedPendulum {
    public static let omega0Squared = pow(2 * Double.pi / 6, 2)
    public static let damping = 0.2

    public static let truth = ClosureSystem(dimension: 2) { _, u, _, du in
        du[0] = u[1]
        du[1] = -omega0Squared * sin(u[0]) - damping * u[1]
        return true
    }

    /// `θ'' = −p sin θ` with p = ω0², with its exact VJP.
    public static let frictionless = ClosureSystem(
        dimension: 2, parameterCount: 1,
        vjp: { _, u, p, v, uBar, pBar in
            uBar[1] += v[0]; uBar[0] -= v[1] * p[0] * cos(u[0])
            pBar[0] -= v[1] * sin(u[0])
            return true
        }) { _, u, p, du in
            du[0] = u[1]
            du[1] = -p[0] * sin(u[0])
            return true
        }

    /// `count` trajectories observed every 0.5 for `steps` steps (Verner 8 at 1e-10).
    public static func trajectories(_ count: Int, steps: Int, seed: UInt64) throws -> [TrajectoryData] {
        var rng = Philox(seed: seed)
        let times = (1...steps).map { 0.5 * Double($0) }
        var exact = SolverOptions(method: .explicit(.verner8))
        exact.relativeTolerance = 1e-10
        return try (0..<count).map { _ in
            let angle = 2 * Double.pi * rng.uniform(), radius = 1.3 + rng.uniform()
            let y0 = [radius * cos(angle), radius * sin(angle)]
            return TrajectoryData(t0: 0, y0: y0, times: times,
                                  observations: try solve(truth, y0: y0, t0: 0, times: times, options: exact).states)
        }
    }

    public struct Outcome: Sendable {
        /// |ω0 − ω0*| / ω0* of the hybrid model (half the relative error of ω0²).
        public var omega0Error: Double
        /// Forecast MSE on the test trajectories: the hybrid model and the best frictionless fit.
        public var hybridMSE: Double, physicsMSE: Double
        public var dataLoss: Double
    }

    /// Trains on `train` trajectories and forecasts `test` new ones, each of `steps` steps.
    public static func experiment(train: Int, test: Int, steps: Int, adamIterations: Int = 300, lbfgsIterations: Int = 100) throws -> Outcome {
        let training = try trajectories(train, steps: steps, seed: 1), testing = try trajectories(test, steps: steps, seed: 2)
        let system = try HybridSystem(physics: frictionless, network: DenseNetwork(widths: [2, 16, 16, 2]))
        var options = HybridTraining()
        options.aphynity = true
        options.aphynityInitialMultiplier = 1
        options.aphynityStep = 1000
        options.adamIterations = adamIterations
        options.learningRate = 1e-2
        options.lbfgsIterations = lbfgsIterations
        let result = try trainHybrid(system, data: training, initialParameters: [0.5] + system.network.initialParameters(seed: 4),
                                     options: options)
        var physicsOnly = HybridTraining()
        physicsOnly.trainNetwork = false
        physicsOnly.adamIterations = 0
        physicsOnly.lbfgsIterations = 50
        let zeroNetwork = try HybridSystem(physics: frictionless, network: DenseNetwork(widths: [2, 1, 2]))
        let physicsFit = try trainHybrid(zeroNetwork, data: training, initialParameters: [0.5] + Array(repeating: 0, count: 7),
                                         options: physicsOnly)
        func mse(_ system: ODESystem, _ p: [Double]) throws -> Double {
            var total = 0.0, count = 0.0
            for t in testing {
                let s = try solve(system, y0: t.y0, t0: 0, times: t.times, parameters: p).states
                for (a, b) in zip(s, t.observations) { total += pow(a[0] - b[0], 2) + pow(a[1] - b[1], 2); count += 2 }
            }
            return total / count
        }
        return Outcome(omega0Error: abs(result.parameters[0] / omega0Squared - 1) / 2, hybridMSE: try mse(system, result.parameters),
                       physicsMSE: try mse(frictionless, [physicsFit.parameters[0]]), dataLoss: result.dataLoss)
    }
}
