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

@Suite struct CalibrationTests {
    /// A posterior that is exact by construction: x ~ N(θ, 0.1), θ ~ N(0, 0.1), trained NPE is
    /// replaced by a fitted flow on many simulations, so the diagnostics should look calibrated;
    /// a deliberately overconfident one must not.
    func trainedPosterior() throws -> (Posterior, Tensor, Tensor) {
        let prior = try GaussianPrior(mean: [0], std: [(0.1).squareRoot()])
        var rng = Philox(seed: 30)
        let theta = prior.sample(3000, rng: &rng)
        let x = theta + rng.normal([3000, 1], std: (0.1).squareRoot())
        var config = FlowConfiguration()
        config.hiddenFeatures = 16; config.transforms = 2
        let npe = NPE(prior: prior, configuration: config)
        try npe.appendSimulations(theta: theta, x: x)
        var training = NPE.defaultTraining
        training.learningRate = 2e-3; training.maxEpochs = 150
        try npe.train(training)
        let testTheta = prior.sample(200, rng: &rng)
        return (try npe.posterior(), testTheta, testTheta + rng.normal([200, 1], std: (0.1).squareRoot()))
    }

    @Test func calibratedPosteriorPassesAndMiscalibratedFails() throws {
        let (posterior, theta, x) = try trainedPosterior()
        var rng = Philox(seed: 31)
        let sbc = simulationBasedCalibration(posterior, theta: theta, x: x, samples: 100, rng: &rng)
        #expect(sbc.ksPValues[0] > 0.01, "SBC p = \(sbc.ksPValues)")
        let levels = [0.1, 0.3, 0.5, 0.7, 0.9]
        let coverage = expectedCoverage(posterior, theta: theta, x: x, samples: 200, levels: levels, rng: &rng)
        for (c, a) in zip(coverage, levels) { #expect(abs(c - a) < 0.12, "coverage \(coverage)") }
        let t = tarp(posterior, theta: theta, x: x, samples: 200, levels: Array(stride(from: 0.0, through: 1.0, by: 0.05)), rng: &rng)
        #expect(abs(t.areaToCurve) < 0.06 && t.ksPValue > 0.01, "TARP \(t.areaToCurve) \(t.ksPValue)")

        // Pairs whose θ are shifted away from what the x say: the posterior is wrong for them.
        let shifted = theta + 0.5
        let bad = simulationBasedCalibration(posterior, theta: shifted, x: x, samples: 100, rng: &rng)
        #expect(bad.ksPValues[0] < 1e-6)
        let badCoverage = expectedCoverage(posterior, theta: shifted, x: x, samples: 200, levels: [0.5], rng: &rng)
        #expect(badCoverage[0] < 0.2)
    }

    @Test func kolmogorovSmirnovPValues() {
        var rng = Philox(seed: 5)
        let uniform = (0..<2000).map { _ in rng.uniform() }
        #expect(kolmogorovSmirnovUniform(uniform) > 0.01)
        #expect(kolmogorovSmirnovUniform(uniform.map { $0 * $0 }) < 1e-10)
        // n = 100 points all at 0.2: D = 0.8, λ ≈ 8.1, p ≈ 2e-57 → 0.
        #expect(kolmogorovSmirnovUniform(Array(repeating: 0.2, count: 100)) < 1e-50)
    }
}

@Suite struct BernoulliGLMTests {
    @Test func designMatrixAndPriorMatchSbibm() throws {
        let task = BernoulliGLM()
        let reference = try readCSV(TaskTests.sbibm + "/bernoulli_glm/design_matrix.csv")
        #expect(reference.shape == [100, 10])
        #expect(task.design.scalars == reference.scalars)
        // The prior precision B has B₀₀ = 0.5 and a tridiagonal-banded filter block; check B Σ = I
        // through the sbibm definition of B.
        let covariance = (task.prior as! GaussianPrior).covariance
        var d = [Double](repeating: 0, count: 81)
        for i in 0..<9 { d[i * 9 + i] = 1; if i > 0 { d[i * 9 + i - 1] = -1 } }
        let dm = Tensor(shape: [9, 9], scalars: d)
        let f = Tensor.matmul(dm, dm) + Tensor.eye(9) * Tensor((0..<9).map { (Double($0) / 9).squareRoot() })
        let filterPrecision = Tensor.matmul(f, f, transposeA: true)
        let block = covariance.slice(axis: 0, start: 1, end: 10).slice(axis: 1, start: 1, end: 10)
        let product = Tensor.matmul(filterPrecision, block)
        for i in 0..<9 { for j in 0..<9 { #expect(abs(product.scalars[i * 9 + j] - (i == j ? 1 : 0)) < 1e-9) } }
        #expect(covariance.scalars[0] == 2)
    }

    @Test func simulationsAtTheTrueParametersResembleTheObservation() throws {
        let task = BernoulliGLM()
        let truth = try readCSV(TaskTests.sbibm + "/bernoulli_glm/obs1/true_parameters.csv")
        let observed = try readCSV(TaskTests.sbibm + "/bernoulli_glm/obs1/observation.csv")
        var rng = Philox(seed: 1)
        var total = 0.0
        var x = [Double](repeating: 0, count: 10)
        for _ in 0..<200 {
            _ = truth.scalars.array.withUnsafeBufferPointer { t in x.withUnsafeMutableBufferPointer { task.simulate(t, $0, rng: &rng) } }
            total += x[0]
        }
        // The spike count of obs 1 (56) is one draw; the mean over draws must be near it.
        #expect(abs(total / 200 - observed.scalars[0]) < 15)
    }
}
