import Glibc
import HyloCore
import HyloODE
import HyloSBI

/// sbibm's sir: θ = (β, γ) with β ~ LogNormal(log 0.4, 0.5), γ ~ LogNormal(log 0.125, 0.2);
/// S' = −β S I / N, I' = β S I / N − γ I, R' = γ I with N = 10⁶, (S, I, R)(0) = (N − 1, 1, 0),
/// solved by Tsit5 (rtol = atol = 10⁻⁸); x_k ~ Binomial(1000, I(t_k) / N) at t_k = 0, 17, …, 153 days.
/// A failed solve is a failed simulation.
public final class SIR: SBITask {
    public let name = "sir"
    public let prior: Prior = IndependentPrior([.logNormal(mu: Glibc.log(0.4), sigma: 0.5),
                                               .logNormal(mu: Glibc.log(0.125), sigma: 0.2)])
    public let dataDimension = 10
    static let population = 1e6
    static let observationTimes = (0..<10).map { 17.0 * Double($0) }
    let system = ClosureSystem(dimension: 3, parameterCount: 2) { _, y, p, dy in
        let infections = p[0] * y[0] * y[1] / SIR.population, recoveries = p[1] * y[1]
        dy[0] = -infections
        dy[1] = infections - recoveries
        dy[2] = recoveries
        return true
    }
    public init() {}

    /// I(t_k) / N at the observation times, or nil when the solver fails.
    func infectedFraction(beta: Double, gamma: Double) -> [Double]? {
        guard let solution = try? solve(system, y0: [Self.population - 1, 1, 0], t0: 0, times: Self.observationTimes,
                                        parameters: [beta, gamma], options: sbibmSolverOptions) else { return nil }
        return solution.states.map { $0[1] / Self.population }
    }

    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        guard let fractions = infectedFraction(beta: t[0], gamma: t[1]) else { return 1 }
        for (k, f) in fractions.enumerated() { x[k] = Double(rng.binomial(1000, Swift.min(Swift.max(f, 0), 1))) }
        return 0
    }
}

/// sbibm solves its ODE tasks with DifferentialEquations.jl's Tsit5 at reltol = abstol = 10⁻⁸, saving by
/// interpolation.
let sbibmSolverOptions: SolverOptions = {
    var options = SolverOptions(method: .explicit(.tsitouras5))
    options.relativeTolerance = 1e-8
    options.absoluteTolerance = 1e-8
    options.stopAtOutputTimes = false
    options.maxSteps = 100_000
    return options
}()
