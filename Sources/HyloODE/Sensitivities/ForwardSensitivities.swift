/// Forward sensitivities `S = ∂y/∂θ` for few parameters θ (the system's parameters, and optionally
/// the initial state): the sensitivity equations `S' = J S + ∂f/∂θ` are integrated with the state,
/// as one system, by the same method and under the same error control (CVODES' simultaneous
/// corrector). Each column costs one Jacobian–vector product per stage.
public struct SensitivitySolution: Sendable {
    public let solution: ODESolution
    /// `sensitivities[k]` is `∂y(times[k])/∂θ`, row-major `dimension × columns`: the parameters
    /// first, then (if requested) the initial state.
    public let sensitivities: [[Double]]
    public let columns: Int
}

public func solveWithSensitivities(_ system: ODESystem, y0: [Double], t0: Double, times: [Double],
                                   parameters: [Double], withRespectToInitialState: Bool = false,
                                   options: SolverOptions = SolverOptions()) throws -> SensitivitySolution {
    try validateProblem(system, y0: y0, t0: t0, times: times, parameters: parameters, options: options)
    if case .rosenbrock = options.method {
        throw ODEError.invalidArgument(
            "forward sensitivities need a method that tolerates an approximate Jacobian of the sensitivity system: use kvaerno5 (stiff) or an explicit method; rodas4 gradients are available by the continuous adjoint")
    }
    let augmented = SensitivitySystem(system, withRespectToInitialState: withRespectToInitialState)
    let d = system.dimension, m = augmented.columns
    var z0 = y0 + Array(repeating: 0, count: d * m)
    if withRespectToInitialState {
        for i in 0..<d { z0[d + i * m + system.parameterCount + i] = 1 }
    }
    let evaluator = Evaluator(augmented, parameters: parameters)
    var integrator = Integrator(evaluator, options: options)
    let full = try integrator.run(y0: z0, t0: t0, times: times)
    let states = full.states.map { Array($0[0..<d]) }
    let sensitivities = full.states.map { Array($0[d...]) }
    var trajectory = Trajectory()
    for (t, (z, f)) in zip(full.trajectory.times, zip(full.trajectory.states, full.trajectory.derivatives)) {
        trajectory.append(t, Array(z[0..<d]), Array(f[0..<d]))
    }
    let solution = ODESolution(times: times, states: states, trajectory: trajectory, statistics: full.statistics)
    return SensitivitySolution(solution: solution, sensitivities: sensitivities, columns: m)
}

/// The state and its sensitivities as one system of dimension `d (1 + columns)`; the sensitivity
/// block is row-major `d × columns` after the state.
final class SensitivitySystem: ODESystem {
    let base: ODESystem
    let columns: Int
    let dimension: Int
    var parameterCount: Int { base.parameterCount }
    var derivatives: DerivativeSource { base.derivatives }
    private var column: [Double], product: [Double], direction: [Double]

    init(_ base: ODESystem, withRespectToInitialState: Bool) {
        self.base = base
        columns = base.parameterCount + (withRespectToInitialState ? base.dimension : 0)
        dimension = base.dimension * (1 + columns)
        column = Array(repeating: 0, count: base.dimension)
        product = column
        direction = Array(repeating: 0, count: base.parameterCount)
    }

    func rhs(_ t: Double, _ z: [Double], _ p: [Double], into dz: inout [Double]) throws -> Bool {
        let d = base.dimension, np = base.parameterCount
        let y = Array(z[0..<d])
        guard try base.rhs(t, y, p, into: &product) else { return false }
        for i in 0..<d { dz[i] = product[i] }
        for k in 0..<columns {
            for i in 0..<d { column[i] = z[d + i * columns + k] }
            if k < np { direction[k] = 1 }
            defer { if k < np { direction[k] = 0 } }
            guard try base.jvp(t, y, p, tangent: column, parameterTangent: k < np ? direction : [], into: &product) else {
                return false
            }
            for i in 0..<d { dz[d + i * columns + k] = product[i] }
        }
        return true
    }

    /// Block-diagonal: `∂f/∂y` for the state and for every sensitivity column. It leaves out the
    /// coupling `∂(J S)/∂y`, which only slows Newton's convergence, never changes its solution.
    func jacobian(_ t: Double, _ z: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        let d = base.dimension, n = dimension
        var block = [Double](repeating: 0, count: d * d)
        guard try base.jacobian(t, Array(z[0..<d]), p, into: &block) else { return false }
        for i in 0..<(n * n) { J[i] = 0 }
        // state block, then each column's block (column k's entries sit at d + i·columns + k)
        func place(_ index: (Int) -> Int) {
            for i in 0..<d { for j in 0..<d { J[index(i) * n + index(j)] = block[i * d + j] } }
        }
        place { $0 }
        for k in 0..<columns { place { d + $0 * self.columns + k } }
        return true
    }
}
