import HyloCore
import HyloNN

/// How a solver-in-the-loop correction is trained on reference trajectories sampled every `Δt`:
/// Adam on mini-batches of windows of `unroll` consecutive steps, each started from a reference
/// state and rolled out by the corrected stepper, with the loss the mean squared difference of
/// the `unroll` states from the reference, differentiated through every step (the stepper's VJP
/// included). `unroll = 1` is the "pre-computed" baseline that never sees its own outputs.
public struct CorrectionTraining: Sendable {
    public var unroll = 4
    public var iterations = 2000
    public var batchSize = 16
    public var learningRate = 1e-3
    /// Cosine decay of the learning rate to `learningRate · finalLearningRateFactor` over the iterations.
    public var finalLearningRateFactor = 0.1
    public var weightDecay = 0.0
    public var seed: UInt64 = 0

    public init() {}
}

public struct CorrectionTrainingResult: Sendable {
    public var weights: [Double]
    /// The mean squared error over every window after training (unrolled as in training).
    public var loss: Double
    /// The same for the stepper alone, for comparison.
    public var uncorrectedLoss: Double
    /// The mini-batch loss of each iteration.
    public var history: [Double]
    public var cancelled: Bool
}

/// Trains `model`'s correction on `trajectories` (each a list of states `Δt` apart, the first at
/// `t0`), starting from `initialWeights`. `progress(iteration, total, loss)` returning false stops
/// training with the weights reached.
public func trainCorrection(_ model: CorrectedStepper, trajectories: [[[Double]]], t0: Double, dt: Double,
                            initialWeights: [Double], options: CorrectionTraining = CorrectionTraining(),
                            progress: ((Int, Int, Double) -> Bool)? = nil) throws -> CorrectionTrainingResult {
    guard initialWeights.count == model.network.parameterCount else {
        throw ODEError.invalidArgument("\(initialWeights.count) weights; the network has \(model.network.parameterCount)")
    }
    guard options.unroll >= 1, options.batchSize >= 1, options.iterations >= 0 else {
        throw ODEError.invalidArgument("unroll and batch size must be ≥ 1 and iterations ≥ 0")
    }
    guard dt > 0, dt.isFinite, t0.isFinite else { throw ODEError.invalidArgument("t0 must be finite and dt > 0, got \(t0), \(dt)") }
    for (j, trajectory) in trajectories.enumerated() {
        guard trajectory.allSatisfy({ $0.count == model.dimension && $0.allSatisfy(\.isFinite) }) else {
            throw ODEError.invalidArgument("trajectory \(j) has a state that is not \(model.dimension) finite values")
        }
    }
    let windows = trajectories.indices.flatMap { j in
        (0..<Swift.max(trajectories[j].count - options.unroll, 0)).map { (trajectory: j, start: $0) }
    }
    guard !windows.isEmpty else {
        throw ODEError.invalidArgument("no trajectory has more than unroll = \(options.unroll) steps")
    }
    if model.normalization == nil { try model.fitNormalization(trajectories, t0: t0, dt: dt) }
    let objective = CorrectionObjective(model: model, trajectories: trajectories, t0: t0, dt: dt, unroll: options.unroll)

    let weights = Parameter(Tensor(initialWeights))
    let adam = Adam(learningRate: options.learningRate)
    let schedule = LearningRateSchedule.cosine(period: options.iterations, minimum: options.learningRate * options.finalLearningRateFactor)
    var rng = Philox(seed: options.seed, stream: 0x5171)
    var order: [Int] = [], cursor = 0
    var history: [Double] = [], cancelled = false
    for iteration in 0..<options.iterations {
        var batch: [(trajectory: Int, start: Int)] = []
        while batch.count < Swift.min(options.batchSize, windows.count) {
            if cursor == order.count {
                order = rng.permutation(windows.count)
                cursor = 0
            }
            batch.append(windows[order[cursor]])
            cursor += 1
        }
        let w = weights.value.scalars.array
        var (loss, gradient) = try objective.lossAndGradient(batch, weights: w)
        if options.weightDecay > 0 {
            for k in w.indices { gradient[k] += 2 * options.weightDecay * w[k] }
        }
        history.append(loss)
        adam.learningRate = schedule.rate(base: options.learningRate, epoch: iteration)
        adam.step([weights], gradients: [Tensor(gradient)])
        if let progress, !progress(iteration + 1, options.iterations, loss) { cancelled = true; break }
    }
    let trained = weights.value.scalars.array
    return CorrectionTrainingResult(weights: trained, loss: try objective.loss(windows, weights: trained),
                                    uncorrectedLoss: try objective.loss(windows, weights: nil), history: history, cancelled: cancelled)
}

/// The unrolled loss of a set of windows and its gradient with respect to the network's weights.
struct CorrectionObjective {
    let model: CorrectedStepper
    let trajectories: [[[Double]]]
    let t0: Double, dt: Double
    let unroll: Int

    /// `mean over windows of (1 / (unroll · d)) Σ_i ‖ũ_i − u_i‖²`.
    func loss(_ windows: [(trajectory: Int, start: Int)], weights: [Double]?) throws -> Double {
        var none: [Double]? = nil
        return try windows.reduce(0) { $0 + (try window($1, weights: weights, gradient: &none)) } / Double(windows.count)
    }

    func lossAndGradient(_ windows: [(trajectory: Int, start: Int)], weights: [Double]) throws -> (Double, [Double]) {
        var gradient: [Double]? = [Double](repeating: 0, count: weights.count)
        let total = try windows.reduce(0) { $0 + (try window($1, weights: weights, gradient: &gradient)) }
        let n = Double(windows.count)
        return (total / n, gradient!.map { $0 / n })
    }

    /// One window's loss; adds its gradient to `gradient` when given.
    private func window(_ w: (trajectory: Int, start: Int), weights: [Double]?, gradient: inout [Double]?) throws -> Double {
        let reference = trajectories[w.trajectory]
        let d = model.dimension
        let scale = 1 / Double(unroll * d)
        var u = reference[w.start], records: [CorrectedStepper.StepRecord] = [], residuals: [[Double]] = []
        var loss = 0.0
        for i in 0..<unroll {
            var record = CorrectedStepper.StepRecord(input: [], stepped: [])
            u = try model.step(time(w.start + i), dt, u, weights: weights, record: &record)
            let r = (0..<d).map { u[$0] - reference[w.start + i + 1][$0] }
            loss += scale * r.reduce(0) { $0 + $1 * $1 }
            records.append(record)
            residuals.append(r)
        }
        if gradient != nil, let weights {
            var v = [Double](repeating: 0, count: d)
            for i in stride(from: unroll - 1, through: 0, by: -1) {
                for k in 0..<d { v[k] += 2 * scale * residuals[i][k] }
                v = try model.backward(time(w.start + i), dt, records[i], cotangent: v, weights: weights, weightsBar: &gradient!)
            }
        }
        return loss
    }

    private func time(_ k: Int) -> Double { t0 + Double(k) * dt }
}
