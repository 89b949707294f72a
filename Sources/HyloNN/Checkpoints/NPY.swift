import HyloCore

/// NumPy `.npy` files of float64 matrices (format versions 1.0 and 2.0): how simulations move
/// between Hylo, cluster jobs and Python.
///
/// Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (2 bytes
/// little-endian in 1.0, 4 in 2.0), an ASCII Python-dict header
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }` padded with spaces and a newline
/// so that the data starts on a multiple of 64 bytes, then the raw values. Reading accepts `<f8`
/// and `<f4`, C or Fortran order, and shapes of rank 1 (one column) or 2.
public enum NPY {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ t: Tensor) -> [UInt8] {
        let shape = t.rank == 1 ? "(\(t.shape[0]),)" : "(\(t.shape.map(String.init).joined(separator: ", ")))"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        out += [UInt8(length & 0xff), UInt8(length >> 8)]
        out += Array(header.utf8)
        for x in t.scalars { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    public static func write(_ t: Tensor, to path: String) throws {
        precondition(t.rank == 1 || t.rank == 2, "NPY.write takes a vector or a matrix")
        do { try FileIO.writeAtomically(path, encode(t)) } catch { throw Failure(description: "\(path): cannot write: \(error)") }
    }

    public static func read(_ path: String) throws -> Tensor {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw Failure(description: "\(path): cannot read: \(error)") }
        do { return try decode(bytes) } catch let f as Failure { throw Failure(description: "\(path): \(f.description)") }
    }

    /// A `[rows, columns]` tensor (a 1-D array becomes one column).
    public static func decode(_ b: [UInt8]) throws -> Tensor {
        guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else {
            throw Failure(description: "not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = b[6]
        guard major == 1 || major == 2 else { throw Failure(description: ".npy format version \(major).\(b[7]) is not supported") }
        let headerStart = major == 1 ? 10 : 12
        guard b.count >= headerStart else { throw Failure(description: "truncated header") }
        let length = major == 1 ? Int(b[8]) | Int(b[9]) << 8 : Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
        guard b.count >= headerStart + length else { throw Failure(description: "truncated header (\(length) bytes announced)") }
        let header = String(decoding: b[headerStart..<(headerStart + length)], as: UTF8.self)
        let descr = try field("descr", header)
        let itemSize: Int
        switch descr {
        case "'<f8'", "'float64'": itemSize = 8
        case "'<f4'": itemSize = 4
        default: throw Failure(description: "dtype \(descr) is not supported (use float64, '<f8')")
        }
        let fortran = try field("fortran_order", header) == "True"
        let shapeText = try field("shape", header)
        let dims = shapeText.filter { "0123456789,".contains($0) }.split(separator: ",").compactMap { Int($0) }
        guard dims.count == 1 || dims.count == 2 else { throw Failure(description: "shape \(shapeText) is not a vector or a matrix") }
        let (rows, cols) = (dims[0], dims.count == 2 ? dims[1] : 1)
        let (count, overflow) = rows.multipliedReportingOverflow(by: cols)
        let dataStart = headerStart + length
        guard !overflow, count <= (b.count - dataStart) / itemSize, b.count - dataStart == count * itemSize else {
            throw Failure(description: "the data holds \(b.count - dataStart) bytes; shape \(shapeText) needs \(overflow ? "too many" : String(count * itemSize))")
        }
        var values = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let p = dataStart + i * itemSize
            if itemSize == 8 {
                var bits: UInt64 = 0
                for k in 0..<8 { bits |= UInt64(b[p + k]) << (8 * UInt64(k)) }
                values[i] = Double(bitPattern: bits)
            } else {
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(b[p + k]) << (8 * UInt32(k)) }
                values[i] = Double(Float(bitPattern: bits))
            }
        }
        let t = Tensor(shape: fortran ? [cols, rows] : [rows, cols], scalars: values)
        return fortran ? t.transposed().detached() : t
    }

    /// The text of `'key': value` in a header dict, up to the next top-level comma.
    private static func field(_ key: String, _ header: String) throws -> String {
        guard let r = header.firstRange(of: "'\(key)':") else { throw Failure(description: "the header has no '\(key)'") }
        var value = ""
        var depth = 0
        for ch in header[r.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," && depth == 0) || ch == "}" { break }
            value.append(ch)
        }
        return value.trimmingCharacters()
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
