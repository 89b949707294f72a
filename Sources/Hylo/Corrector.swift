import CHylo
import HyloNN
import HyloODE

/// A `TimeStepper` whose step and VJP are C callbacks (the VJP by central differences when absent).
final class CallbackStepper: TimeStepper {
    let dimension: Int
    let stepCallback: hylo_step_fn
    let vjpCallback: hylo_step_vjp_fn?
    let userData: UInt

    init(dimension: Int, step: hylo_step_fn, vjp: hylo_step_vjp_fn?, userData: UnsafeMutableRawPointer?) {
        self.dimension = dimension
        self.stepCallback = step
        self.vjpCallback = vjp
        self.userData = UInt(bitPattern: userData)
    }

    var derivatives: DerivativeSource { vjpCallback == nil ? .finiteDifferences : .exact }
    private var user: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: userData) }

    func step(_ t: Double, _ dt: Double, _ u: [Double], into next: inout [Double]) throws {
        let code = u.withUnsafeBufferPointer { up in next.withUnsafeMutableBufferPointer { stepCallback(t, dt, up.baseAddress, $0.baseAddress, user) } }
        if code != 0 { throw CallbackAbort(code: code) }
    }

    func vjp(_ t: Double, _ dt: Double, _ u: [Double], cotangent v: [Double], addingTo uBar: inout [Double]) throws {
        guard let vjpCallback else { return try finiteDifferenceVJP(t, dt, u, cotangent: v, addingTo: &uBar) }
        var out = [Double](repeating: 0, count: dimension)
        let code = u.withUnsafeBufferPointer { up in
            v.withUnsafeBufferPointer { vp in out.withUnsafeMutableBufferPointer { vjpCallback(t, dt, up.baseAddress, vp.baseAddress, $0.baseAddress, user) } }
        }
        if code != 0 { throw CallbackAbort(code: code) }
        for i in 0..<dimension { uBar[i] += out[i] }
    }
}

/// The object behind `hylo_corrector *`: the corrected stepper, its weights and the last training.
final class CorrectorHandle {
    let model: CorrectedStepper
    var weights: [Double]
    var lastTraining: CorrectionTrainingResult?

    init(model: CorrectedStepper, weights: [Double]) {
        self.model = model
        self.weights = weights
    }
}

private func callbackStepper(_ n: Int, _ step: hylo_step_fn?, _ vjp: hylo_step_vjp_fn?,
                             _ userData: UnsafeMutableRawPointer?) throws -> CallbackStepper {
    try Check.positive(n, "n", max: 1 << 16)
    guard let step else { throw HyloError(HYLO_E_NULL_ARGUMENT, "step is NULL") }
    return CallbackStepper(dimension: n, step: step, vjp: vjp, userData: userData)
}

@c @implementation
public func hylo_corrector_create(_ n: Int, _ step: hylo_step_fn?, _ vjp: hylo_step_vjp_fn?, _ userData: UnsafeMutableRawPointer?,
                                  _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_corrector_create") {
        let out = try Check.pointer(out, "out")
        let stepper = try callbackStepper(n, step, vjp, userData)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let settings = try DenseNetworkOptions(&o, hiddenFeatures: 64, outputScale: 0.01)
        try o.finish()
        let network = try settings.network(inputs: n, outputs: n)
        let model = try solving { try CorrectedStepper(stepper: stepper, network: network) }
        out.pointee = Handle.make(CorrectorHandle(model: model, weights: settings.initialWeights(network)))
    }
}

@c @implementation
public func hylo_corrector_free(_ model: OpaquePointer?) { Handle.release(model, as: CorrectorHandle.self) }

@c @implementation
public func hylo_corrector_num_parameters(_ model: OpaquePointer?, _ count: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_corrector_num_parameters") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        try Check.pointer(count, "count").pointee = m.weights.count
    }
}

@c @implementation
public func hylo_corrector_get_parameters(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_corrector_get_parameters") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        try copyValues(m.weights, to: out, capacity: capacity, "the network has \(m.weights.count) weights")
    }
}

@c @implementation
public func hylo_corrector_set_parameters(_ model: OpaquePointer?, _ weights: UnsafePointer<Double>?, _ n: Int) -> hylo_status {
    abiCall("hylo_corrector_set_parameters") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        guard n == m.weights.count else { throw HyloError(HYLO_E_SHAPE, "n is \(n); the network has \(m.weights.count) weights") }
        m.weights = try Check.array(weights, count: n, "weights")
    }
}

