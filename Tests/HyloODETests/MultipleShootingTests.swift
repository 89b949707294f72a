import Glibc
import Testing
import HyloCore
@testable import HyloODE

/// Multiple shooting on the textbook case where single shooting fails: the frequency of an
/// oscillator observed over many periods. The single-shooting loss, as a function of ω, has a local
/// minimum every ~2π/T; segments shorter than a period make it nearly convex.
@Suite struct MultipleShootingTests {
    /// y₀' = y₁, y₁' = −ω² y₀ (ω the physical parameter); the model's network has zero output
    /// weights and is not trained, so that only ω is fitted.
    static let oscillator = ClosureSystem(
        dimension: 2, parameterCount: 1,
        vjp: { _, y, p, v, yBar, pBar in
            yBar[0] -= p[0] * p[0] * v[1]; yBar[1] += v[0]
            pBar[0] -= 2 * p[0] * y[0] * v[1]
            return true
        }) { _, y, p, dy in
            dy[0] = y[1]
            dy[1] = -p[0] * p[0] * y[0]
            return true
        }

    @Test func multipleShootingFindsTheFrequencyWhereSingleShootingIsTrapped() throws {
        let y0 = [1.0, 0.0], times = (1...80).map { 0.25 * Double($0) }  // 20 time units: 6.4 periods at ω = 2
        let data = [TrajectoryData(t0: 0, y0: y0, times: times, observations: times.map { [cos(2 * $0), -2 * sin(2 * $0)] })]
        let system = try HybridSystem(physics: Self.oscillator, network: DenseNetwork(widths: [2, 2, 2]))
        let start = [1.3] + system.network.initialParameters(seed: 1, outputScale: 0)
        var options = HybridTraining()
        options.trainNetwork = false
        options.adamIterations = 300
        options.learningRate = 0.02
        options.lbfgsIterations = 200

        let single = try trainHybrid(system, data: data, initialParameters: start, options: options)
        options.shootingSegments = 20
        let multiple = try trainHybrid(system, data: data, initialParameters: start, options: options)

        #expect(abs(multiple.parameters[0] - 2) < 1e-5, "multiple shooting: ω = \(multiple.parameters[0])")
        #expect(multiple.dataLoss < 1e-8 && multiple.continuityDefect < 1e-8,
                "MSE \(multiple.dataLoss), defect \(multiple.continuityDefect)")
        // single shooting stops in a local minimum with the same budget
        #expect(abs(single.parameters[0] - 2) > 0.1 && single.dataLoss > 100 * multiple.dataLoss,
                "single shooting: ω = \(single.parameters[0]), MSE \(single.dataLoss)")
    }
}
