/// How a solve is carried out. The defaults suit non-stiff problems at about six digits.
public struct SolverOptions: Sendable {
    public var method: ODEMethod = .explicit(.tsitouras5)
    public var relativeTolerance = 1e-6
    public var absoluteTolerance = 1e-9
    /// The first step (nil: chosen from the problem, Hairer–Wanner's algorithm).
    public var initialStep: Double?
    /// Fixed step size: required by methods without an error estimate, optional for the others
    /// (which then take exactly these steps, without error control).
    public var fixedStep: Double?
    public var minStep = 0.0
    public var maxStep = Double.infinity
    public var maxSteps = 100_000
    /// Land steps exactly on the output times (the default: outputs have the method's full
    /// accuracy, and gradients are those of the discrete solution). When false, outputs between
    /// steps come from the cubic Hermite dense output, which is only third-order accurate but
    /// costs no extra steps when outputs are dense.
    public var stopAtOutputTimes = true
    /// Newton iterations per implicit stage before the step is retried with h/4.
    public var maxNewtonIterations = 8
    /// PI step-size controller (Hairer–Wanner II, §IV.8): `h ← h · s · err^(−β₁/k) · err_prev^(β₂/k)`,
    /// with `k` the error exponent of the method.
    public var controllerBeta1 = 0.7
    public var controllerBeta2 = 0.4
    public var safetyFactor = 0.9
    public var maxGrowth = 10.0
    public var minShrink = 0.2

    public init(method: ODEMethod = .explicit(.tsitouras5)) { self.method = method }

    /// Checks the options against each other; the message names the option and the fix.
    public func validate() throws {
        func fail(_ m: String) throws -> Never { throw ODEError.invalidArgument(m) }
        if !(relativeTolerance >= 0 && relativeTolerance.isFinite) { try fail("rtol must be ≥ 0 and finite, got \(relativeTolerance)") }
        if !(absoluteTolerance >= 0 && absoluteTolerance.isFinite) { try fail("atol must be ≥ 0 and finite, got \(absoluteTolerance)") }
        if relativeTolerance == 0 && absoluteTolerance == 0 { try fail("rtol and atol are both 0; one must be positive") }
        if let h = fixedStep, !(h > 0 && h.isFinite) { try fail("fixed_step must be > 0 and finite, got \(h)") }
        if fixedStep == nil && !method.isAdaptive {
            try fail("method \(method.name) has no error estimate: set fixed_step, or use an adaptive method (\(ODEMethod.names.filter { ODEMethod.named($0)!.isAdaptive }.joined(separator: ", ")))")
        }
        if let h = initialStep, !(h > 0 && h.isFinite) { try fail("initial_step must be > 0 and finite, got \(h)") }
        if !(minStep >= 0 && minStep.isFinite) { try fail("min_step must be ≥ 0, got \(minStep)") }
        if !(maxStep > 0) { try fail("max_step must be > 0, got \(maxStep)") }
        if minStep > maxStep { try fail("min_step \(minStep) exceeds max_step \(maxStep)") }
        if maxSteps < 1 { try fail("max_steps must be ≥ 1, got \(maxSteps)") }
        if maxNewtonIterations < 1 { try fail("max_newton_iterations must be ≥ 1") }
    }
}

/// What a solve cost.
public struct ODEStatistics: Sendable, Equatable {
    public var acceptedSteps = 0
    public var rejectedSteps = 0
    public var rhsEvaluations = 0
    public var jacobianEvaluations = 0
    public var factorizations = 0
    public var newtonIterations = 0
    /// Steps retried because Newton did not converge.
    public var newtonFailures = 0
    /// Steps retried because the right-hand side reported an illegal state (or a NaN).
    public var illegalStates = 0

    public init() {}

    public static func + (a: ODEStatistics, b: ODEStatistics) -> ODEStatistics {
        var s = a
        s.acceptedSteps += b.acceptedSteps; s.rejectedSteps += b.rejectedSteps; s.rhsEvaluations += b.rhsEvaluations
        s.jacobianEvaluations += b.jacobianEvaluations; s.factorizations += b.factorizations
        s.newtonIterations += b.newtonIterations; s.newtonFailures += b.newtonFailures; s.illegalStates += b.illegalStates
        return s
    }
}
