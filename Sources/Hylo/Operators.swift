import CHylo
import HyloCore
import HyloNN
import HyloOperators

/// The C ABI of the neural operators: `hylo_fno_*` and `hylo_deeponet_*`.

final class FNOHandle {
    let model: FNOModel
    var trained: Bool
    init(_ model: FNOModel, trained: Bool) { self.model = model; self.trained = trained }
}

final class DeepONetHandle {
    let model: DeepONetModel
    init(_ model: DeepONetModel) { self.model = model }
}

/// Reads the training options shared by both operators, starting from `defaults`.
func operatorTrainingOptions(_ opts: OpaquePointer?, defaults: OperatorTrainingOptions) throws -> OperatorTrainingOptions {
    var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
    var t = defaults
    t.epochs = try o.int("epochs", default: t.epochs, in: 1...10_000_000)
    t.batchSize = try o.int("batch_size", default: t.batchSize, in: 1...(1 << 30))
    t.learningRate = try o.double("learning_rate", default: t.learningRate, in: 0...10, excludingLower: true)
    t.weightDecay = try o.double("weight_decay", default: t.weightDecay, in: 0...10)
    t.stepEvery = try o.int("step_every", default: t.stepEvery, in: 1...10_000_000)
    t.stepGamma = try o.double("step_gamma", default: t.stepGamma, in: 0...1, excludingLower: true)
    t.loss = OperatorLoss(rawValue: try o.choice("loss", default: t.loss.rawValue, from: OperatorLoss.allCases.map(\.rawValue))) ?? t.loss
    t.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
    try o.finish()
    return t
}

/// Runs `fit` with the C progress callback (stage "epoch") and turns its end into a status.
func trainOperator(_ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                   _ fit: ((EpochReport) -> Bool) -> TrainingResult) throws {
    let result = fit { report in
        guard let progress else { return true }
        return progress("epoch", Int64(report.epoch), Int64(report.maxEpochs), report.trainingLoss, progressData) == 0
    }
    switch result.reason {
    case .cancelled: throw HyloError(HYLO_E_CANCELLED, "training was cancelled by the progress callback after \(result.epochs) epochs; the weights reached are kept")
    case .nonFinite: throw HyloError(HYLO_E_NUMERICAL, "the training loss became \(result.history.last?.trainingLoss ?? .nan) at epoch \(result.epochs); the weights of the best epoch are kept")
    default: return
    }
}

/// With the relative L2 loss every target sample must be non-zero.
func checkRelativeTargets(_ values: [Double], samples: Int, _ name: String) throws {
    let per = values.count / Swift.max(samples, 1)
    for i in 0..<samples where !values[(i * per)..<((i + 1) * per)].contains(where: { $0 != 0 }) {
        throw HyloError.invalid("\(name) sample \(i) is zero everywhere, so its relative L2 error is undefined; use \"loss\" = \"mse\"")
    }
}

// MARK: FNO

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

/// Refuses work whose largest activation (`rows` × `widest`) would exceed 2^28 numbers (2 GiB).
func checkActivations(rows: Int, widest: Int, _ advice: String) throws {
    let (count, overflow) = rows.multipliedReportingOverflow(by: widest)
    guard !overflow, count <= 1 << 28 else {
        throw HyloError.invalid("an activation would hold \(UInt(bitPattern: rows)) × \(widest) numbers (more than 2^28); \(advice)")
    }
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

// MARK: DeepONet

@c @implementation
public func hylo_deeponet_create(_ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_deeponet_create") {
        let out = try Check.pointer(out, "out")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let sensors = try o.int("sensors", default: 100, in: 1...65536)
        let coordinates = try o.int("coordinates", default: 1, in: 1...64)
        let layers = try o.int("hidden_layers", default: 1, in: 0...64)
        let features = try o.int("hidden_features", default: 40, in: 1...65536)
        let latent = try o.int("latent", default: 40, in: 1...65536)
        var c = DeepONetConfiguration()
        c.activation = try o.choice("activation", default: "relu", from: Activation.allCases.map(\.rawValue))
        let seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let hidden = [Int](repeating: features, count: layers)
        c.branch = [sensors] + hidden + [latent]
        c.trunk = [coordinates] + hidden + [latent]
        if let problem = c.problem { throw HyloError.option(problem) }
        out.pointee = Handle.make(DeepONetHandle(DeepONetModel(c, seed: seed)))
    }
}

@c @implementation
public func hylo_deeponet_free(_ net: OpaquePointer?) { Handle.release(net, as: DeepONetHandle.self) }

@c @implementation
public func hylo_deeponet_sizes(_ net: OpaquePointer?, _ sensors: UnsafeMutablePointer<Int>?, _ coordinates: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_deeponet_sizes") {
        let c = try Handle.get(net, "net", as: DeepONetHandle.self).model.configuration
        sensors?.pointee = c.sensors
        coordinates?.pointee = c.coordinates
    }
}

/// A caller's `rows × columns` matrix as a tensor.
func matrixTensor(_ p: UnsafePointer<Double>?, rows: Int, columns: Int, _ name: String) throws -> Tensor {
    let count = try Check.product(rows, columns, name)
    guard count <= 1 << 31 else { throw HyloError.invalid("\(name) would hold \(count) numbers (more than 2^31)") }
    return Tensor(shape: [rows, columns], scalars: try Check.array(p, count: count, name))
}

