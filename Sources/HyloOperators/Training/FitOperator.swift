import HyloCore
import HyloNN

/// Mini-batch training of an operator network: Adam with coupled L2 weight decay (PyTorch's
/// `Adam(weight_decay=…)`), a step learning-rate schedule, shuffled batches over all samples, the
/// last epoch's weights kept. `loss` gives the mean loss of a batch of sample indices.
func fitOperator(_ module: Module, samples: Int, options: OperatorTrainingOptions,
                 progress: (EpochReport) -> Bool, loss: ([Int]) -> Tensor) -> TrainingResult {
    let optimizer = Adam(learningRate: options.learningRate, weightDecay: options.weightDecay)
    return train(module.parameters, count: samples, configuration: options.trainingConfiguration,
                 optimizer: optimizer, loss: loss, progress: progress)
}

/// `body` over consecutive chunks of `count` samples, without recording gradients, the results
/// concatenated along the first axis.
func inChunks(_ count: Int, size: Int, _ body: (Range<Int>) -> Tensor) -> Tensor {
    withoutGradients {
        let parts = stride(from: 0, to: count, by: Swift.max(size, 1)).map { body($0..<Swift.min($0 + size, count)) }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
    }
}
