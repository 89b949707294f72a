import FoundationEssentials
import HyloCore

/// Named tensors plus string metadata, stored as a safetensors file (DESIGN §4).
///
/// Layout: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// `{"dtype": "F64", "shape": […], "data_offsets": [begin, end]}` plus a `__metadata__` object of
/// strings, then the raw little-endian tensor bytes. Hylo adds to the metadata `format: "hylo"`,
/// `format_version`, `kind` (what the file holds) and `checksum`, an FNV-1a-64 hash of the tensor
/// table, the metadata and the data, so that truncated, corrupted or foreign files are refused
/// with a reason. Any safetensors reader can open the tensors.
public struct Checkpoint: Equatable {
    public static let formatVersion = 1

    /// What the file holds, e.g. `"mlp"` or `"npe"`.
    public var kind: String
    public var tensors: [(name: String, tensor: Tensor)]
    /// Extra metadata (architecture, configuration …). Keys `format`, `format_version`, `kind` and
    /// `checksum` are reserved.
    public var metadata: [String: String]

    public init(kind: String, tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.kind = kind; self.tensors = tensors; self.metadata = metadata
    }

    public static func == (a: Checkpoint, b: Checkpoint) -> Bool {
        a.kind == b.kind && a.metadata == b.metadata && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy { $0.name == $1.name && $0.tensor.shape == $1.tensor.shape
                && $0.tensor.scalars.elementsEqual($1.tensor.scalars) { $0.bitPattern == $1.bitPattern } }
    }

    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    // MARK: writing

