import HyloNN

/// How an operator is trained. Defaults are the FNO paper's: Adam (learning rate 1e-3, L2 weight
/// decay 1e-4), batches of 20, 500 epochs, the rate halved every 100 epochs, relative L2 loss.
public struct OperatorTrainingOptions: Codable, Equatable, Sendable {
    public var epochs = 500
    public var batchSize = 20
    public var learningRate = 1e-3
    public var weightDecay = 1e-4
    /// Multiply the learning rate by `stepGamma` every `stepEvery` epochs.
    public var stepEvery = 100
    public var stepGamma = 0.5
    public var loss = OperatorLoss.relativeL2
    /// Seeds the per-epoch shuffles.
    public var seed: UInt64 = 0

    public init() {}

    /// Why these options cannot be used, or `nil`.
    public var problem: String? {
        if !(1...10_000_000).contains(epochs) { return "epochs must lie in 1…10000000, got \(epochs)" }
        if batchSize < 1 { return "batch_size must be at least 1, got \(batchSize)" }
        if !(learningRate > 0 && learningRate.isFinite) { return "learning_rate must be positive and finite, got \(learningRate)" }
        if !(weightDecay >= 0 && weightDecay.isFinite) { return "weight_decay must be ≥ 0 and finite, got \(weightDecay)" }
        if stepEvery < 1 { return "step_every must be at least 1, got \(stepEvery)" }
        if !(stepGamma > 0 && stepGamma <= 1) { return "step_gamma must lie in (0, 1], got \(stepGamma)" }
        return nil
    }

    var trainingConfiguration: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.batchSize = batchSize; c.learningRate = learningRate; c.maxEpochs = epochs
        c.validationFraction = 0; c.patience = Int.max; c.clipNorm = nil
        c.schedule = .step(every: stepEvery, gamma: stepGamma); c.seed = seed
        c.restoresBestWeights = false
        return c
    }
}
