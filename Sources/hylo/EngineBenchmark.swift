import HyloCore
import HyloNN

/// The Hylo side of `benchmarks/run engine`: an MLP 8→64→64→64→8 (tanh) on a batch of 1024, in
/// float64. Prints `forward_backward_ms` (forward, MSE loss, backward) and `train_step_ms` (the
/// same plus an Adam update), medians over `steps` runs after a warm-up.
func runEngineBenchmark(steps: Int) {
    var rng = Philox(seed: 0)
    let mlp = MLP(widths: [8, 64, 64, 64, 8], activation: .tanh, rng: &rng)
    let x = rng.normal([1024, 8]), y = rng.normal([1024, 8])
    let params = mlp.parameters
    let adam = Adam(learningRate: 1e-3)
    func forwardBackward() -> [Tensor] {
        let loss = (mlp(x) - y).squared().mean()
        return gradients(of: loss, wrt: params.map(\.value))
    }
    for _ in 0..<20 { adam.step(params, gradients: forwardBackward()) }
    let fb = medianTime(repeats: steps) { _ = forwardBackward() }
    let step = medianTime(repeats: steps) { adam.step(params, gradients: forwardBackward()) }
    print("hylo forward_backward_ms=\(fb * 1e3) train_step_ms=\(step * 1e3)")
}
