import CHylo
import HyloODE

/// The object behind `hylo_ode *`: the callback system and the statistics of its last solve.
final class ODEHandle {
    let system: CallbackSystem
    var statistics = ODEStatistics()
    init(_ system: CallbackSystem) { self.system = system }
}

/// The solver options every ODE entry reads, over `defaults`.
func solverOptions(_ o: inout OptionReader, defaults: SolverOptions = SolverOptions()) throws -> SolverOptions {
    let name = try o.choice("method", default: defaults.method.name, from: ODEMethod.names)
    var s = defaults
    s.method = ODEMethod.named(name)!
    s.relativeTolerance = try o.double("rtol", default: s.relativeTolerance, in: 0...1)
    s.absoluteTolerance = try o.double("atol", default: s.absoluteTolerance, in: 0...1e300)
    let fixed = try o.double("fixed_step", default: 0, in: 0...1e300)
    s.fixedStep = fixed > 0 ? fixed : nil
    let initial = try o.double("initial_step", default: 0, in: 0...1e300)
    s.initialStep = initial > 0 ? initial : nil
    s.minStep = try o.double("min_step", default: 0, in: 0...1e300)
    s.maxStep = try o.double("max_step", default: .infinity, in: 0...Double.infinity, excludingLower: true)
    s.maxSteps = try o.int("max_steps", default: s.maxSteps, in: 1...Int(Int32.max))
    s.maxNewtonIterations = try o.int("max_newton_iterations", default: s.maxNewtonIterations, in: 1...100)
    s.stopAtOutputTimes = try o.bool("stop_at_output_times", default: true)
    return s
}

/// The checked arguments of a solve on one trajectory.
private struct ODEProblem {
    let handle: ODEHandle
    let options: SolverOptions
    let t0: Double, y0: [Double], p: [Double], times: [Double]

    init(_ ode: OpaquePointer?, _ o: inout OptionReader, _ t0: Double, _ y0: UnsafePointer<Double>?, _ p: UnsafePointer<Double>?,
         _ times: UnsafePointer<Double>?, _ numTimes: Int) throws {
        handle = try Handle.get(ode, "ode", as: ODEHandle.self)
        options = try solverOptions(&o)
        try Check.positive(numTimes, "num_times", max: 1 << 28)
        guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
        self.t0 = t0
        self.y0 = try Check.array(y0, count: handle.system.dimension, "y0")
        self.p = try Check.array(p, count: handle.system.parameterCount, "p")
        self.times = try Check.array(times, count: numTimes, "times")
    }

    var n: Int { handle.system.dimension }
}

/// Runs a solve, translating solver errors into statuses.
func solving<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let e as ODEError {
        throw HyloError(e)
    } catch let e as CallbackAbort {
        throw HyloError(HYLO_E_CALLBACK, "a callback aborted with code \(e.code)")
    } catch let e as BatchError {
        let inner = (e.error as? ODEError).map(HyloError.init) ?? HyloError(HYLO_E_INTERNAL, "\(e.error)")
        throw HyloError(inner.status, "trajectory \(e.index): \(inner.message)")
    }
}

extension HyloError {
    init(_ e: ODEError) {
        switch e {
        case .callbackAborted, .illegalState: self.init(HYLO_E_CALLBACK, e.description)
        case .invalidArgument(let m): self.init(HYLO_E_INVALID_ARGUMENT, m)
        case .stepSizeTooSmall, .tooManySteps, .nonFinite: self.init(HYLO_E_NUMERICAL, e.description)
        }
    }
}

func write(_ rows: [[Double]], to out: UnsafeMutablePointer<Double>) {
    var i = 0
    for row in rows { for v in row { out[i] = v; i += 1 } }
}

@c @implementation
public func hylo_ode_create(_ n: Int, _ numParams: Int, _ f: hylo_ode_rhs_fn?, _ userData: UnsafeMutableRawPointer?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_ode_create") {
        let out = try Check.pointer(out, "out")
        try Check.positive(n, "n", max: 1 << 16)
        guard numParams >= 0, numParams <= 1 << 24 else { throw HyloError.invalid("num_params is \(UInt(bitPattern: numParams)); it must be at most \(1 << 24)") }
        let f = try Check.pointer(f, "f")
        out.pointee = Handle.make(ODEHandle(CallbackSystem(dimension: n, parameterCount: numParams, f: f, userData: userData)))
    }
}

