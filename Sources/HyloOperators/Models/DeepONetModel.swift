import HyloCore
import HyloNN

/// Training data for a DeepONet.
public enum DeepONetData {
    /// Every function at the same points: u `[n, sensors]`, y `[points, coordinates]`, s `[n, points]`.
    case cartesian(u: Tensor, y: Tensor, s: Tensor)
    /// Each function at its own point: u `[n, sensors]`, y `[n, coordinates]`, s `[n]`.
    case pointwise(u: Tensor, y: Tensor, s: Tensor)
}

/// A DeepONet ready to train and use.
public final class DeepONetModel {
    public static let checkpointKind = "deeponet"
    public let network: DeepONetNetwork

    public init(_ configuration: DeepONetConfiguration, seed: UInt64 = 0) {
        network = DeepONetNetwork(configuration, seed: seed)
    }

    public var configuration: DeepONetConfiguration { network.configuration }

    /// Trains on `data`: batches are sets of functions (Cartesian, all points each) or of
    /// (function, point) pairs (pointwise).
    public func fit(_ data: DeepONetData, options: OperatorTrainingOptions,
                    progress: (EpochReport) -> Bool = { _ in true }) -> TrainingResult {
        switch data {
        case .cartesian(let u, let y, let s):
            return fitOperator(network, samples: u.shape[0], options: options, progress: progress) { batch in
                options.loss(self.network(u.selectRows(batch), y), s.selectRows(batch))
            }
        case .pointwise(let u, let y, let s):
            return fitOperator(network, samples: u.shape[0], options: options, progress: progress) { batch in
                options.loss(self.network.pointwise(u.selectRows(batch), y.selectRows(batch)), s.selectRows(batch))
            }
        }
    }

    /// G(u)(y) for every function at every point: `[n, points]`.
    public func predict(_ u: Tensor, at y: Tensor) -> Tensor {
        inChunks(u.shape[0], size: 4096) { network(u.selectRows(Array($0)), y) }
    }

    /// G(uᵢ)(yᵢ) for aligned pairs: `[n]`.
    public func predictPointwise(_ u: Tensor, at y: Tensor) -> Tensor {
        inChunks(u.shape[0], size: 4096) { network.pointwise(u.selectRows(Array($0)), y.selectRows(Array($0))) }
    }

    public func checkpoint() throws -> Checkpoint {
        Checkpoint(kind: Self.checkpointKind, tensors: network.stateDict().map { (name: $0.0, tensor: $0.1) },
                   metadata: ["network": try Checkpoint.json(configuration)])
    }

    public static func load(_ checkpoint: Checkpoint) throws -> DeepONetModel {
        let configuration = try checkpoint.decodedMetadata("network", as: DeepONetConfiguration.self)
        if let problem = configuration.problem { throw CheckpointError.inconsistent("the saved network is invalid: \(problem)") }
        let model = DeepONetModel(configuration)
        try checkpoint.load(into: model.network)
        return model
    }
}
