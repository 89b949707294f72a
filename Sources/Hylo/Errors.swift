import CHylo
import Glibc
import HyloCore

/// A failure to report across the C boundary: a status code and a message naming the argument.
struct HyloError: Error {
    let status: hylo_status
    let message: String
    init(_ status: hylo_status, _ message: String) { self.status = status; self.message = message }

    static func null(_ argument: String) -> HyloError { HyloError(HYLO_E_NULL_ARGUMENT, "\(argument) is NULL") }
    static func invalid(_ message: String) -> HyloError { HyloError(HYLO_E_INVALID_ARGUMENT, message) }
    static func option(_ message: String) -> HyloError { HyloError(HYLO_E_OPTION, message) }
}

/// The thread's last error message, as a C string the library owns.
final class ErrorMessage {
    private(set) var pointer: UnsafeMutablePointer<CChar>
    init() { pointer = strdup("")! }
    func set(_ message: String) {
        free(pointer)
        pointer = strdup(message) ?? strdup("")!
    }
    deinit { free(pointer) }
}

let lastErrorMessage = ThreadLocal { ErrorMessage() }

/// Runs an ABI entry's body: returns HYLO_OK, or records the error's message (prefixed by the
/// function name) for `hylo_last_error` and returns its status.
func abiCall(_ function: String, _ body: () throws -> Void) -> hylo_status {
    do {
        try body()
        return HYLO_OK
    } catch let e as HyloError {
        lastErrorMessage.value.set("\(function): \(e.message)")
        return e.status
    } catch {
        lastErrorMessage.value.set("\(function): internal error: \(error)")
        return HYLO_E_INTERNAL
    }
}
