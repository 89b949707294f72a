import HyloCore
import HyloNN

/// The Hylo side of `benchmarks/run engine`: an MLP 8→64→64→64→8 (tanh) on a batch of 1024, in
/// float64. Prints `forward_backward_ms` (forward, MSE loss, backward) and `train_step_ms` (the
/// same plus an Adam update), medians over `steps` runs after a warm-up, differentiated as Hylo's
/// maximum-likelihood training does (`TrainingConfiguration.shards = 2`: two halves of the batch,
/// each in its own graph on its own core); and `per_op_fb_ms`, the whole batch in one graph whose
/// kernels are split over the threads instead.
func runEngineBenchmark(steps: Int) {
    var rng = Philox(seed: 0)
    let mlp = MLP(widths: [8, 64, 64, 64, 8], activation: .tanh, rng: &rng)
    let x = rng.normal([1024, 8]), y = rng.normal([1024, 8])
    let params = mlp.parameters
    let values = params.map(\.value)
    let adam = Adam(learningRate: 1e-3)
    let batch = Array(0..<1024), shards = 2
    func loss(_ rows: [Int]) -> Tensor { (mlp(x.selectRows(rows)) - y.selectRows(rows)).squared().mean() }
    func forwardBackward() -> [Tensor] { lossAndGradients(batch, shards: shards, loss: loss, parameters: values).1 }
    func wholeBatch() -> [Tensor] {
        let l = (mlp(x) - y).squared().mean()
        return gradients(of: l, wrt: values)
    }
    for _ in 0..<20 { adam.step(params, gradients: forwardBackward()) }
    let perOp = medianTime(repeats: steps) { _ = wholeBatch() }
    let fb = medianTime(repeats: steps) { _ = forwardBackward() }
    let step = medianTime(repeats: steps) { adam.step(params, gradients: forwardBackward()) }
    print("hylo forward_backward_ms=\(fb * 1e3) train_step_ms=\(step * 1e3) per_op_fb_ms=\(perOp * 1e3) shards=\(shards)")
}
