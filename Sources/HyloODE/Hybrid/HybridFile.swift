import HyloCore
import HyloNN

/// Saving a trained hybrid model: one safetensors checkpoint of kind `"hybrid_ode"` with the
/// network's architecture, the coupling and its targets, the physics' sizes and the parameter vector
/// `[p, φ]`. The physics itself is code (a callback): loading takes it again and checks its sizes.
extension HybridSystem {
    public static let checkpointKind = "hybrid_ode"

    public func checkpoint(parameters: [Double]) -> Checkpoint {
        Checkpoint(kind: Self.checkpointKind, tensors: [("parameters", Tensor(parameters))], metadata: [
            "widths": network.widths.map(String.init).joined(separator: ","),
            "activation": network.activation.rawValue,
            "coupling": coupling.rawValue,
            "output_components": targets.map(String.init).joined(separator: ","),
            "physics_dimension": physics.map { String($0.dimension) } ?? "none",
            "physics_parameters": String(physicsParameterCount),
        ])
    }

    /// Rebuilds the model around `physics`, which must have the sizes it was saved with.
    public static func load(_ ck: Checkpoint, physics: ODESystem?) throws -> (system: HybridSystem, parameters: [Double]) {
        func field(_ k: String) throws -> String {
            guard let v = ck.metadata[k] else { throw CheckpointError.inconsistent("metadata '\(k)' is missing") }
            return v
        }
        let widths = try field("widths").split(separator: ",").compactMap { Int($0) }
        guard widths.count >= 2, widths.allSatisfy({ (1...65536).contains($0) }) else {
            throw CheckpointError.inconsistent("metadata 'widths' is invalid")
        }
        guard let activation = Activation(rawValue: try field("activation")) else {
            throw CheckpointError.inconsistent("activation '\(ck.metadata["activation"] ?? "")' is not supported")
        }
        // Files written before couplings existed are additive.
        guard let coupling = HybridCoupling(rawValue: ck.metadata["coupling"] ?? "additive") else {
            throw CheckpointError.inconsistent("coupling '\(ck.metadata["coupling"] ?? "")' is not supported")
        }
        let outputs = try field("output_components").split(separator: ",").compactMap { Int($0) }
        let savedDimension = try field("physics_dimension"), savedParameters = Int(try field("physics_parameters"))
        if let physics {
            guard savedDimension == String(physics.dimension), savedParameters == physics.parameterCount else {
                throw CheckpointError.inconsistent(
                    "the model was saved with physics of dimension \(savedDimension) and \(savedParameters ?? -1) parameters; the physics given has \(physics.dimension) and \(physics.parameterCount)")
            }
        } else if savedDimension != "none" {
            throw CheckpointError.inconsistent("the model was saved with physics of dimension \(savedDimension); give that physics to load it")
        }
        let system: HybridSystem
        do {
            system = try HybridSystem(physics: physics, network: DenseNetwork(widths: widths, activation: activation),
                                      coupling: coupling, targets: outputs)
        } catch { throw CheckpointError.inconsistent("\(error)") }
        guard let stored = ck["parameters"], stored.shape == [system.parameterCount] else {
            throw CheckpointError.inconsistent("'parameters' is missing or not of shape [\(system.parameterCount)]")
        }
        return (system, stored.scalars.array)
    }
}
