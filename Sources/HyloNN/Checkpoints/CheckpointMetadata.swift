import FoundationEssentials
import HyloCore

/// Architecture and settings stored as JSON in a checkpoint's metadata, and weights loaded into a
/// module, with failures reported as `CheckpointError`s that name what is wrong.
extension Checkpoint {
    /// The JSON metadata entry `key` decoded, or a `CheckpointError` that names it.
    public func decodedMetadata<T: Decodable>(_ key: String, as: T.Type) throws -> T {
        guard let text = metadata[key] else { throw CheckpointError.inconsistent("metadata '\(key)' is missing") }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw CheckpointError.inconsistent("metadata '\(key)' is not a valid description (\(error))")
        }
    }

    /// `value` as JSON with sorted keys (a stable metadata entry).
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Loads the tensors into `module`, every parameter present with its shape.
    public func load(into module: Module) throws {
        do { try module.loadStateDict(Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })) } catch {
            throw CheckpointError.inconsistent("\(error)")
        }
    }
}
