import FoundationEssentials
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

extension Checkpoint {
    /// The JSON metadata entry `key` decoded, or a `CheckpointError` that names it.
    func decodedMetadata<T: Decodable>(_ key: String, as: T.Type) throws -> T {
        guard let text = metadata[key] else { throw CheckpointError.inconsistent("metadata '\(key)' is missing") }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw CheckpointError.inconsistent("metadata '\(key)' is not a valid description (\(error))")
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Loads the tensors into `module`, every parameter present with its shape.
    func load(into module: Module) throws {
        do { try module.loadStateDict(Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })) } catch {
            throw CheckpointError.inconsistent("\(error)")
        }
    }
}
