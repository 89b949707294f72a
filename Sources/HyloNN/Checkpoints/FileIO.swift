import Glibc

/// Whole-file reads and atomic writes with POSIX calls, reporting errno's reason.
enum FileIO {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func reason() -> String { String(cString: strerror(errno)) }

    static func read(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw Failure(description: reason()) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            bytes.append(contentsOf: chunk[0..<n])
            if n < chunk.count {
                if ferror(f) != 0 { throw Failure(description: reason()) }
                return bytes
            }
        }
    }

    /// Writes to a temporary file beside `path`, then renames it over `path`, so a reader never
    /// sees a half-written file.
    static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard let f = fopen(temporary, "wb") else { throw Failure(description: reason()) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let flushed = fflush(f) == 0
        fclose(f)
        guard written == bytes.count, flushed else {
            let why = reason()
            unlink(temporary)
            throw Failure(description: why)
        }
        guard rename(temporary, path) == 0 else {
            let why = reason()
            unlink(temporary)
            throw Failure(description: why)
        }
    }
}