@c @implementation
public func hylo_ode_free(_ ode: OpaquePointer?) { Handle.release(ode, as: ODEHandle.self) }

@c @implementation
public func hylo_ode_set_jacobian(_ ode: OpaquePointer?, _ jacobian: hylo_ode_jacobian_fn?) -> hylo_status {
    abiCall("hylo_ode_set_jacobian") { try Handle.get(ode, "ode", as: ODEHandle.self).system.jacobianCallback = jacobian }
}

@c @implementation
public func hylo_ode_set_jvp(_ ode: OpaquePointer?, _ jvp: hylo_ode_jvp_fn?) -> hylo_status {
    abiCall("hylo_ode_set_jvp") { try Handle.get(ode, "ode", as: ODEHandle.self).system.jvpCallback = jvp }
}

@c @implementation
public func hylo_ode_set_vjp(_ ode: OpaquePointer?, _ vjpY: hylo_ode_vjp_fn?, _ vjpP: hylo_ode_vjp_fn?) -> hylo_status {
    abiCall("hylo_ode_set_vjp") {
        let system = try Handle.get(ode, "ode", as: ODEHandle.self).system
        system.vjpStateCallback = vjpY
        system.vjpParameterCallback = vjpP
    }
}

@c @implementation
public func hylo_ode_derivative_sources(_ ode: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?, _ n: Int) -> hylo_status {
    abiCall("hylo_ode_derivative_sources") {
        let sources = try Handle.get(ode, "ode", as: ODEHandle.self).system.sources
        let out = try Check.pointer(out, "out")
        guard n >= sources.count else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "n is \(n); out needs \(sources.count) entries") }
        for (i, s) in sources.enumerated() { out[i] = s.rawValue }
    }
}

@c @implementation
public func hylo_ode_statistics(_ ode: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ n: Int) -> hylo_status {
    abiCall("hylo_ode_statistics") {
        let s = try Handle.get(ode, "ode", as: ODEHandle.self).statistics
        let out = try Check.pointer(out, "out")
        let values = [s.acceptedSteps, s.rejectedSteps, s.rhsEvaluations, s.jacobianEvaluations, s.factorizations,
                      s.newtonIterations, s.newtonFailures, s.illegalStates]
        guard n >= values.count else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "n is \(n); out needs \(values.count) entries") }
        for (i, v) in values.enumerated() { out[i] = Int64(v) }
    }
}

@c @implementation
public func hylo_ode_solve(_ ode: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                           _ p: UnsafePointer<Double>?, _ times: UnsafePointer<Double>?, _ numTimes: Int,
                           _ statesOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_ode_solve") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let problem = try ODEProblem(ode, &o, t0, y0, p, times, numTimes)
        try o.finish()
        let out = try Check.pointer(statesOut, "states_out")
        let solution = try solving {
            try solve(problem.handle.system, y0: problem.y0, t0: t0, times: problem.times, parameters: problem.p,
                      options: problem.options)
        }
        problem.handle.statistics = solution.statistics
        write(solution.states, to: out)
    }
}

