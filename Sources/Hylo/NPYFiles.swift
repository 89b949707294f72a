import CHylo
import HyloCore
import HyloNN
import HyloSBI

/// Reads a .npy file, mapping failures to HYLO_E_IO or HYLO_E_FILE_FORMAT.
func readNPY(_ path: UnsafePointer<CChar>?, _ name: String) throws -> Tensor {
    let file = try Check.string(path, name)
    do { return try NPY.read(file) } catch let f as NPY.Failure {
        throw HyloError(f.description.contains("cannot read") ? HYLO_E_IO : HYLO_E_FILE_FORMAT, f.description)
    }
}

@c @implementation
public func hylo_npy_write(_ path: UnsafePointer<CChar>?, _ data: UnsafePointer<Double>?, _ rows: Int, _ cols: Int) -> hylo_status {
    abiCall("hylo_npy_write") {
        let file = try Check.string(path, "path")
        try Check.positive(cols, "cols", max: 1 << 30)
        let values = try Check.array(data, count: try Check.product(rows, cols, "rows × cols"), "data", finite: false)
        do { try NPY.write(Tensor(shape: [rows, cols], scalars: values), to: file) } catch { throw HyloError(HYLO_E_IO, "\(error)") }
    }
}

@c @implementation
public func hylo_npy_shape(_ path: UnsafePointer<CChar>?, _ rows: UnsafeMutablePointer<Int>?, _ cols: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_npy_shape") {
        let t = try readNPY(path, "path")
        rows?.pointee = t.shape[0]
        cols?.pointee = t.shape[1]
    }
}

@c @implementation
public func hylo_npy_read(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_npy_read") {
        let t = try readNPY(path, "path")
        guard capacity >= t.count else {
            throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "the file holds \(t.shape[0]) × \(t.shape[1]) = \(t.count) values; capacity is \(UInt(bitPattern: capacity))")
        }
        guard t.count > 0 else { return }
        let out = try Check.pointer(out, "out")
        t.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: t.count) }
    }
}
