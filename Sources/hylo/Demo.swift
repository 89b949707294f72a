import Glibc
import HyloCore
import HyloNN
import HyloOperators
import HyloSBI
import HyloTasks

/// The built-in demonstration: everything runs on data generated here.
func runDemo() {
    print("Hylo 0.1.0 — demo on built-in problems\n")

    print("1. Reverse-mode autodiff, checked against finite differences")
    var rng = Philox(seed: 42)
    let x = rng.normal([4, 3])
    let w = rng.normal([3, 2])
    let check = GradientCheck.run(at: [x, w]) { v in Tensor.matmul(v[0], v[1]).tanh().squared() }
    print("   tanh(x·W)²: first-order error \(fmt(check.firstOrderError)), second-order \(fmt(check.secondOrderError))\n")

    print("2. A neural surrogate of a damped oscillator x(1; ζ, ω) = e^(−ζ) cos ω")
    let n = 2000
    var theta = [Double](), values = [Double]()
    for _ in 0..<n {
        let zeta = 0.1 + 0.9 * rng.uniform(), omega = 0.5 + 2.5 * rng.uniform()
        theta += [zeta, omega]
        values.append(exp(-zeta) * cos(omega))
    }
    let xs = Tensor(shape: [n, 2], scalars: theta), ys = Tensor(shape: [n, 1], scalars: values)
    let model = Regressor(inputs: 2, outputs: 1, hidden: [32, 32], seed: 1)
    var adam = Regressor.TrainingSettings()
    adam.loop.learningRate = 3e-3; adam.loop.maxEpochs = 150; adam.loop.patience = 20
    let t0 = now()
    model.train(x: xs, y: ys, settings: adam) { epoch, total, loss in
        if epoch % 25 == 0 { print("   Adam epoch \(epoch)/\(total)  validation loss \(fmt(loss))") }
        return true
    }
    var lbfgs = Regressor.TrainingSettings()
    lbfgs.optimizer = .lbfgs; lbfgs.loop.maxEpochs = 300; lbfgs.standardize = false
    let outcome = model.train(x: xs, y: ys, settings: lbfgs)
    let rel = ((model.predict(xs) - ys).squared().sum().scalar / ys.squared().sum().scalar).squareRoot()
    print("   then L-BFGS: \(outcome.iterations) iterations, stopped by \(outcome.reason)")
    print("   relative error \(fmt(rel)) in \(String(format1: now() - t0)) s\n")

    print("3. Save and reload (safetensors)")
    let path = "/tmp/hylo-demo-\(getpid()).safetensors"
    do {
        try model.checkpoint().write(to: path)
        let back = try Regressor(checkpoint: Checkpoint.read(from: path, kind: Regressor.checkpointKind))
        let same = back.predict(xs).scalars == model.predict(xs).scalars
        print("   reloaded model predicts \(same ? "bit-identically" : "DIFFERENTLY")")
        unlink(path)
    } catch {
        print("   failed: \(error)")
        exit(1)
    }
    runNPEDemo()
    runOperatorDemo()
    runHybridDemo()
    print("\nDone.")
}

/// Neural posterior estimation on sbibm's two moons, whose posterior at x = 0 is a crescent with
/// E|θ| = E sqrt(0.0725 + 0.05 cos a) = 0.323.
func runNPEDemo() {
    print("\n4. Neural posterior estimation on two moons (5,000 simulations on 2 workers)")
    do {
        let task = TwoMoons()
        let t0 = now()
        let (theta, x) = try task.simulations(5000, seed: 1, workers: 2)
        let npe = NPE(prior: task.prior)
        try npe.appendSimulations(theta: theta, x: x)
        var training = NPE.defaultTraining
        training.learningRate = 1e-3; training.maxEpochs = 100
        let result = try npe.train(training) { r in
            if r.epoch % 25 == 0 { print("   epoch \(r.epoch)  validation loss \(fmt(r.validationLoss))") }
            return true
        }
        var rng = Philox(seed: 2)
        let (samples, report) = try npe.posterior().sample(2000, x: Tensor([0, 0]), rng: &rng)
        let radius = samples.squared().sum(axis: 1).sqrt().mean().scalar
        print("   \(result.epochs) epochs; 2,000 posterior samples at x = (0, 0), acceptance \(String(format1: report.acceptanceRate * 100)) %")
        print("   mean |θ| = \(fmt(radius)) (exact 3.23e-1), in \(String(format1: now() - t0)) s")
    } catch {
        print("   failed: \(error)")
        exit(1)
    }
}

func fmt(_ x: Double) -> String {
    guard x.isFinite, x != 0 else { return "\(x)" }
    let e = Int(floor(log10(Swift.abs(x))))
    let m = x / pow(10, Double(e))
    return "\(String(format1: m))e\(e)"
}

extension String {
    /// One decimal place, without Foundation.
    init(format1 x: Double) {
        let r = (x * 10).rounded() / 10
        self = "\(r)"
    }
}

/// A Fourier neural operator learns viscous Burgers' solution operator u(0) ↦ u(1) from generated
/// pairs, then predicts at twice the resolution it was trained on.
func runOperatorDemo() {
    print("\n5. A Fourier neural operator for viscous Burgers, u(0) ↦ u(1)")
    var data = BurgersOperatorData()
    data.solverPoints = 512; data.step = 4e-3
    let t0 = now()
    let coarse = data.generate(count: 220, resolution: 64, seed: 3), fine = data.generate(count: 220, resolution: 128, seed: 3)
    let pairs = { (d: (initial: [Double], final: [Double]), n: Int) in
        (Tensor(shape: [220, 1, n], scalars: d.initial), Tensor(shape: [220, 1, n], scalars: d.final))
    }
    let (a, u) = pairs(coarse, 64), (a2, u2) = pairs(fine, 128)
    let train = Array(0..<200), test = Array(200..<220)
    var c = FNOConfiguration()
    c.modes = [12]; c.width = 24; c.layers = 3; c.projectionChannels = 48
    let model = FNOModel(c, seed: 1)
    var options = OperatorTrainingOptions()
    options.epochs = 40; options.stepEvery = 10
    _ = model.fit(inputs: a.selectRows(train), outputs: u.selectRows(train), options: options) { report in
        if report.epoch % 10 == 0 { print("   epoch \(report.epoch)/\(report.maxEpochs)  training loss \(fmt(report.trainingLoss))") }
        return true
    }
    let error = OperatorLoss.relativeL2(model.predict(a.selectRows(test)), u.selectRows(test)).scalar
    let fineError = OperatorLoss.relativeL2(model.predict(a2.selectRows(test)), u2.selectRows(test)).scalar
    print("   test relative L2 error \(fmt(error)) at 64 points, \(fmt(fineError)) at 128 (never trained on), \(String(format1: now() - t0)) s")
}
