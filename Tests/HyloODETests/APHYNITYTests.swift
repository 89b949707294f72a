import Glibc
import Testing
import HyloCore
@testable import HyloODE

/// APHYNITY (Yin et al. 2021) on the damped pendulum θ'' + ω0² sin θ + α θ' = 0 (T0 = 6, α = 0.2)
/// with a frictionless physics prior: the network must take the friction, and ω0² stay physical.
@Suite struct APHYNITYTests {
    static let omega0Squared = pow(2 * Double.pi / 6, 2)

    static let truth = ClosureSystem(dimension: 2) { _, u, _, du in
        du[0] = u[1]
        du[1] = -omega0Squared * sin(u[0]) - 0.2 * u[1]
        return true
    }
    static let frictionless = ClosureSystem(
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

    /// Trajectories from initial states of random direction and radius U[1.3, 2.3], observed every
    /// 0.5 for `steps` steps.
    static func trajectories(_ count: Int, steps: Int, seed: UInt64) throws -> [TrajectoryData] {
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

    @Test func aphynityRecoversTheFrequencyAndForecasts() throws {
        let train = try Self.trajectories(10, steps: 20, seed: 1), test = try Self.trajectories(10, steps: 20, seed: 2)
        let system = try HybridSystem(physics: Self.frictionless, network: DenseNetwork(widths: [2, 16, 16, 2]))
        var options = HybridTraining()
        options.aphynity = true
        options.aphynityInitialMultiplier = 1
        options.aphynityStep = 1000
        options.adamIterations = 300
        options.learningRate = 1e-2
        options.lbfgsIterations = 100
        let result = try trainHybrid(system, data: train, initialParameters: [0.5] + system.network.initialParameters(seed: 4),
                                     options: options)
        let error = abs(result.parameters[0] - Self.omega0Squared) / Self.omega0Squared
        // ω0 = √(ω0²): its relative error is half that of ω0²
        #expect(error / 2 < 0.04, "ω0² = \(result.parameters[0]) vs \(Self.omega0Squared); data loss \(result.dataLoss)")

        // forecasting on new trajectories: the hybrid model against the best frictionless fit
        func mse(_ system: ODESystem, _ p: [Double]) throws -> Double {
            var total = 0.0, count = 0.0
            for t in test {
                let s = try solve(system, y0: t.y0, t0: 0, times: t.times, parameters: p).states
                for (a, b) in zip(s, t.observations) { total += pow(a[0] - b[0], 2) + pow(a[1] - b[1], 2); count += 2 }
            }
            return total / count
        }
        var physicsOnly = HybridTraining()
        physicsOnly.adamIterations = 0
        physicsOnly.lbfgsIterations = 50
        let zeroNetwork = try HybridSystem(physics: Self.frictionless, network: DenseNetwork(widths: [2, 1, 2]))
        let physicsFit = try trainHybrid(zeroNetwork, data: train, initialParameters: [0.5] + Array(repeating: 0, count: 7),
                                         options: { var o = physicsOnly; o.weightDecay = 1e6; return o }())
        let hybridError = try mse(system, result.parameters), physicsError = try mse(Self.frictionless, [physicsFit.parameters[0]])
        #expect(hybridError < physicsError / 10, "forecast MSE \(hybridError) vs physics alone \(physicsError)")
    }
}
