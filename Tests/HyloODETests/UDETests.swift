import Glibc
import Testing
import HyloCore
import HyloNN
@testable import HyloODE

/// The universal-differential-equation experiment of Rackauckas et al. (2020) on Lotka–Volterra:
/// the interaction terms are unknown, a network learns them from 31 noisy points on [0, 3], sparse
/// regression on the trained network recovers them, and the recovered equations extrapolate.
///
/// The noise here is 1 %, where the regression's coefficients are already within 10 %. At the
/// paper's 5 % the network absorbs some noise and biases them; `discoverEquations` then refits each
/// candidate structure to the data (the C example `ude_lotka_volterra` and `benchmarks/RESULTS.md`).
@Suite struct UDETests {
    static let truth = ClosureSystem(dimension: 2) { _, u, _, du in
        du[0] = 1.3 * u[0] - 0.9 * u[0] * u[1]
        du[1] = 0.8 * u[0] * u[1] - 1.8 * u[1]
        return true
    }
    /// The known part: growth of the prey and death of the predator (α, γ as parameters).
    static let physics = ClosureSystem(
        dimension: 2, parameterCount: 2,
        vjp: { _, u, p, v, uBar, pBar in
            uBar[0] += p[0] * v[0]; uBar[1] -= p[1] * v[1]
            pBar[0] += v[0] * u[0]; pBar[1] -= v[1] * u[1]
            return true
        }) { _, u, p, du in
            du[0] = p[0] * u[0]
            du[1] = -p[1] * u[1]
            return true
        }

    @Test func networkLearnsTheInteractionAndSparseRegressionRecoversIt() throws {
        let y0 = [0.44249296, 4.6280594]
        let times = (1...30).map { Double($0) / 10 }
        var exact = SolverOptions(method: .explicit(.verner8))
        exact.relativeTolerance = 1e-12
        exact.absoluteTolerance = 1e-12
        let clean = try solve(Self.truth, y0: y0, t0: 0, times: times, options: exact).states
        let means = (0..<2).map { i in clean.reduce(0) { $0 + $1[i] } / Double(clean.count) }
        var rng = Philox(seed: 11)
        let noisy = clean.map { row in (0..<2).map { row[$0] + 0.01 * means[$0] * rng.normal() } }

        let system = try HybridSystem(physics: Self.physics, network: DenseNetwork(widths: [2, 16, 16, 2]))
        var training = HybridTraining()
        training.trainPhysics = false
        training.adamIterations = 500
        training.lbfgsIterations = 1000
        training.weightDecay = 1e-6
        let start = [1.3, 1.8] + system.network.initialParameters(seed: 7)
        let result = try trainHybrid(system, data: [TrajectoryData(t0: 0, y0: y0, times: times, observations: noisy)],
                                     initialParameters: start, options: training)
        #expect(result.dataLoss < 1e-4, "data loss \(result.dataLoss)")

        // sparse regression on the network term along the fitted trajectory
        let dense = Array(stride(from: 0.0, through: 3.0, by: 0.02))
        let fitted = try solve(system, y0: y0, t0: 0, times: dense, parameters: result.parameters).states
        let targets = try fitted.map { try system.networkTerm(0, $0, result.parameters) }
        let library = CandidateLibrary.polynomials(variables: ["x", "y"], degree: 2)
        let xi = try sparseRegression(samples: fitted, targets: targets, library: library, threshold: 0.1)
        let xy = try #require(library.names.firstIndex(of: "x*y"))
        #expect(abs(xi[0][xy] + 0.9) < 0.09, "x' interaction \(xi[0][xy])")
        #expect(abs(xi[1][xy] - 0.8) < 0.08, "y' interaction \(xi[1][xy])")
        for k in library.names.indices where k != xy {
            #expect(xi[0][k] == 0 && xi[1][k] == 0, "spurious \(library.names[k]): \(xi[0][k]), \(xi[1][k])")
        }

        // the recovered equations extrapolate to t = 10; the physics alone does not
        let recovered = ClosureSystem(dimension: 2) { _, u, _, du in
            let terms = library.row(u)
            du[0] = 1.3 * u[0] + zip(xi[0], terms).reduce(0) { $0 + $1.0 * $1.1 }
            du[1] = -1.8 * u[1] + zip(xi[1], terms).reduce(0) { $0 + $1.0 * $1.1 }
            return true
        }
        let future = Array(stride(from: 3.5, through: 10, by: 0.5))
        let reference = try solve(Self.truth, y0: y0, t0: 0, times: future, options: exact).states
        func rmse(_ system: ODESystem, _ p: [Double] = []) throws -> Double {
            let s = try solve(system, y0: y0, t0: 0, times: future, parameters: p).states
            return (zip(s, reference).reduce(0) { $0 + pow($1.0[0] - $1.1[0], 2) + pow($1.0[1] - $1.1[1], 2) } / Double(2 * s.count)).squareRoot()
        }
        let recoveredError = try rmse(recovered), physicsError = try rmse(Self.physics, [1.3, 1.8])
        #expect(recoveredError < 0.3 && recoveredError < physicsError / 100, "RMSE \(recoveredError) vs \(physicsError)")
    }
}
