import HyloCore
import HyloNN

/// A Fourier neural operator ready to train and use: the network, and per-channel normalizers of
/// its input and output functions fitted on the training data (resolution independent).
public final class FNOModel {
    public static let checkpointKind = "fno"
    public let network: FNONetwork
    public let normalizes: Bool
    public private(set) var inputNormalizer: ChannelNormalizer?
    public private(set) var outputNormalizer: ChannelNormalizer?

    public init(_ configuration: FNOConfiguration, normalize: Bool = true, seed: UInt64 = 0) {
        network = FNONetwork(configuration, seed: seed)
        normalizes = normalize
    }

    public var configuration: FNOConfiguration { network.configuration }
    /// Trains on `inputs` `[n, inChannels, spatial…]` and `outputs` `[n, outChannels, spatial…]`;
    /// `progress` after every epoch, returning `false` cancels (the weights so far are kept). The
    /// normalizers are fitted on the first call's data and kept after.
    public func fit(inputs: Tensor, outputs: Tensor, options: OperatorTrainingOptions,
                    progress: (EpochReport) -> Bool = { _ in true }) -> TrainingResult {
        if normalizes && inputNormalizer == nil {
            inputNormalizer = ChannelNormalizer(fitting: inputs)
            outputNormalizer = ChannelNormalizer(fitting: outputs)
        }
        let encoded = inputNormalizer?.encode(inputs) ?? inputs
        return fitOperator(network, samples: inputs.shape[0], options: options, progress: progress) { batch in
            options.loss(self.decoded(self.network(encoded.selectRows(batch))), outputs.selectRows(batch))
        }
    }

    func decoded(_ y: Tensor) -> Tensor { outputNormalizer?.decode(y) ?? y }

    /// The output functions for `inputs` `[n, inChannels, spatial…]`, at the inputs' resolution.
    public func predict(_ inputs: Tensor, batchSize: Int = 20) -> Tensor {
        inChunks(inputs.shape[0], size: batchSize) { range in
            let a = inputs.selectRows(Array(range))
            return decoded(network(inputNormalizer?.encode(a) ?? a))
        }
    }

    public func checkpoint() throws -> Checkpoint {
        var tensors = network.stateDict().map { (name: $0.0, tensor: $0.1) }
        for (name, n) in [("input_normalizer", inputNormalizer), ("output_normalizer", outputNormalizer)] {
            if let n { tensors += [("\(name).mean", Tensor(n.mean)), ("\(name).std", Tensor(n.std))] }
        }
        return Checkpoint(kind: Self.checkpointKind, tensors: tensors,
                          metadata: ["network": try Checkpoint.json(configuration), "normalize": normalizes ? "true" : "false"])
    }

    public static func load(_ checkpoint: Checkpoint) throws -> FNOModel {
        let configuration = try checkpoint.decodedMetadata("network", as: FNOConfiguration.self)
        if let problem = configuration.problem { throw CheckpointError.inconsistent("the saved network is invalid: \(problem)") }
        let normalize = checkpoint.metadata["normalize"] == "true"
        let model = FNOModel(configuration, normalize: normalize)
        try checkpoint.load(into: model.network)
        func normalizer(_ name: String, channels: Int) throws -> ChannelNormalizer? {
            guard let mean = checkpoint["\(name).mean"], let std = checkpoint["\(name).std"] else { return nil }
            guard mean.shape == [channels], std.shape == [channels] else {
                throw CheckpointError.inconsistent("\(name) has \(mean.shape) statistics for \(channels) channels")
            }
            return ChannelNormalizer(mean: mean.scalars.array, std: std.scalars.array)
        }
        model.inputNormalizer = try normalizer("input_normalizer", channels: configuration.inChannels)
        model.outputNormalizer = try normalizer("output_normalizer", channels: configuration.outChannels)
        if normalize && (model.inputNormalizer == nil || model.outputNormalizer == nil) {
            throw CheckpointError.inconsistent("the normalizer statistics are missing")
        }
        return model
    }
}