@c @implementation
public func hylo_ode_solve_batch(_ ode: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                                 _ batch: Int, _ p: UnsafePointer<Double>?, _ pRows: Int, _ times: UnsafePointer<Double>?,
                                 _ numTimes: Int, _ statesOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_ode_solve_batch") {
        let handle = try Handle.get(ode, "ode", as: ODEHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let options = try solverOptions(&o)
        let workers = try o.int("num_workers", default: 1, in: 1...1024)
        try o.finish()
        try Check.positive(batch, "batch", max: 1 << 28)
        try Check.positive(numTimes, "num_times", max: 1 << 28)
        guard pRows == 1 || pRows == batch else { throw HyloError(HYLO_E_SHAPE, "p_rows is \(pRows); it must be 1 or batch (\(batch))") }
        guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
        let n = handle.system.dimension, np = handle.system.parameterCount
        let y = try Check.array(y0, count: try Check.product(batch, n, "batch × n"), "y0")
        let ps = try Check.array(p, count: try Check.product(pRows, np, "p_rows × num_params"), "p")
        let ts = try Check.array(times, count: numTimes, "times")
        let out = try Check.pointer(statesOut, "states_out")
        _ = try Check.product(try Check.product(batch, numTimes, "batch × num_times"), n, "batch × num_times × n")
        let solutions = try solving {
            try solveBatch(handle.system, y0: (0..<batch).map { Array(y[($0 * n)..<(($0 + 1) * n)]) }, t0: t0, times: ts,
                           parameters: (0..<pRows).map { Array(ps[($0 * np)..<(($0 + 1) * np)]) }, options: options, workers: workers)
        }
        handle.statistics = solutions.reduce(ODEStatistics()) { $0 + $1.statistics }
        write(solutions.flatMap(\.states), to: out)
    }
}

@c @implementation
public func hylo_ode_sensitivities(_ ode: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                                   _ p: UnsafePointer<Double>?, _ times: UnsafePointer<Double>?, _ numTimes: Int,
                                   _ statesOut: UnsafeMutablePointer<Double>?, _ sensOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_ode_sensitivities") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let problem = try ODEProblem(ode, &o, t0, y0, p, times, numTimes)
        try o.finish()
        let states = try Check.pointer(statesOut, "states_out")
        let sens = try Check.pointer(sensOut, "sens_out")
        let result = try solving {
            try solveWithSensitivities(problem.handle.system, y0: problem.y0, t0: t0, times: problem.times,
                                       parameters: problem.p, options: problem.options)
        }
        problem.handle.statistics = result.solution.statistics
        write(result.solution.states, to: states)
        write(result.sensitivities, to: sens)
    }
}

@c @implementation
public func hylo_ode_gradient(_ ode: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                              _ p: UnsafePointer<Double>?, _ times: UnsafePointer<Double>?, _ numTimes: Int,
                              _ loss: hylo_ode_loss_fn?, _ lossData: UnsafeMutableRawPointer?, _ lossOut: UnsafeMutablePointer<Double>?,
                              _ statesOut: UnsafeMutablePointer<Double>?, _ gradY0: UnsafeMutablePointer<Double>?,
                              _ gradP: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_ode_gradient") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let problem = try ODEProblem(ode, &o, t0, y0, p, times, numTimes)
        let method = GradientMethod(rawValue: try o.choice("gradient", default: GradientMethod.discreteAdjoint.rawValue,
                                                           from: GradientMethod.allCases.map(\.rawValue)))!
        try o.finish()
        let loss = try Check.pointer(loss, "loss")
        let n = problem.n
        var lossValue = Double.nan
        let result = try solving {
            try gradient(problem.handle.system, y0: problem.y0, t0: t0, times: problem.times, parameters: problem.p,
                         options: problem.options, method: method) { solution in
                let states = solution.states.flatMap { $0 }
                var cotangents = [Double](repeating: 0, count: states.count)
                let code = problem.times.withUnsafeBufferPointer { tp in
                    states.withUnsafeBufferPointer { sp in
                        cotangents.withUnsafeMutableBufferPointer { cp in
                            loss(tp.baseAddress, sp.baseAddress, numTimes, n, &lossValue, cp.baseAddress, lossData)
                        }
                    }
                }
                guard code == 0 else { throw HyloError(HYLO_E_CALLBACK, "the loss callback returned \(code)") }
                guard lossValue.isFinite, cotangents.allSatisfy({ $0.isFinite }) else {
                    throw HyloError(HYLO_E_NUMERICAL, "the loss callback returned a non-finite loss or cotangent")
                }
                return (0..<numTimes).map { Array(cotangents[($0 * n)..<(($0 + 1) * n)]) }
            }
        }
        problem.handle.statistics = result.statistics
        lossOut?.pointee = lossValue
        if let statesOut { write(result.solution.states, to: statesOut) }
        if let gradY0 { write([result.initialState], to: gradY0) }
        if let gradP { write([result.parameters], to: gradP) }
    }
}
