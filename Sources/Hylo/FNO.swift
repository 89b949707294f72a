import CHylo
import HyloCore
import HyloNN
import HyloOperators

/// The C ABI of Fourier neural operators: `hylo_fno_*`.

final class FNOHandle {
    let model: FNOModel
    var trained: Bool
    init(_ model: FNOModel, trained: Bool) { self.model = model; self.trained = trained }
}


@c @implementation
public func hylo_fno_create(_ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_fno_create") {
        let out = try Check.pointer(out, "out")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var c = FNOConfiguration()
        let dimensions = try o.int("dimensions", default: 1, in: 1...2)
        c.modes = [Int](repeating: try o.int("modes", default: 16, in: 1...4096), count: dimensions)
        c.width = try o.int("width", default: c.width, in: 1...4096)
        c.layers = try o.int("layers", default: c.layers, in: 1...64)
        c.inChannels = try o.int("in_channels", default: 1, in: 1...4096)
        c.outChannels = try o.int("out_channels", default: 1, in: 1...4096)
        c.liftingChannels = try o.int("lifting_channels", default: 0, in: 0...4096)
        c.projectionChannels = try o.int("projection_channels", default: c.projectionChannels, in: 1...4096)
        c.activation = try o.choice("activation", default: "gelu", from: Activation.allCases.map(\.rawValue))
        c.padding = try o.int("padding", default: 0, in: 0...4096)
        c.appendGrid = try o.bool("append_grid", default: true)
        let normalize = try o.bool("normalize", default: true)
        let seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        if let problem = c.problem { throw HyloError.option(problem) }
        out.pointee = Handle.make(FNOHandle(FNOModel(c, normalize: normalize, seed: seed), trained: false))
    }
}

@c @implementation
public func hylo_fno_free(_ fno: OpaquePointer?) { Handle.release(fno, as: FNOHandle.self) }

@c @implementation
public func hylo_fno_sizes(_ fno: OpaquePointer?, _ dimensions: UnsafeMutablePointer<Int>?, _ inChannels: UnsafeMutablePointer<Int>?,
                           _ outChannels: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_fno_sizes") {
        let c = try Handle.get(fno, "fno", as: FNOHandle.self).model.configuration
        dimensions?.pointee = c.dimensions
        inChannels?.pointee = c.inChannels
        outChannels?.pointee = c.outChannels
    }
}

/// The grid of a call (`[nx]` or `[nx, ny]`), checked against the operator.
func fnoGrid(_ c: FNOConfiguration, _ nx: Int, _ ny: Int) throws -> [Int] {
    try Check.positive(nx, "nx", max: 1 << 24)
    try Check.positive(ny, "ny", max: 1 << 24)
    if c.dimensions == 1 && ny != 1 { throw HyloError.invalid("ny is \(ny); a 1-D FNO needs ny = 1") }
    let grid = c.dimensions == 1 ? [nx] : [nx, ny]
    if let problem = c.gridProblem(grid) { throw HyloError(HYLO_E_SHAPE, problem) }
    return grid
}

/// The FNO's widest activation for `batch` fields on `grid` (padded as the layers see it).
func checkFNOActivations(_ c: FNOConfiguration, grid: [Int], batch: Int) throws {
    let points = grid.map { $0 + c.padding }.reduce(1, *)
    try checkActivations(rows: try Check.product(batch, points, "batch × grid"), widest: max(c.width, c.liftingChannels, c.projectionChannels),
                         "lower batch_size, the resolution or the widths")
}

/// A caller's fields `n × channels × grid` as a tensor.
func fieldTensor(_ p: UnsafePointer<Double>?, n: Int, channels: Int, grid: [Int], _ name: String) throws -> Tensor {
    let perSample = try Check.product(channels, try Check.product(grid[0], grid.count == 2 ? grid[1] : 1, "the grid"), "\(name) per sample")
    let count = try Check.product(n, perSample, "\(name)")
    guard count <= 1 << 31 else { throw HyloError.invalid("\(name) would hold \(count) numbers (more than 2^31)") }
    return Tensor(shape: [n, channels] + grid, scalars: try Check.array(p, count: count, name))
}

@c @implementation
public func hylo_fno_train(_ fno: OpaquePointer?, _ inputs: UnsafePointer<Double>?, _ outputs: UnsafePointer<Double>?, _ n: Int,
                           _ nx: Int, _ ny: Int, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                           _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_fno_train") {
        let h = try Handle.get(fno, "fno", as: FNOHandle.self)
        let c = h.model.configuration
        try Check.positive(n, "n", max: 1 << 30)
        let grid = try fnoGrid(c, nx, ny)
        let options = try operatorTrainingOptions(opts, defaults: OperatorTrainingOptions())
        try checkFNOActivations(c, grid: grid, batch: Swift.min(options.batchSize, n))
        let a = try fieldTensor(inputs, n: n, channels: c.inChannels, grid: grid, "inputs")
        let u = try fieldTensor(outputs, n: n, channels: c.outChannels, grid: grid, "outputs")
        if options.loss == .relativeL2 { try checkRelativeTargets(u.scalars.array, samples: n, "outputs") }
        h.trained = true
        try trainOperator(progress, progressData) { h.model.fit(inputs: a, outputs: u, options: options, progress: $0) }
    }
}

@c @implementation
public func hylo_fno_predict(_ fno: OpaquePointer?, _ inputs: UnsafePointer<Double>?, _ n: Int, _ nx: Int, _ ny: Int,
                             _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_fno_predict") {
        let h = try Handle.get(fno, "fno", as: FNOHandle.self)
        guard h.trained else { throw HyloError(HYLO_E_STATE, "the FNO has not been trained") }
        let c = h.model.configuration
        try Check.positive(n, "n", max: 1 << 30)
        let grid = try fnoGrid(c, nx, ny)
        try checkFNOActivations(c, grid: grid, batch: Swift.min(20, n))
        let a = try fieldTensor(inputs, n: n, channels: c.inChannels, grid: grid, "inputs")
        let out = try Check.pointer(out, "out")
        h.model.predict(a).scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_fno_save(_ fno: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_fno_save") {
        let h = try Handle.get(fno, "fno", as: FNOHandle.self)
        guard h.trained else { throw HyloError(HYLO_E_STATE, "the FNO has not been trained") }
        try Files.save(path) { try h.model.checkpoint() }
    }
}

@c @implementation
public func hylo_fno_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_fno_load") {
        let out = try Check.pointer(out, "out")
        let model = try Files.load(path, kind: FNOModel.checkpointKind) { try FNOModel.load($0) }
        out.pointee = Handle.make(FNOHandle(model, trained: true))
    }
}
