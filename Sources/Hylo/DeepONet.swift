import CHylo
import HyloCore
import HyloNN
import HyloOperators

/// The C ABI of DeepONets: `hylo_deeponet_*`.

final class DeepONetHandle {
    let model: DeepONetModel
    init(_ model: DeepONetModel) { self.model = model }
}


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