@c @implementation
public func hylo_corrector_train(_ model: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ dt: Double,
                                 _ states: UnsafePointer<Double>?, _ numTrajectories: Int, _ numSteps: Int,
                                 _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_corrector_train") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var training = CorrectionTraining()
        training.unroll = try o.int("unroll", default: training.unroll, in: 1...100_000)
        training.iterations = try o.int("iterations", default: training.iterations, in: 0...100_000_000)
        training.batchSize = try o.int("batch_size", default: training.batchSize, in: 1...1 << 20)
        training.learningRate = try o.double("learning_rate", default: training.learningRate, in: 0...10, excludingLower: true)
        training.finalLearningRateFactor = try o.double("final_learning_rate_factor", default: training.finalLearningRateFactor, in: 0...1)
        training.weightDecay = try o.double("weight_decay", default: 0, in: 0...1e6)
        training.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
        guard dt > 0, dt.isFinite else { throw HyloError.invalid("dt is \(dt); it must be finite and > 0") }
        try Check.positive(numTrajectories, "num_trajectories", max: 1 << 24)
        try Check.positive(numSteps, "num_steps", max: 1 << 28)
        guard numSteps > training.unroll - 1 else {
            throw HyloError.invalid("num_steps is \(numSteps); training unrolls \(training.unroll) steps, so it must be at least that")
        }
        let n = m.model.dimension, rows = numSteps + 1
        let count = try Check.product(try Check.product(numTrajectories, rows, "num_trajectories × (num_steps + 1)"), n, "states")
        let values = try Check.array(states, count: count, "states")
        let trajectories = (0..<numTrajectories).map { j in
            (0..<rows).map { k in Array(values[((j * rows + k) * n)..<((j * rows + k + 1) * n)]) }
        }
        let result = try solving {
            try trainCorrection(m.model, trajectories: trajectories, t0: t0, dt: dt, initialWeights: m.weights, options: training) { done, total, loss in
                guard let progress else { return true }
                return "train".withCString { progress($0, Int64(done), Int64(total), loss, progressData) == 0 }
            }
        }
        m.weights = result.weights
        m.lastTraining = result
        if result.cancelled { throw HyloError(HYLO_E_CANCELLED, "training was cancelled by the progress callback; the model keeps the weights reached") }
    }
}

@c @implementation
public func hylo_corrector_training_result(_ model: OpaquePointer?, _ loss: UnsafeMutablePointer<Double>?,
                                           _ uncorrectedLoss: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_corrector_training_result") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        guard let r = m.lastTraining else { throw HyloError(HYLO_E_STATE, "the model has not been trained") }
        loss?.pointee = r.loss
        uncorrectedLoss?.pointee = r.uncorrectedLoss
    }
}

@c @implementation
public func hylo_corrector_rollout(_ model: OpaquePointer?, _ t0: Double, _ dt: Double, _ u0: UnsafePointer<Double>?, _ numSteps: Int,
                                   _ corrected: Int32, _ statesOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_corrector_rollout") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
        guard dt > 0, dt.isFinite else { throw HyloError.invalid("dt is \(dt); it must be finite and > 0") }
        try Check.positive(numSteps, "num_steps", max: 1 << 28)
        _ = try Check.product(numSteps, m.model.dimension, "num_steps × n")
        let u = try Check.array(u0, count: m.model.dimension, "u0")
        let out = try Check.pointer(statesOut, "states_out")
        let states = try solving {
            try m.model.rollout(from: u, t0: t0, dt: dt, steps: numSteps, weights: corrected != 0 ? m.weights : nil)
        }
        write(states, to: out)
    }
}

@c @implementation
public func hylo_corrector_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_corrector_save") {
        let m = try Handle.get(model, "model", as: CorrectorHandle.self)
        try Files.save(path) { m.model.checkpoint(weights: m.weights) }
    }
}

@c @implementation
public func hylo_corrector_load(_ path: UnsafePointer<CChar>?, _ n: Int, _ step: hylo_step_fn?, _ vjp: hylo_step_vjp_fn?,
                                _ userData: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_corrector_load") {
        let out = try Check.pointer(out, "out")
        let stepper = try callbackStepper(n, step, vjp, userData)
        let (model, weights) = try Files.load(path, kind: CorrectedStepper.checkpointKind) { try CorrectedStepper.load($0, stepper: stepper) }
        out.pointee = Handle.make(CorrectorHandle(model: model, weights: weights))
    }
}
