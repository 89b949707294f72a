import Testing
import HyloCore
@testable import HyloSBI
import HyloTasks

@Suite struct C2STTests {
    @Test func identicalDistributionsScoreNearOneHalf() {
        var rng = Philox(seed: 1)
        let a = rng.normal([1000, 2]), b = rng.normal([1000, 2])
        let score = c2st(reference: a, samples: b, maxEpochs: 200)
        #expect(abs(score - 0.5) < 0.06, "c2st = \(score)")
    }

    @Test func separatedDistributionsScoreNearOne() {
        var rng = Philox(seed: 2)
        let a = rng.normal([500, 2]), b = rng.normal([500, 2], mean: 4)
        #expect(c2st(reference: a, samples: b, maxEpochs: 200) > 0.97)
    }
}

@Suite struct TaskTests {
    /// `shared/sbibm` beside the repository (as on the developers' machines and in CI).
    static let sbibm = #filePath.split(separator: "/").dropLast(3).reduce("") { $0 + "/" + $1 } + "/../shared/sbibm"

    @Test func twoMoonsSimulatorMatchesTheReferenceGeometry() throws {
        // For θ at the origin x lies on the half-circle of radius ≈ 0.1 around (0.25, 0).
        let task = TwoMoons()
        var rng = Philox(seed: 3)
        var x = [0.0, 0.0]
        for _ in 0..<100 {
            _ = [0.0, 0.0].withUnsafeBufferPointer { t in x.withUnsafeMutableBufferPointer { task.simulate(t, $0, rng: &rng) } }
            let r = ((x[0] - 0.25) * (x[0] - 0.25) + x[1] * x[1]).squareRoot()
            #expect(abs(r - 0.1) < 0.05 && x[0] >= 0.25 - 1e-12)
        }
    }

    @Test func gaussianLinearReferenceIsTheAnalyticPosterior() throws {
        // The reference samples of obs 1 have mean x_o / 2 and variance 0.05 (a check of the data and
        // of the task definition together).
        let (xo, samples) = try sbibmReference(root: TaskTests.sbibm, task: "gaussian_linear", observation: 1)
        #expect(samples.shape == [7000, 10] && xo.shape == [1, 10])
        let mean: Tensor = samples.mean(axis: 0)
        let centered: Tensor = samples - mean
        let variance: Tensor = centered.squared().mean(axis: 0)
        for j in 0..<10 {
            #expect(abs(mean.scalars[j] - xo.scalars[j] / 2) < 0.01)
            #expect(abs(variance.scalars[j] - 0.05) < 0.005)
        }
    }
}
