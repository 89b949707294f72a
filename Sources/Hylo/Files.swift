import CHylo
import HyloNN

/// Saving and loading objects as checkpoints at the ABI: errors become HYLO_E_IO (the file system)
/// or HYLO_E_FILE_FORMAT (the content).
enum Files {
    static func save(_ path: UnsafePointer<CChar>?, _ checkpoint: () throws -> Checkpoint) throws {
        let file = try Check.string(path, "path")
        do { try checkpoint().write(to: file) } catch { throw HyloError(HYLO_E_IO, "\(error)") }
    }

    /// Reads a checkpoint of `kind` and builds an object from it; `build` reports inconsistent
    /// content as a `CheckpointError`.
    static func load<T>(_ path: UnsafePointer<CChar>?, kind: String, _ build: (Checkpoint) throws -> T) throws -> T {
        let file = try Check.string(path, "path")
        do { return try build(try Checkpoint.read(from: file, kind: kind)) } catch let e as CheckpointError {
            if case .io = e { throw HyloError(HYLO_E_IO, e.description) }
            throw HyloError(HYLO_E_FILE_FORMAT, "\(file): \(e.description)")
        }
    }
}

/// A library-owned C string (static storage, valid forever) for a stop reason, a status, a method
/// or a progress stage.
func staticCString(_ reason: String) -> UnsafePointer<CChar>? {
    let known: [String: StaticString] = [
        "converged": "converged", "max_epochs": "max_epochs", "cancelled": "cancelled", "non_finite_loss": "non_finite_loss",
        "gradient_tolerance": "gradient_tolerance", "function_tolerance": "function_tolerance",
        "max_iterations": "max_iterations", "line_search_failed": "line_search_failed", "non_finite": "non_finite_loss",
        "npe": "npe", "nle": "nle", "nre": "nre", "ensemble": "ensemble", "fmpe": "fmpe",
        "complete": "complete", "tolerance_reached": "tolerance_reached", "time_budget": "time_budget", "abc": "abc",
    ]
    guard let s = known[reason] else { return nil }
    return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}
