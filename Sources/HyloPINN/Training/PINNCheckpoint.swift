import FoundationEssentials
import HyloCore
import HyloNN

extension PINN {
    public static let checkpointKind = "pinn"

    /// The weights, the coefficients, the problem (without its observations) and the architecture.
    public func checkpoint() throws -> Checkpoint {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let problemJSON = String(decoding: try encoder.encode(problem), as: UTF8.self)
        let networkJSON = String(decoding: try encoder.encode(network.configuration), as: UTF8.self)
        return Checkpoint(kind: Self.checkpointKind, tensors: stateDict().map { (name: $0.0, tensor: $0.1) },
                          metadata: ["problem": problemJSON, "network": networkJSON])
    }

    /// Rebuilds a PINN saved by `checkpoint()`; inconsistent content is a `CheckpointError`.
    public static func load(_ checkpoint: Checkpoint) throws -> PINN {
        func decode<T: Decodable>(_ key: String, as: T.Type) throws -> T {
            guard let text = checkpoint.metadata[key] else { throw CheckpointError.inconsistent("metadata '\(key)' is missing") }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw CheckpointError.inconsistent("metadata '\(key)' is not a valid description (\(error))")
            }
        }
        let problem = try decode("problem", as: PDEProblem.self)
        let configuration = try decode("network", as: PINNNetworkConfiguration.self)
        let pinn: PINN
        do { pinn = try PINN(problem: problem, configuration: configuration) } catch {
            throw CheckpointError.inconsistent("the saved problem is invalid: \(error)")
        }
        guard pinn.network.configuration == configuration else {
            throw CheckpointError.inconsistent("the saved network does not match the saved problem")
        }
        do { try pinn.loadStateDict(Dictionary(checkpoint.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })) } catch {
            throw CheckpointError.inconsistent("\(error)")
        }
        return pinn
    }
}
