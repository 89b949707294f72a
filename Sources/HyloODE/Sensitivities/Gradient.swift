/// How gradients of a loss on the solution are computed.
public enum GradientMethod: String, Sendable, CaseIterable {
    /// Backpropagation through the solver's steps: exact gradients of the discrete solution
    /// (explicit and ESDIRK methods). The default.
    case discreteAdjoint = "discrete_adjoint"
    /// The continuous adjoint with checkpoints and interpolation (any method).
    case continuousAdjoint = "continuous_adjoint"
    /// Forward sensitivities: cost grows with the number of parameters; best for few.
    case forwardSensitivities = "forward"
}

/// The gradient of a loss `L(y(t₁), …, y(t_K))` with respect to the initial state and the
/// parameters, given the loss's cotangents `∂L/∂y(t_k)` (one row per output time) — or a closure
/// that computes them from the solution.
public struct ODEGradient: Sendable {
    public let solution: ODESolution
    public let initialState: [Double]
    public let parameters: [Double]
    /// The cost of the backward (or sensitivity) pass.
    public let statistics: ODEStatistics
}

public func gradient(_ system: ODESystem, y0: [Double], t0: Double, times: [Double], parameters: [Double],
                     options: SolverOptions = SolverOptions(), method: GradientMethod = .discreteAdjoint,
                     cotangents: (ODESolution) throws -> [[Double]]) throws -> ODEGradient {
    var options = options
    options.stopAtOutputTimes = true
    let d = system.dimension
    func checked(_ c: [[Double]]) throws -> [[Double]] {
        guard c.count == times.count, c.allSatisfy({ $0.count == d }) else {
            throw ODEError.invalidArgument("the loss cotangents must be \(times.count) × \(d) (output times × dimension)")
        }
        return c
    }
    switch method {
    case .forwardSensitivities:
        let s = try solveWithSensitivities(system, y0: y0, t0: t0, times: times, parameters: parameters,
                                           withRespectToInitialState: true, options: options)
        let c = try checked(try cotangents(s.solution))
        let m = s.columns, np = parameters.count
        var total = [Double](repeating: 0, count: m)
        for (S, v) in zip(s.sensitivities, c) {
            for i in 0..<d { for j in 0..<m { total[j] += v[i] * S[i * m + j] } }
        }
        return ODEGradient(solution: s.solution, initialState: Array(total[np...]), parameters: Array(total[0..<np]),
                           statistics: s.solution.statistics)
    case .discreteAdjoint:
        // Keeping the stage values saves recomputing every step in the backward pass; for large
        // states the backward pass recomputes them instead, to bound memory.
        let solution = try solve(system, y0: y0, t0: t0, times: times, parameters: parameters, options: options,
                                 recordingStages: d <= 4096)
        let c = try checked(try cotangents(solution))
        let adjoint = DiscreteAdjoint(system: system, parameters: parameters, options: options)
        let (yBar, pBar) = try adjoint.gradient(of: solution, cotangents: c)
        return ODEGradient(solution: solution, initialState: yBar, parameters: pBar, statistics: solution.statistics)
    case .continuousAdjoint:
        let solution = try solve(system, y0: y0, t0: t0, times: times, parameters: parameters, options: options)
        let c = try checked(try cotangents(solution))
        let adjoint = ContinuousAdjoint(system: system, parameters: parameters, options: options)
        let result = try adjoint.gradient(of: solution, t0: t0, cotangents: c)
        return ODEGradient(solution: solution, initialState: result.initialState, parameters: result.parameters,
                           statistics: result.statistics)
    }
}
