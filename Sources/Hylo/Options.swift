import CHylo

/// The value behind an options key.
enum OptionValue {
    case int(Int64), double(Double), string(String)
    var typeName: String {
        switch self { case .int: return "an integer"; case .double: return "a real number"; case .string: return "a string" }
    }
}

/// The object behind `hylo_options *`.
final class Options {
    var values: [String: OptionValue] = [:]
}

/// Reads the options a function accepts, with defaults and ranges; `finish()` rejects any key that
/// was not read, listing the accepted ones.
struct OptionReader {
    private let values: [String: OptionValue]
    private var known: [String] = []

    init(_ options: Options?) { values = options?.values ?? [:] }

    mutating func int(_ key: String, default d: Int, in range: ClosedRange<Int>) throws -> Int {
        known.append(key)
        guard let v = values[key] else { return d }
        guard case .int(let i) = v else { throw HyloError.option("option '\(key)' expects an integer, got \(v.typeName)") }
        guard let n = Int(exactly: i), range.contains(n) else {
            throw HyloError.option("option '\(key)' is \(i); it must be in \(range.lowerBound)…\(range.upperBound)")
        }
        return n
    }

    mutating func bool(_ key: String, default d: Bool) throws -> Bool {
        try int(key, default: d ? 1 : 0, in: 0...1) == 1
    }

    mutating func double(_ key: String, default d: Double, in range: ClosedRange<Double>,
                         excludingLower: Bool = false) throws -> Double {
        known.append(key)
        guard let v = values[key] else { return d }
        let x: Double
        switch v {
        case .int(let i): x = Double(i)
        case .double(let r): x = r
        case .string: throw HyloError.option("option '\(key)' expects a real number, got a string")
        }
        guard range.contains(x), !(excludingLower && x == range.lowerBound) else {
            throw HyloError.option("option '\(key)' is \(x); it must be in \(excludingLower ? "(" : "[")\(range.lowerBound), \(range.upperBound)]")
        }
        return x
    }

    mutating func choice(_ key: String, default d: String, from allowed: [String]) throws -> String {
        known.append(key)
        guard let v = values[key] else { return d }
        guard case .string(let s) = v else { throw HyloError.option("option '\(key)' expects a string, got \(v.typeName)") }
        guard allowed.contains(s) else {
            throw HyloError.option("option '\(key)' is '\(s)'; it must be one of \(allowed.joined(separator: ", "))")
        }
        return s
    }

    /// A choice with no default: `nil` when the key is absent.
    mutating func optionalChoice(_ key: String, from allowed: [String]) throws -> String? {
        guard values[key] != nil else {
            known.append(key)
            return nil
        }
        return try choice(key, default: "", from: allowed)
    }

    func finish() throws {
        let unknown = values.keys.filter { !known.contains($0) }.sorted()
        if let k = unknown.first {
            throw HyloError.option("unknown option '\(k)'; this function accepts \(known.sorted().joined(separator: ", "))")
        }
    }
}

@c @implementation
public func hylo_options_create(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_options_create") {
        let out = try Check.pointer(out, "out")
        out.pointee = Handle.make(Options())
    }
}

@c @implementation
public func hylo_options_free(_ opts: OpaquePointer?) {
    Handle.release(opts, as: Options.self)
}

private func set(_ function: String, _ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: () throws -> OptionValue) -> hylo_status {
    abiCall(function) {
        let o = try Handle.get(opts, "opts", as: Options.self)
        let k = try Check.string(key, "key")
        o.values[k] = try value()
    }
}

@c @implementation
public func hylo_options_set_int(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: Int64) -> hylo_status {
    set("hylo_options_set_int", opts, key) { .int(value) }
}

@c @implementation
public func hylo_options_set_double(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: Double) -> hylo_status {
    set("hylo_options_set_double", opts, key) {
        guard value.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "value for '\(key.flatMap { String(validatingCString: $0) } ?? "?")' is \(value); options must be finite") }
        return .double(value)
    }
}

@c @implementation
public func hylo_options_set_string(_ opts: OpaquePointer?, _ key: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> hylo_status {
    set("hylo_options_set_string", opts, key) { .string(try Check.string(value, "value", allowEmpty: true)) }
}

@c @implementation
public func hylo_options_clear(_ opts: OpaquePointer?) -> hylo_status {
    abiCall("hylo_options_clear") { try Handle.get(opts, "opts", as: Options.self).values = [:] }
}

@c @implementation
public func hylo_options_count(_ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_options_count") {
        let o = try Handle.get(opts, "opts", as: Options.self)
        try Check.pointer(out, "out").pointee = o.values.count
    }
}
