import CHylo
import HyloSBI

/// Argument checks shared by the ABI entries. Each throws a `HyloError` naming the argument.
enum Check {
    static func pointer<T>(_ p: T?, _ name: String) throws -> T {
        guard let p else { throw HyloError.null(name) }
        return p
    }

    /// `a · b` without overflow, for sizes that become allocations.
    static func product(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (p, o) = a.multipliedReportingOverflow(by: b)
        guard a >= 0, b >= 0, !o, p <= 1 << 40 else {
            throw HyloError.invalid("\(what) (\(UInt(bitPattern: a)) × \(UInt(bitPattern: b))) is too large")
        }
        return p
    }

    /// A size in 1…max. A `size_t` above `Int.max` arrives negative and is reported as the
    /// caller wrote it.
    static func positive(_ n: Int, _ name: String, max: Int = 1 << 31) throws {
        guard n != 0 else { throw HyloError.invalid("\(name) is 0; it must be at least 1") }
        guard n > 0, n <= max else { throw HyloError.invalid("\(name) is \(UInt(bitPattern: n)); it must be at most \(max)") }
    }

    /// Copies `count` doubles from a caller's array, checking the pointer and, if `finite`, values.
    static func array(_ p: UnsafePointer<Double>?, count: Int, _ name: String, finite: Bool = true) throws -> [Double] {
        guard count > 0 else { return [] }
        guard let p else { throw HyloError.null("\(name) (with \(count) elements expected)") }
        let values = Array(UnsafeBufferPointer(start: p, count: count))
        if finite, let i = values.firstIndex(where: { !$0.isFinite }) {
            throw HyloError(HYLO_E_NOT_FINITE, "\(name)[\(i)] is \(values[i]); values must be finite")
        }
        return values
    }

    /// A UTF-8 C string argument.
    static func string(_ p: UnsafePointer<CChar>?, _ name: String, allowEmpty: Bool = false) throws -> String {
        guard let p else { throw HyloError.null(name) }
        guard let s = String(validatingCString: p) else { throw HyloError.invalid("\(name) is not valid UTF-8") }
        guard allowEmpty || !s.isEmpty else { throw HyloError.invalid("\(name) is empty") }
        return s
    }
}

/// Copies `values` into a caller's array of `capacity` elements; `what` describes them in the
/// error when the array is too small ("the model has 12 parameters").
func copyValues(_ values: [Double], to out: UnsafeMutablePointer<Double>?, capacity: Int, _ what: String) throws {
    let out = try Check.pointer(out, "out")
    guard capacity >= values.count else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "capacity is \(capacity); \(what)") }
    write([values], to: out)
}

/// Copies `text` into a caller's buffer of `capacity` bytes, NUL-terminated.
func copyCString(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int) throws {
    let buffer = try Check.pointer(buffer, "buffer")
    let bytes = Array(text.utf8)
    guard capacity > bytes.count else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "capacity is \(capacity); the text needs \(bytes.count + 1) bytes") }
    for (i, b) in bytes.enumerated() { buffer[i] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// Retains a Swift object behind an opaque C handle.
enum Handle {
    static func make<T: AnyObject>(_ object: T) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(object).toOpaque()) }
    static func get<T: AnyObject>(_ p: OpaquePointer?, _ name: String, as: T.Type = T.self) throws -> T {
        guard let p else { throw HyloError.null(name) }
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
    /// A posterior handle (NPE, NLE or NRE) as the protocol all of them implement.
    static func posterior(_ p: OpaquePointer?, _ name: String = "posterior") throws -> Posterior {
        guard let p else { throw HyloError.null(name) }
        guard let posterior = Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue() as? Posterior else {
            throw HyloError.invalid("\(name) is not a posterior")
        }
        return posterior
    }
    static func release<T: AnyObject>(_ p: OpaquePointer?, as: T.Type) {
        guard let p else { return }
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(p)).release()
    }
}
