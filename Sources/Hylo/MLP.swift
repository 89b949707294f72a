import CHylo
import HyloCore
import HyloNN

/// Option spellings of initializers in the C ABI.
private let initializerNames: [String: Initializer] = [
    "xavier_uniform": .xavierUniform, "xavier_normal": .xavierNormal, "he_uniform": .heUniform,
    "he_normal": .heNormal, "orthogonal": .orthogonal,
]

@c @implementation
public func hylo_mlp_create(_ nInputs: Int, _ nOutputs: Int, _ opts: OpaquePointer?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_mlp_create") {
        let out = try Check.pointer(out, "out")
        try Check.positive(nInputs, "n_inputs", max: 1 << 20)
        try Check.positive(nOutputs, "n_outputs", max: 1 << 20)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let width = try o.int("hidden_features", default: 64, in: 1...65536)
        let depth = try o.int("hidden_layers", default: 2, in: 0...64)
        let activation = Activation(rawValue: try o.choice("activation", default: "tanh",
            from: Activation.allCases.filter { $0 != .identity }.map(\.rawValue)))!
        let residual = try o.bool("residual", default: false)
        let layerNorm = try o.bool("layer_norm", default: false)
        let initName = try o.optionalChoice("initializer", from: initializerNames.keys.sorted())
        let seed = try o.int("seed", default: 0, in: 0...Int.max)
        try o.finish()
        let regressor = Regressor(inputs: nInputs, outputs: nOutputs, hidden: Array(repeating: width, count: depth),
                                  activation: activation, residual: residual, layerNorm: layerNorm,
                                  initializer: initName.flatMap { initializerNames[$0] }, seed: UInt64(seed))
        out.pointee = Handle.make(regressor)
    }
}

@c @implementation
public func hylo_mlp_free(_ mlp: OpaquePointer?) {
    Handle.release(mlp, as: Regressor.self)
}

/// Reads an `n × columns` row-major input array as a tensor.
private func matrix(_ p: UnsafePointer<Double>?, rows n: Int, columns: Int, _ name: String) throws -> Tensor {
    let count = try Check.product(n, columns, "\(name) size")
    return Tensor(shape: [n, columns], scalars: try Check.array(p, count: count, name))
}

@c @implementation
public func hylo_mlp_train(_ mlp: OpaquePointer?, _ x: UnsafePointer<Double>?, _ y: UnsafePointer<Double>?, _ n: Int,
                           _ opts: OpaquePointer?, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_mlp_train") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        try Check.positive(n, "n", max: 1 << 40)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var s = Regressor.TrainingSettings()
        s.optimizer = Regressor.OptimizerChoice(rawValue: try o.choice("optimizer", default: "adam",
            from: Regressor.OptimizerChoice.allCases.map(\.rawValue)))!
        s.loop.learningRate = try o.double("learning_rate", default: 1e-3, in: 0...1e3, excludingLower: true)
        s.loop.batchSize = try o.int("batch_size", default: 128, in: 1...(1 << 30))
        s.loop.maxEpochs = try o.int("max_epochs", default: 1000, in: 1...(1 << 30))
        s.loop.validationFraction = try o.double("validation_fraction", default: 0.1, in: 0...0.5)
        s.loop.patience = try o.int("patience", default: 20, in: 1...(1 << 30))
        let clip = try o.double("clip_norm", default: 0, in: 0...1e300)
        s.loop.clipNorm = clip > 0 ? clip : nil
        s.weightDecay = try o.double("weight_decay", default: 0, in: 0...1e3)
        s.momentum = try o.double("momentum", default: 0.9, in: 0...0.999999)
        let schedule = try o.choice("schedule", default: "constant", from: ["constant", "exponential", "cosine", "step"])
        let gamma = try o.double("schedule_gamma", default: 0.95, in: 0...1, excludingLower: true)
        let every = try o.int("schedule_step", default: 100, in: 1...(1 << 30))
        switch schedule {
        case "exponential": s.loop.schedule = .exponential(gamma: gamma)
        case "cosine": s.loop.schedule = .cosine(period: s.loop.maxEpochs, minimum: 0)
        case "step": s.loop.schedule = .step(every: every, gamma: gamma)
        default: s.loop.schedule = .constant
        }
        s.gradientTolerance = try o.double("gradient_tolerance", default: 1e-9, in: 0...1e300)
        s.standardize = try o.bool("standardize", default: true)
        s.loop.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let xs = try matrix(x, rows: n, columns: model.inputs, "x")
        let ys = try matrix(y, rows: n, columns: model.outputs, "y")
        let stage = s.optimizer == .lbfgs ? "lbfgs" : "train"
        let outcome = stage.withCString { cStage in
            model.train(x: xs, y: ys, settings: s) { done, total, loss in
                guard let progress else { return true }
                return progress(cStage, Int64(done), Int64(total), loss, userData) == 0
            }
        }
        if outcome.cancelled { throw HyloError(HYLO_E_CANCELLED, "cancelled by the progress callback after \(outcome.iterations) \(stage == "lbfgs" ? "iterations" : "epochs"); the best weights so far are kept") }
        if outcome.reason == "non_finite_loss" || outcome.reason == "non_finite" {
            throw HyloError(HYLO_E_NUMERICAL, "the loss became non-finite after \(outcome.iterations) epochs; lower learning_rate or enable clip_norm")
        }
    }
}


@c @implementation
public func hylo_mlp_training_result(_ mlp: OpaquePointer?, _ epochs: UnsafeMutablePointer<Int64>?, _ bestLoss: UnsafeMutablePointer<Double>?,
                                     _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_mlp_training_result") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        guard let r = model.outcome else { throw HyloError(HYLO_E_STATE, "the network has not been trained") }
        epochs?.pointee = Int64(r.iterations)
        bestLoss?.pointee = r.bestLoss
        stopReason?.pointee = staticCString(r.reason)
    }
}

@c @implementation
public func hylo_mlp_predict(_ mlp: OpaquePointer?, _ x: UnsafePointer<Double>?, _ n: Int, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_mlp_predict") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        let xs = try matrix(x, rows: n, columns: model.inputs, "x")
        guard n > 0 else { return }
        let out = try Check.pointer(out, "out")
        let y = model.predict(xs)
        y.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_mlp_jacobian(_ mlp: OpaquePointer?, _ x: UnsafePointer<Double>?, _ n: Int, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_mlp_jacobian") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        let xs = try matrix(x, rows: n, columns: model.inputs, "x")
        _ = try Check.product(try Check.product(n, model.outputs, "out size"), model.inputs, "out size")
        guard n > 0 else { return }
        let out = try Check.pointer(out, "out")
        let j = model.jacobian(xs)
        j.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_mlp_sizes(_ mlp: OpaquePointer?, _ nInputs: UnsafeMutablePointer<Int>?, _ nOutputs: UnsafeMutablePointer<Int>?,
                           _ nParameters: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_mlp_sizes") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        nInputs?.pointee = model.inputs
        nOutputs?.pointee = model.outputs
        nParameters?.pointee = model.parameterCount
    }
}

@c @implementation
public func hylo_mlp_save(_ mlp: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_mlp_save") {
        let model = try Handle.get(mlp, "mlp", as: Regressor.self)
        try Files.save(path) { model.checkpoint() }
    }
}

@c @implementation
public func hylo_mlp_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_mlp_load") {
        let out = try Check.pointer(out, "out")
        out.pointee = Handle.make(try Files.load(path, kind: Regressor.checkpointKind) { try Regressor(checkpoint: $0) })
    }
}
