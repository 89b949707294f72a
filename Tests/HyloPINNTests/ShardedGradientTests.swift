import Glibc
import Testing
import HyloCore
@testable import HyloPINN

/// The loss gradient accumulated over shards of the collocation points equals the gradient of
/// the whole-batch loss.
@Suite struct ShardedGradientTests {
    /// Plain and causally weighted (8 slabs) equation losses.
    @Test(arguments: [0, 8])
    func shardedGradientEqualsWholeBatchGradient(causalChunks: Int) throws {
        var problem = PDEProblem(coordinates: ["x", "t"], fields: ["u"], domain: Domain(lower: [-1, 0], upper: [1, 1], time: 1))
        problem.constants = ["nu": 0.01 / Double.pi]
        problem.equations = ["u_t + u*u_x - nu*u_xx"]
        problem.conditions = [.init(region: "t=0", residual: "u + sin(pi*x)", weight: 2), .init(region: "boundary", residual: "u")]
        var configuration = PINNNetworkConfiguration(inputs: 0, outputs: 0, lower: [], upper: [])
        configuration.hiddenLayers = 2; configuration.hiddenFeatures = 8
        let pinn = try PINN(problem: problem, configuration: configuration)
        var options = PINNTrainingOptions()
        options.collocationPoints = 5000  // 2¹⁵ / (3 components × 8 units) = 1365 points a shard: 4 shards
        options.boundaryPoints = 50
        options.causalChunks = causalChunks
        options.causalTolerance = 5
        var rng = Philox(seed: 2)
        let terms = LossTerms(pinn, options: options, rng: &rng)
        let weights = [1.5, 2, 0.5]
        let parameters = pinn.parameters
        let (losses, sharded) = terms.lossesAndGradient(weights: weights, parameters: parameters)
        let whole = terms.losses()
        let total = zip(whole, weights).map { $0 * $1 }.reduce(Tensor(0), +)
        let reference = gradients(of: total, wrt: parameters.map(\.value))
        for (a, b) in zip(losses, whole) { #expect(Swift.abs(a - b.scalar) <= 1e-13 * Swift.max(1, Swift.abs(b.scalar))) }
        for (g, r) in zip(sharded, reference) {
            let scale = Swift.max(1, r.abs().max().scalar)
            #expect(maxDifference(g, r) <= 1e-12 * scale)
        }
    }
}

/// Causal weighting on a hand-computed case: r² = 1, 1, 4, 4 in two slabs, ε = 1, so the loss is
/// (1 · 1 + e⁻¹ · 4) / 2, and the plain mean with fewer rows than slabs.
@Suite struct CausalWeightTests {
    @Test func causalLossMatchesHandComputation() {
        let r = Tensor(shape: [4, 1], scalars: [1, -1, 2, -2])
        #expect(Swift.abs(meanSquare(r, causal: (2, 1)).scalar - (1 + 4 * Glibc.exp(-1)) / 2) < 1e-15)
        #expect(Swift.abs(meanSquare(r, causal: (8, 1)).scalar - 2.5) < 1e-15)
    }
}
