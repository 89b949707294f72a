import Glibc

/// The result of a solve: the states at the requested times, the accepted steps (dense output) and
/// the cost.
public struct ODESolution: Sendable {
    public let times: [Double]
    /// `states[k]` is the solution at `times[k]`.
    public let states: [[Double]]
    public let trajectory: Trajectory
    public let statistics: ODEStatistics
}

/// Solves `y' = f(t, y; p)`, `y(t0) = y0`, and returns the solution at `times` (monotone, all on one
/// side of `t0`; integrating backwards in time is allowed).
public func solve(_ system: ODESystem, y0: [Double], t0: Double, times: [Double], parameters: [Double] = [],
                  options: SolverOptions = SolverOptions()) throws -> ODESolution {
    try solve(system, y0: y0, t0: t0, times: times, parameters: parameters, options: options, recordingStages: false)
}

/// `recordingStages` keeps every step's stage values in the trajectory, so that a discrete
/// adjoint need not recompute them.
func solve(_ system: ODESystem, y0: [Double], t0: Double, times: [Double], parameters: [Double],
           options: SolverOptions, recordingStages: Bool) throws -> ODESolution {
    try validateProblem(system, y0: y0, t0: t0, times: times, parameters: parameters, options: options)
    let evaluator = Evaluator(system, parameters: parameters)
    var integrator = Integrator(evaluator, options: options)
    integrator.recordingStages = recordingStages
    return try integrator.run(y0: y0, t0: t0, times: times)
}

func validateProblem(_ system: ODESystem, y0: [Double], t0: Double, times: [Double], parameters: [Double],
                     options: SolverOptions) throws {
    func fail(_ m: String) throws -> Never { throw ODEError.invalidArgument(m) }
    try options.validate()
    if y0.count != system.dimension { try fail("y0 has \(y0.count) entries, the system has dimension \(system.dimension)") }
    if parameters.count != system.parameterCount {
        try fail("p has \(parameters.count) entries, the system has \(system.parameterCount) parameters")
    }
    if let i = y0.firstIndex(where: { !$0.isFinite }) { try fail("y0[\(i)] is \(y0[i])") }
    if let i = parameters.firstIndex(where: { !$0.isFinite }) { try fail("p[\(i)] is \(parameters[i])") }
    if !t0.isFinite { try fail("t0 is \(t0)") }
    if times.isEmpty { try fail("no output times") }
    if let i = times.firstIndex(where: { !$0.isFinite }) { try fail("times[\(i)] is \(times[i])") }
    let forward = times[times.count - 1] >= t0
    var previous = t0
    for (i, t) in times.enumerated() {
        if forward ? t < previous : t > previous {
            try fail("times must be monotone and on one side of t0 = \(t0): times[\(i)] = \(t) comes after \(previous)")
        }
        previous = t
    }
}

/// The step loop shared by every method: step-size control, retries, output, recording.
struct Integrator {
    let f: Evaluator
    let options: SolverOptions
    var stepper: Stepper
    var recordingStages = false

    init(_ evaluator: Evaluator, options: SolverOptions) {
        f = evaluator
        self.options = options
        stepper = makeStepper(options.method, dimension: evaluator.dimension, options: options)
    }

