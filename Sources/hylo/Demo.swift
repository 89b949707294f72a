import Glibc
import HyloCore
import HyloNN

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
    print("\nDone.")
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
