import CHylo

private let versionString: StaticString = "0.1.0"

@c @implementation
public func hylo_version_number() -> Int32 {
    HYLO_VERSION_MAJOR * 10000 + HYLO_VERSION_MINOR * 100 + HYLO_VERSION_PATCH
}

@c @implementation
public func hylo_version_string() -> UnsafePointer<CChar>? {
    UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Static descriptions of the status codes.
private func describe(_ code: hylo_status) -> StaticString {
    switch code {
    case HYLO_OK: return "ok"
    case HYLO_E_NULL_ARGUMENT: return "null argument"
    case HYLO_E_INVALID_ARGUMENT: return "invalid argument"
    case HYLO_E_SHAPE: return "shape mismatch"
    case HYLO_E_NOT_FINITE: return "non-finite value"
    case HYLO_E_OPTION: return "invalid option"
    case HYLO_E_STATE: return "invalid state"
    case HYLO_E_IO: return "input/output error"
    case HYLO_E_FILE_FORMAT: return "invalid file"
    case HYLO_E_CALLBACK: return "callback failed"
    case HYLO_E_CANCELLED: return "cancelled"
    case HYLO_E_NUMERICAL: return "numerical failure"
    case HYLO_E_BUDGET: return "budget exhausted"
    case HYLO_E_BUFFER_TOO_SMALL: return "buffer too small"
    case HYLO_E_INTERNAL: return "internal error"
    default: return "unknown status"
    }
}

@c @implementation
public func hylo_status_string(_ code: hylo_status) -> UnsafePointer<CChar>? {
    UnsafeRawPointer(describe(code).utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation
public func hylo_last_error() -> UnsafePointer<CChar>? {
    UnsafePointer(lastErrorMessage.value.pointer)
}
