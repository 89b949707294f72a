import HyloCore

/// Settings of the mini-batch training loop. Defaults are sbi's for density estimators.
public struct TrainingConfiguration: Equatable, Sendable {
    public var batchSize = 200
    public var learningRate = 5e-4
    public var maxEpochs = 1000
    /// Fraction of the examples held out to measure the validation loss.
    public var validationFraction = 0.1
    /// Stop after this many epochs without a lower validation loss.
    public var patience = 20
    /// Clip the global gradient norm to this value; `nil` disables clipping.
    public var clipNorm: Double? = 5
    public var schedule = LearningRateSchedule.constant
    /// Seeds the train/validation split and the per-epoch shuffles.
    public var seed: UInt64 = 0
    /// End with the weights of the epoch with the lowest validation loss (else the last epoch's).
    public var restoresBestWeights = true
    /// Differentiate each mini-batch as this many shards, concurrently, and combine their losses
    /// and gradients weighted by size. Only for losses that are means over independent examples
    /// (maximum likelihood); the number of shards, not of threads, fixes the result.
    public var shards = 1
    public init() {}
}

/// What the training loop reports after every epoch.
public struct EpochReport: Sendable {
    public var epoch: Int
    public var maxEpochs: Int
    public var trainingLoss: Double
    public var validationLoss: Double
}

public struct TrainingResult: Sendable {
    public enum StopReason: String, Sendable {
        case converged = "converged"          // patience exhausted: early stopping
        case maxEpochs = "max_epochs"
        case cancelled = "cancelled"
        case nonFinite = "non_finite_loss"    // the training loss became NaN or infinite
    }
    public var epochs: Int
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    public var history: [EpochReport]
    public var reason: StopReason
}

/// Mini-batch training with shuffling, a validation split, early stopping that restores the best
/// weights, gradient clipping, a learning-rate schedule, and a progress callback that can cancel.
///
/// - Parameters:
///   - count: number of examples; batches are index lists into `0..<count`.
///   - loss: the mean loss over a batch of example indices.
///   - progress: called after each epoch; returning `false` cancels (best weights are restored).
public func train(_ parameters: [Parameter], count: Int, configuration c: TrainingConfiguration,
                  optimizer: Optimizer, loss: ([Int]) -> Tensor,
                  progress: (EpochReport) -> Bool = { _ in true }) -> TrainingResult {
    var rng = Philox(seed: c.seed, stream: 0x7472_6169_6e)
    let order = rng.permutation(count)
    let validationCount = count > 1 ? Swift.min(count - 1, Int((Double(count) * c.validationFraction).rounded())) : 0
    let validation = Array(order.prefix(validationCount)), training = Array(order.dropFirst(validationCount))
    let batchSize = Swift.max(1, Swift.min(c.batchSize, training.count))

    var best = (epoch: -1, loss: Double.infinity, values: parameters.map { $0.value.scalars })
    var history: [EpochReport] = []
    var reason = TrainingResult.StopReason.maxEpochs
    let values = { parameters.map { $0.value } }

    func meanLoss(_ indices: [Int]) -> Double {
        withoutGradients {
            var total = 0.0
            for start in stride(from: 0, to: indices.count, by: batchSize) {
                let batch = Array(indices[start..<Swift.min(start + batchSize, indices.count)])
                total += loss(batch).scalar * Double(batch.count)
            }
            return total / Double(Swift.max(indices.count, 1))
        }
    }

    for epoch in 0..<c.maxEpochs {
        optimizer.learningRate = c.schedule.rate(base: c.learningRate, epoch: epoch)
        let shuffled = rng.permutation(training.count).map { training[$0] }
        var total = 0.0
        for start in stride(from: 0, to: shuffled.count, by: batchSize) {
            let batch = Array(shuffled[start..<Swift.min(start + batchSize, shuffled.count)])
            var (l, g) = lossAndGradients(batch, shards: c.shards, loss: loss, parameters: values())
            if let clip = c.clipNorm { clipGradientNorm(&g, maxNorm: clip) }
            optimizer.step(parameters, gradients: g)
            total += l * Double(batch.count)
        }
        let trainLoss = total / Double(Swift.max(shuffled.count, 1))
        let validationLoss = validation.isEmpty ? trainLoss : meanLoss(validation)
        let report = EpochReport(epoch: epoch + 1, maxEpochs: c.maxEpochs, trainingLoss: trainLoss, validationLoss: validationLoss)
        history.append(report)
        if !trainLoss.isFinite { reason = .nonFinite; break }
        if validationLoss < best.loss {
            best = (epoch, validationLoss, parameters.map { $0.value.scalars })
        }
        if !progress(report) { reason = .cancelled; break }
        if epoch - best.epoch >= c.patience { reason = .converged; break }
    }
    if best.epoch >= 0 && (c.restoresBestWeights || reason == .nonFinite) {
        for (p, v) in zip(parameters, best.values) { p.value.assignValues(v) }
    }
    return TrainingResult(epochs: history.count, bestEpoch: best.epoch + 1, bestValidationLoss: best.loss,
                          history: history, reason: reason)
}

/// The loss of a batch and its gradients, from `shards` pieces of the batch differentiated
/// concurrently (sizes as equal as possible) and combined weighted by size, in shard order.
///
/// The graphs (which hold the parameters' values) are gone when this returns, so the optimizer
/// then updates the parameters in place instead of copying each one.
public func lossAndGradients(_ batch: [Int], shards: Int, loss: ([Int]) -> Tensor, parameters: [Tensor]) -> (Double, [Tensor]) {
    let parts = Swift.max(1, Swift.min(shards, batch.count))
    if parts == 1 {
        let l = loss(batch)
        return (l.scalar, gradients(of: l, wrt: parameters))
    }
    var pieces = [(weight: Double, loss: Double, gradients: [Tensor])?](repeating: nil, count: parts)
    pieces.withUnsafeMutableBufferPointer { out in
        concurrently(parts) { s in
            let shard = Array(batch[(batch.count * s / parts)..<(batch.count * (s + 1) / parts)])
            let l = loss(shard)
            out[s] = (Double(shard.count) / Double(batch.count), l.scalar, gradients(of: l, wrt: parameters))
        }
    }
    // Σ wₛ gₛ, accumulated in place into the first shard's gradients.
    let first = pieces[0]!
    pieces[0] = nil
    var (total, sums) = (first.weight * first.loss, first.gradients)
    for i in sums.indices { sums[i].withMutableScalars { acc in for j in 0..<acc.count { acc[j] *= first.weight } } }
    for piece in pieces.dropFirst() {
        let (w, l, g) = piece!
        total += w * l
        for i in sums.indices {
            sums[i].withMutableScalars { acc in g[i].scalars.withUnsafeBufferPointer { gi in
                for j in 0..<acc.count { acc[j] += w * gi[j] }
            } }
        }
    }
    return (total, sums)
}