    public func encoded() -> [UInt8] {
        var data: [UInt8] = []
        var table: [(String, [Int], Int, Int)] = []
        for (name, t) in tensors {
            let begin = data.count
            #if _endian(little)
            t.scalars.withUnsafeBytes { data.append(contentsOf: $0) }
            #else
            for x in t.scalars { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            #endif
            table.append((name, t.shape, begin, data.count))
        }
        var meta = metadata
        meta["format"] = "hylo"
        meta["format_version"] = String(Checkpoint.formatVersion)
        meta["kind"] = kind
        meta["checksum"] = Checkpoint.checksum(table: table, metadata: meta, data: data)
        var json = "{\"__metadata__\":{"
        json += meta.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(meta[$0]!))" }.joined(separator: ",")
        json += "}"
        for (name, shape, b, e) in table {
            json += ",\(jsonQuoted(name)):{\"dtype\":\"F64\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(b),\(e)]}"
        }
        json += "}"
        while (json.utf8.count + 8) % 8 != 0 { json += " " }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json.utf8)
        out.append(contentsOf: data)
        return out
    }

    public func write(to path: String) throws {
        do { try FileIO.writeAtomically(path, encoded()) } catch {
            throw CheckpointError.io(path: path, reason: "cannot write: \(error)")
        }
    }

    // MARK: reading

    /// Reads and verifies a checkpoint; with `kind`, also that it holds that kind of object.
    public static func read(from path: String, kind expected: String? = nil) throws -> Checkpoint {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw CheckpointError.io(path: path, reason: "cannot read: \(error)")
        }
        return try decode(bytes, kind: expected)
    }

    public static func decode(_ bytes: [UInt8], kind expected: String? = nil) throws -> Checkpoint {
        guard bytes.count >= 8 else { throw CheckpointError.truncated("the file has \(bytes.count) bytes, fewer than the 8-byte header length") }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw headerLength > 100_000_000
                ? CheckpointError.notSafetensors("the header length \(headerLength) is implausible; this is not a safetensors file")
                : CheckpointError.truncated("the header needs \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let headerEnd = 8 + Int(headerLength)
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(bytes[8..<headerEnd])) } catch {
            throw CheckpointError.notSafetensors("the header is not valid safetensors JSON (\(error))")
        }
        let meta = header.metadata
        guard meta["format"] == "hylo" else {
            throw CheckpointError.foreign("the file is a safetensors file but not one written by Hylo (format: \(meta["format"] ?? "none"))")
        }
        guard let v = meta["format_version"].flatMap(Int.init), v >= 1, v <= formatVersion else {
            throw CheckpointError.unsupportedVersion("format_version \(meta["format_version"] ?? "none") is not supported (this Hylo reads 1…\(formatVersion))")
        }
        guard let kind = meta["kind"] else { throw CheckpointError.inconsistent("the metadata has no kind") }
        if let expected, kind != expected {
            throw CheckpointError.wrongKind("the file holds a '\(kind)', not a '\(expected)'")
        }
        let data = Array(bytes[headerEnd...])
        let entries = header.entries.sorted { ($0.value.data_offsets.first ?? 0) < ($1.value.data_offsets.first ?? 0) }
        var position = 0
        var tensors: [(String, Tensor)] = []
        var table: [(String, [Int], Int, Int)] = []
        for (name, e) in entries {
            guard e.dtype == "F64" else { throw CheckpointError.inconsistent("tensor '\(name)' has dtype \(e.dtype); Hylo stores F64") }
            guard e.data_offsets.count == 2, e.shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError.inconsistent("tensor '\(name)' has a malformed shape or offsets")
            }
            let (b, end) = (e.data_offsets[0], e.data_offsets[1])
            let (elements, overflow) = e.shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            guard !overflow, b == position, end >= b, end - b == elements * 8 else {
                throw CheckpointError.inconsistent("tensor '\(name)' offsets [\(b), \(end)] do not match its shape \(e.shape) or the previous tensor")
            }
            guard end <= data.count else {
                throw CheckpointError.truncated("tensor '\(name)' needs bytes up to \(end) but the data section has \(data.count)")
            }
            var scalars = [Double](repeating: 0, count: elements)
            scalars.withUnsafeMutableBytes { dst in
                data.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[b..<end])) }
            }
            #if _endian(big)
            scalars = scalars.map { Double(bitPattern: UInt64(littleEndian: $0.bitPattern)) }
            #endif
            tensors.append((name, Tensor(shape: e.shape, scalars: scalars)))
            table.append((name, e.shape, b, end))
            position = end
        }
        guard position == data.count else {
            throw CheckpointError.inconsistent("\(data.count - position) bytes follow the last tensor")
        }
        guard let stored = meta["checksum"], stored == checksum(table: table, metadata: meta, data: data) else {
            throw CheckpointError.corrupted("the checksum does not match: the file was modified or damaged")
        }
        var extra = meta
        for k in ["format", "format_version", "kind", "checksum"] { extra[k] = nil }
        return Checkpoint(kind: kind, tensors: tensors, metadata: extra)
    }

    /// FNV-1a-64 over the tensor table, the metadata (without the checksum) and the data bytes.
    static func checksum(table: [(String, [Int], Int, Int)], metadata: [String: String], data: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 { for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        for (name, shape, b, e) in table { feed("\(name)|\(shape)|\(b)|\(e);".utf8) }
        for k in metadata.keys.sorted() where k != "checksum" { feed("\(k)=\(metadata[k]!);".utf8) }
        feed(data)
        return String(h, radix: 16)
    }

    private struct Header: Decodable {
        struct Entry: Decodable { let dtype: String; let shape: [Int]; let data_offsets: [Int] }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            for k in c.allKeys {
                if k.stringValue == "__metadata__" { metadata = try c.decode([String: String].self, forKey: k) } else {
                    entries[k.stringValue] = try c.decode(Entry.self, forKey: k)
                }
            }
        }
    }
}

/// Why a checkpoint could not be read or written.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case io(path: String, reason: String)
    case truncated(String)
    case notSafetensors(String)
    case foreign(String)
    case unsupportedVersion(String)
    case wrongKind(String)
    case inconsistent(String)
    case corrupted(String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .truncated(let s): return "truncated file: \(s)"
        case .notSafetensors(let s), .foreign(let s), .unsupportedVersion(let s), .wrongKind(let s): return s
        case .inconsistent(let s): return "inconsistent file: \(s)"
        case .corrupted(let s): return "corrupted file: \(s)"
        }
    }
}

/// A JSON string literal.
public func jsonQuoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
