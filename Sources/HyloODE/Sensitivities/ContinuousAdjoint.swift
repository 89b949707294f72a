/// The continuous adjoint (CVODES' backward problem): from the last output time back to `t0`,
///
///     λ' = −(∂f/∂y)ᵀ λ,   μ' = −(∂f/∂p)ᵀ λ,   λ(t_K) = ∂L/∂y(t_K),   μ(t_K) = 0,
///
/// with `λ` jumping by `∂L/∂y(t_k)` at each output time; then `∂L/∂y0 = λ(t0)` and `∂L/∂p = μ(t0)`.
/// The forward solution comes from the forward solve's steps (every accepted step is a
/// checkpoint) by cubic Hermite interpolation; `μ` is integrated with `λ` under the same error
/// control (the quadrature). Gradients converge to those of the exact solution as the tolerances
/// shrink; they are not the exact gradients of the discrete solution.
struct ContinuousAdjoint {
    let system: ODESystem
    let parameters: [Double]
    let options: SolverOptions

    func gradient(of solution: ODESolution, t0: Double, cotangents: [[Double]])
        throws -> (initialState: [Double], parameters: [Double], statistics: ODEStatistics) {
        let d = system.dimension, np = parameters.count
        let adjoint = AdjointSystem(system, forward: solution.trajectory)
        var backward = options
        // Rosenbrock methods need the exact Jacobian of the adjoint system, which includes ∂f/∂p.
        if case .rosenbrock = options.method { backward.method = .esdirk(.kvaerno5) }
        backward.stopAtOutputTimes = true
        var state = [Double](repeating: 0, count: d + np)
        var statistics = ODEStatistics()
        var k = solution.times.count - 1
        var t = solution.times[k]
        while true {
            while k >= 0 && solution.times[k] == t {
                for i in 0..<d { state[i] += cotangents[k][i] }
                k -= 1
            }
            let next = k >= 0 ? solution.times[k] : t0
            if next == t { break }
            let segment = try solve(adjoint, y0: state, t0: t, times: [next], parameters: parameters, options: backward)
            statistics = statistics + segment.statistics
            state = segment.states[0]
            t = next
            if k < 0 { break }
        }
        return (Array(state[0..<d]), Array(state[d...]), statistics)
    }
}

/// The adjoint system in `(λ, μ)`, evaluated along an interpolated forward solution.
final class AdjointSystem: ODESystem {
    let base: ODESystem
    let forward: Trajectory
    let dimension: Int
    var parameterCount: Int { base.parameterCount }
    var derivatives: DerivativeSource { base.derivatives }

    init(_ base: ODESystem, forward: Trajectory) {
        self.base = base
        self.forward = forward
        dimension = base.dimension + base.parameterCount
    }

    func rhs(_ t: Double, _ z: [Double], _ p: [Double], into dz: inout [Double]) throws -> Bool {
        let d = base.dimension
        var yBar = [Double](repeating: 0, count: d), pBar = [Double](repeating: 0, count: p.count)
        guard try base.vjp(t, forward(t), p, cotangent: Array(z[0..<d]), addingTo: &yBar, &pBar) else { return false }
        for i in 0..<d { dz[i] = -yBar[i] }
        for k in 0..<p.count { dz[d + k] = -pBar[k] }
        return true
    }

    /// `[[−Jᵀ, 0], [−(∂f/∂p)ᵀ, 0]]` without the lower-left block (which only ESDIRK's Newton
    /// iteration sees, and which does not change its solution).
    func jacobian(_ t: Double, _ z: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        let d = base.dimension, n = dimension
        var block = [Double](repeating: 0, count: d * d)
        guard try base.jacobian(t, forward(t), p, into: &block) else { return false }
        for i in 0..<(n * n) { J[i] = 0 }
        for i in 0..<d { for j in 0..<d { J[i * n + j] = -block[j * d + i] } }
        return true
    }
}