/// The DeepONet's widest activations: `functions` rows through the branch, `points` through the
/// trunk, and their `functions × points` contraction (Cartesian data) when `cartesian`.
func checkDeepONetActivations(_ c: DeepONetConfiguration, functions: Int, points: Int, cartesian: Bool) throws {
    try checkActivations(rows: functions, widest: c.branch.max() ?? 1, "lower batch_size or n")
    try checkActivations(rows: points, widest: c.trunk.max() ?? 1, "use fewer points")
    if cartesian { try checkActivations(rows: functions, widest: points, "lower batch_size or use fewer points") }
}

/// DeepONet's training defaults: full batch, constant rate, no weight decay, MSE.
func deepONetTrainingDefaults(batch: Int) -> OperatorTrainingOptions {
    var t = OperatorTrainingOptions()
    t.epochs = 10_000; t.batchSize = batch; t.weightDecay = 0; t.stepGamma = 1; t.loss = .mse
    return t
}

@c @implementation
public func hylo_deeponet_train(_ net: OpaquePointer?, _ u: UnsafePointer<Double>?, _ n: Int, _ y: UnsafePointer<Double>?, _ numPoints: Int,
                                _ s: UnsafePointer<Double>?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                                _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_deeponet_train") {
        let h = try Handle.get(net, "net", as: DeepONetHandle.self)
        let c = h.model.configuration
        try Check.positive(n, "n", max: 1 << 30)
        try Check.positive(numPoints, "num_points", max: 1 << 30)
        let options = try operatorTrainingOptions(opts, defaults: deepONetTrainingDefaults(batch: n))
        try checkDeepONetActivations(c, functions: Swift.min(options.batchSize, n), points: numPoints, cartesian: true)
        let ut = try matrixTensor(u, rows: n, columns: c.sensors, "u")
        let yt = try matrixTensor(y, rows: numPoints, columns: c.coordinates, "y")
        let st = try matrixTensor(s, rows: n, columns: numPoints, "s")
        if options.loss == .relativeL2 { try checkRelativeTargets(st.scalars.array, samples: n, "s") }
        try trainOperator(progress, progressData) { h.model.fit(.cartesian(u: ut, y: yt, s: st), options: options, progress: $0) }
    }
}

@c @implementation
public func hylo_deeponet_train_pointwise(_ net: OpaquePointer?, _ u: UnsafePointer<Double>?, _ y: UnsafePointer<Double>?,
                                          _ s: UnsafePointer<Double>?, _ n: Int, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                                          _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_deeponet_train_pointwise") {
        let h = try Handle.get(net, "net", as: DeepONetHandle.self)
        let c = h.model.configuration
        try Check.positive(n, "n", max: 1 << 30)
        let options = try operatorTrainingOptions(opts, defaults: deepONetTrainingDefaults(batch: n))
        let batch = Swift.min(options.batchSize, n)
        try checkDeepONetActivations(c, functions: batch, points: batch, cartesian: false)
        if options.loss == .relativeL2 {
            throw HyloError.option("the relative L2 loss needs whole output functions; pointwise data use \"loss\" = \"mse\"")
        }
        let ut = try matrixTensor(u, rows: n, columns: c.sensors, "u")
        let yt = try matrixTensor(y, rows: n, columns: c.coordinates, "y")
        let st = Tensor(try matrixTensor(s, rows: n, columns: 1, "s").scalars.array)
        try trainOperator(progress, progressData) { h.model.fit(.pointwise(u: ut, y: yt, s: st), options: options, progress: $0) }
    }
}

@c @implementation
public func hylo_deeponet_predict(_ net: OpaquePointer?, _ u: UnsafePointer<Double>?, _ n: Int, _ y: UnsafePointer<Double>?,
                                  _ numPoints: Int, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_deeponet_predict") {
        let model = try Handle.get(net, "net", as: DeepONetHandle.self).model
        try Check.positive(n, "n", max: 1 << 30)
        try Check.positive(numPoints, "num_points", max: 1 << 30)
        guard try Check.product(n, numPoints, "out") <= 1 << 31 else { throw HyloError.invalid("out would hold more than 2^31 numbers") }
        try checkDeepONetActivations(model.configuration, functions: Swift.min(4096, n), points: numPoints, cartesian: true)
        let ut = try matrixTensor(u, rows: n, columns: model.configuration.sensors, "u")
        let yt = try matrixTensor(y, rows: numPoints, columns: model.configuration.coordinates, "y")
        let out = try Check.pointer(out, "out")
        model.predict(ut, at: yt).scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_deeponet_predict_pointwise(_ net: OpaquePointer?, _ u: UnsafePointer<Double>?, _ y: UnsafePointer<Double>?, _ n: Int,
                                            _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_deeponet_predict_pointwise") {
        let model = try Handle.get(net, "net", as: DeepONetHandle.self).model
        try Check.positive(n, "n", max: 1 << 30)
        try checkDeepONetActivations(model.configuration, functions: Swift.min(4096, n), points: Swift.min(4096, n), cartesian: false)
        let ut = try matrixTensor(u, rows: n, columns: model.configuration.sensors, "u")
        let yt = try matrixTensor(y, rows: n, columns: model.configuration.coordinates, "y")
        let out = try Check.pointer(out, "out")
        model.predictPointwise(ut, at: yt).scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_deeponet_save(_ net: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_deeponet_save") {
        let h = try Handle.get(net, "net", as: DeepONetHandle.self)
        try Files.save(path) { try h.model.checkpoint() }
    }
}

@c @implementation
public func hylo_deeponet_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_deeponet_load") {
        let out = try Check.pointer(out, "out")
        let model = try Files.load(path, kind: DeepONetModel.checkpointKind) { try DeepONetModel.load($0) }
        out.pointee = Handle.make(DeepONetHandle(model))
    }
}
