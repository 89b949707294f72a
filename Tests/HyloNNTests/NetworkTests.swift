import Testing
import Glibc
import HyloCore
@testable import HyloNN

/// A 1-D regression target and data set.
func sineData(_ n: Int) -> (x: Tensor, y: Tensor) {
    let x = Tensor.linspace(-2, 2, count: n).reshaped([n, 1])
    return (x, (x * 1.5).sin())
}

@Suite struct NetworkTests {
    @Test(arguments: [false, true])
    func mlpGradientsMatchFiniteDifferences(residual: Bool) {
        var rng = Philox(seed: 1)
        let mlp = MLP(.init(widths: [3, 8, 8, 8, 2], activation: .tanh, residual: residual, layerNorm: true), rng: &rng)
        let x = rng.normal([4, 3])
        let params = mlp.parameters
        let check = GradientCheck.run(at: params.map(\.value) + [x]) { v in
            for (p, value) in zip(params, v) { p.value = value }
            return mlp(v[v.count - 1])
        }
        #expect(check.firstOrderError < 1e-6)
        #expect(check.secondOrderError < 1e-5)
    }

    @Test func parametersHaveUniqueNames() {
        var rng = Philox(seed: 1)
        let mlp = MLP(.init(widths: [2, 4, 4, 4, 1], residual: true, layerNorm: true), rng: &rng)
        let names = mlp.namedParameters.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.first == "input.weight")
        // input 2→4 + norm, two residual blocks of two 4×4 layers + norm, output 4→1
        #expect(mlp.parameterCount == (2 * 4 + 4 + 8) + 2 * (2 * (4 * 4 + 4) + 8) + (4 + 1))
    }

    @Test func madeMasksAreAutoregressive() {
        var rng = Philox(seed: 2)
        let d = 4
        let masks = MaskedLinear.madeMasks(features: d, hidden: [10, 10], outputMultiplier: 2)
        let layers = masks.map { MaskedLinear(mask: $0, rng: &rng) }
        let x = rng.normal([1, d])
        // Output block k, entry j depends only on inputs before j.
        for out in 0..<(2 * d) {
            let (_, vjp) = valueAndPullback(at: [x]) { v in
                var h = v[0]
                for (i, l) in layers.enumerated() { h = l(h); if i < layers.count - 1 { h = h.tanh() } }
                return h.slice(axis: 1, start: out, end: out + 1).sum()
            }
            let j = out % d
            for i in j..<d { #expect(vjp[0].scalars[i] == 0, "output \(out) sees input \(i)") }
            if j > 0 { #expect(vjp[0].scalars[0..<j].contains { $0 != 0 }) }
        }
    }

    @Test func orthogonalInitIsOrthogonal() {
        var rng = Philox(seed: 3)
        for (r, c) in [(6, 4), (4, 6), (5, 5)] {
            let w = Initializer.orthogonal.make(fanIn: r, fanOut: c, rng: &rng)
            let gram = r >= c ? Tensor.matmul(w, w, transposeA: true) : Tensor.matmul(w, w, transposeB: true)
            let k = min(r, c)
            for i in 0..<k { for j in 0..<k { #expect(abs(gram.scalars[i * k + j] - (i == j ? 1 : 0)) < 1e-12) } }
        }
    }

    @Test func fourierFeaturesShape() {
        var rng = Philox(seed: 4)
        let ff = FourierFeatures(2, count: 16, scale: 1, rng: &rng)
        let y = ff(rng.normal([5, 2]))
        #expect(y.shape == [5, 32])
        // sin² + cos² = 1 per feature pair
        let s = y.slice(axis: 1, start: 0, end: 16).squared() + y.slice(axis: 1, start: 16, end: 32).squared()
        #expect(s.scalars.allSatisfy { abs($0 - 1) < 1e-12 })
    }

    @Test func adamFitsASine() {
        var rng = Philox(seed: 5)
        let mlp = MLP(widths: [1, 32, 32, 1], rng: &rng)
        let (x, y) = sineData(200)
        var config = TrainingConfiguration()
        config.batchSize = 50; config.learningRate = 3e-3; config.maxEpochs = 600; config.patience = 600
        config.validationFraction = 0.1; config.clipNorm = nil
        let result = train(mlp.parameters, count: 200, configuration: config, optimizer: Adam()) { idx in
            (mlp(x.selectRows(idx)) - y.selectRows(idx)).squared().mean()
        }
        let mse = withoutGradients { (mlp(x) - y).squared().mean().scalar }
        #expect(mse < 1e-3, "mse \(mse) after \(result.epochs) epochs")
    }

    @Test func lbfgsFitsASine() {
        var rng = Philox(seed: 6)
        let mlp = MLP(widths: [1, 16, 16, 1], rng: &rng)
        let (x, y) = sineData(64)
        let r = LBFGS(maxIterations: 1000).minimize(mlp.parameters) { (mlp(x) - y).squared().mean() }
        let mse = withoutGradients { (mlp(x) - y).squared().mean().scalar }
        #expect(mse < 1e-5, "mse \(mse), stop \(r.reason)")
        #expect(abs(mse - r.value) < 1e-12)
    }
}

@Suite struct OptimizerTests {
    @Test func adamFirstStepMovesByLearningRate() {
        let p = Parameter(Tensor([1.0, -2.0]))
        Adam(learningRate: 0.1).step([p], gradients: [Tensor([3.0, -0.5])])
        // m̂ / √v̂ = sign(g) on the first step (up to ε).
        #expect(abs(p.value.scalars[0] - 0.9) < 1e-8 && abs(p.value.scalars[1] + 1.9) < 1e-8)
    }

    @Test func adamWDecaysWeightsWithoutGradient() {
        let p = Parameter(Tensor([2.0]))
        Adam.adamW(learningRate: 0.1, weightDecay: 0.5).step([p], gradients: [Tensor([0.0])])
        #expect(abs(p.value.scalars[0] - 2.0 * (1 - 0.05)) < 1e-12)
    }

    @Test func sgdMomentumMatchesRecurrence() {
        let p = Parameter(Tensor([0.0]))
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.step([p], gradients: [Tensor([1.0])])  // v = 1, x = −0.1
        sgd.step([p], gradients: [Tensor([1.0])])  // v = 1.9, x = −0.29
        #expect(abs(p.value.scalars[0] + 0.29) < 1e-15)
    }

    @Test func clippingScalesToMaxNorm() {
        var g = [Tensor([3.0]), Tensor([4.0])]
        let norm = clipGradientNorm(&g, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(g[0].scalars[0] - 0.6) < 1e-6 && abs(g[1].scalars[0] - 0.8) < 1e-6)
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant.rate(base: 1, epoch: 7) == 1)
        #expect(LearningRateSchedule.exponential(gamma: 0.5).rate(base: 1, epoch: 3) == 0.125)
        #expect(abs(LearningRateSchedule.cosine(period: 10, minimum: 0).rate(base: 1, epoch: 5) - 0.5) < 1e-15)
        #expect(LearningRateSchedule.cosine(period: 10, minimum: 0.1).rate(base: 1, epoch: 20) == 0.1)
        #expect(LearningRateSchedule.step(every: 3, gamma: 0.1).rate(base: 1, epoch: 7) == 0.1 * 0.1)
    }
}

@Suite struct TrainerTests {
    func setup() -> (MLP, Tensor, Tensor) {
        var rng = Philox(seed: 7)
        let (x, y) = sineData(100)
        return (MLP(widths: [1, 8, 1], rng: &rng), x, y)
    }

    @Test func earlyStoppingRestoresBestWeights() {
        let (mlp, x, y) = setup()
        var c = TrainingConfiguration()
        c.batchSize = 10; c.learningRate = 0.5; c.maxEpochs = 200; c.patience = 3  // a rate high enough to wander
        let loss: ([Int]) -> Tensor = { idx in (mlp(x.selectRows(idx)) - y.selectRows(idx)).squared().mean() }
        let r = train(mlp.parameters, count: 100, configuration: c, optimizer: SGD(learningRate: 0.5), loss: loss)
        #expect(r.reason == .converged)
        #expect(r.epochs - r.bestEpoch == c.patience)
        // The restored weights reproduce the best validation loss exactly.
        #expect(r.history[r.bestEpoch - 1].validationLoss == r.bestValidationLoss)
    }

    @Test func progressCancels() {
        let (mlp, x, y) = setup()
        var c = TrainingConfiguration()
        c.maxEpochs = 100
        var seen = 0
        let r = train(mlp.parameters, count: 100, configuration: c, optimizer: Adam(),
                      loss: { idx in (mlp(x.selectRows(idx)) - y.selectRows(idx)).squared().mean() },
                      progress: { report in seen = report.epoch; return report.epoch < 3 })
        #expect(r.reason == .cancelled && r.epochs == 3 && seen == 3)
    }

    @Test func nonFiniteLossStops() {
        let (mlp, x, _) = setup()
        var c = TrainingConfiguration()
        c.maxEpochs = 10
        let r = train(mlp.parameters, count: 100, configuration: c, optimizer: Adam(),
                      loss: { idx in mlp(x.selectRows(idx)).mean() * .nan })
        #expect(r.reason == .nonFinite)
    }

    /// Shards of a batch differentiated concurrently give the whole batch's mean loss and gradients
    /// (weighted by shard size: 3 shards of 10 examples are 3, 3 and 4).
    @Test func shardedGradientsMatchTheWholeBatch() {
        let (mlp, x, y) = setup()
        let loss: ([Int]) -> Tensor = { idx in (mlp(x.selectRows(idx)) - y.selectRows(idx)).squared().mean() }
        let batch = [3, 14, 15, 92, 65, 35, 89, 79, 32, 38]
        let values = mlp.parameters.map(\.value)
        let (whole, expected) = lossAndGradients(batch, shards: 1, loss: loss, parameters: values)
        let (sharded, got) = lossAndGradients(batch, shards: 3, loss: loss, parameters: values)
        #expect(abs(sharded - whole) <= 1e-14 * abs(whole))
        for (g, e) in zip(got, expected) {
            #expect(g.shape == e.shape)
            #expect(zip(g.scalars.array, e.scalars.array).allSatisfy { abs($0 - $1) <= 1e-13 * (1 + abs($1)) })
        }
        let (again, repeated) = lossAndGradients(batch, shards: 3, loss: loss, parameters: values)
        #expect(again == sharded && zip(repeated, got).allSatisfy { $0.scalars == $1.scalars })
    }
}