    mutating func run(y0: [Double], t0: Double, times: [Double]) throws -> ODESolution {
        let d = f.dimension, tEnd = times[times.count - 1]
        let direction: Double = tEnd >= t0 ? 1 : -1
        let adaptive = options.fixedStep == nil
        let exponent = Double(options.method.errorExponent)
        let rtol = options.relativeTolerance, atol = options.absoluteTolerance

        var t = t0, y = y0
        var f0 = [Double](repeating: 0, count: d), yNew = f0, fNew = f0, error = f0
        guard try f.rhs(t0, y0, into: &f0) else {
            throw ODEError.invalidArgument("the right-hand side rejects the initial state (illegal state or non-finite f at t0 = \(t0))")
        }
        var trajectory = Trajectory()
        trajectory.append(t, y, f0)
        var outputs: [[Double]] = []
        var k = 0
        while k < times.count && times[k] == t0 { outputs.append(y0); k += 1 }

        var h: Double
        if let given = options.fixedStep ?? options.initialStep {
            h = given
        } else {
            h = try initialStep(t0: t0, y0: y0, f0: f0, direction: direction, span: abs(tEnd - t0))
        }
        var previousError = 1e-4, rejectedLast = false
        while k < times.count {
            let target = options.stopAtOutputTimes ? times[k] : tEnd
            let remaining = abs(target - t)
            var stepSize = min(h, options.maxStep)
            let landing = stepSize >= remaining * (1 - 1e-12)
            if landing { stepSize = remaining }
            if f.statistics.acceptedSteps + f.statistics.rejectedSteps >= options.maxSteps {
                throw ODEError.tooManySteps(t: t, steps: options.maxSteps)
            }
            let outcome = try stepper.step(f, t: t, y: y, f0: f0, h: direction * stepSize,
                                           yNew: &yNew, fNew: &fNew, error: &error)
            var errorNorm = 0.0
            var shrink: Double?
            switch outcome {
            case .retry(let factor): shrink = factor
            case .completed:
                if adaptive {
                    errorNorm = weightedNorm(error, y, yNew, rtol: rtol, atol: atol)
                    if !errorNorm.isFinite { shrink = 0.25 }
                }
            }
            if shrink == nil && errorNorm <= 1 {
                let tNew = landing ? target : t + direction * stepSize
                if !yNew.allSatisfy({ $0.isFinite }) { throw ODEError.nonFinite(t: tNew) }
                f.statistics.acceptedSteps += 1
                trajectory.append(tNew, yNew, fNew)
                if recordingStages { trajectory.stages.append(stepper.stageValues) }
                while k < times.count && direction * (times[k] - tNew) <= 0 {
                    outputs.append(times[k] == tNew ? yNew : trajectory.hermite(at: times[k], from: trajectory.times.count - 2))
                    k += 1
                }
                t = tNew
                swap(&y, &yNew)
                swap(&f0, &fNew)
                if adaptive {
                    var factor = errorNorm == 0 ? options.maxGrowth
                        : options.safetyFactor * pow(errorNorm, -options.controllerBeta1 / exponent)
                            * pow(previousError, options.controllerBeta2 / exponent)
                    factor = min(rejectedLast ? 1 : options.maxGrowth, max(options.minShrink, factor))
                    h = stepSize * factor
                    previousError = max(errorNorm, 1e-4)
                }
                rejectedLast = false
                continue
            }
            // rejected
            f.statistics.rejectedSteps += 1
            rejectedLast = true
            if let shrink {
                h = stepSize * shrink
            } else {
                h = stepSize * max(options.minShrink, options.safetyFactor * pow(errorNorm, -1 / exponent))
            }
            if !adaptive || h < max(options.minStep, 1e-14 * max(1, abs(t))) {
                throw ODEError.stepSizeTooSmall(t: t, h: h)
            }
        }
        return ODESolution(times: times, states: outputs, trajectory: trajectory, statistics: f.statistics)
    }

    /// Hairer–Wanner's starting step (I, §II.4): a step whose Euler error would be about 1 % of the
    /// tolerance, limited by the curvature seen after one trial step.
    private func initialStep(t0: Double, y0: [Double], f0: [Double], direction: Double, span: Double) throws -> Double {
        let rtol = options.relativeTolerance, atol = options.absoluteTolerance
        let scale = y0.map { atol + rtol * abs($0) }
        func rms(_ v: [Double]) -> Double {
            (zip(v, scale).reduce(0) { $0 + ($1.0 / $1.1) * ($1.0 / $1.1) } / Double(max(v.count, 1))).squareRoot()
        }
        let d0 = rms(y0), d1 = rms(f0)
        var h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1
        h0 = min(h0, span)
        let y1 = (0..<y0.count).map { y0[$0] + direction * h0 * f0[$0] }
        var f1 = f0
        guard try f.rhs(t0 + direction * h0, y1, into: &f1) else { return h0 * 0.01 }
        let d2 = rms((0..<y0.count).map { f1[$0] - f0[$0] }) / h0
        let m = max(d1, d2)
        let h1 = m <= 1e-15 ? max(1e-6, h0 * 1e-3) : pow(0.01 / m, 1 / Double(options.method.order + 1))
        return min(100 * h0, h1, min(span, options.maxStep))
    }
}
