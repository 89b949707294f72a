import HyloCore
import HyloNN

extension PINN {
    public static let checkpointKind = "pinn"

    /// The weights, the coefficients, the problem (without its observations) and the architecture.
    public func checkpoint() throws -> Checkpoint {
        Checkpoint(kind: Self.checkpointKind, tensors: stateDict().map { (name: $0.0, tensor: $0.1) },
                   metadata: ["problem": try Checkpoint.json(problem), "network": try Checkpoint.json(network.configuration)])
    }

    /// Rebuilds a PINN saved by `checkpoint()`; inconsistent content is a `CheckpointError`.
    public static func load(_ checkpoint: Checkpoint) throws -> PINN {
        let problem = try checkpoint.decodedMetadata("problem", as: PDEProblem.self)
        let configuration = try checkpoint.decodedMetadata("network", as: PINNNetworkConfiguration.self)
        let pinn: PINN
        do { pinn = try PINN(problem: problem, configuration: configuration) } catch {
            throw CheckpointError.inconsistent("the saved problem is invalid: \(error)")
        }
        guard pinn.network.configuration == configuration else {
            throw CheckpointError.inconsistent("the saved network does not match the saved problem")
        }
        try checkpoint.load(into: pinn)
        return pinn
    }
}
