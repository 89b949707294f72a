import Glibc
import HyloCore
import HyloODE
import HyloSBI

/// sbibm's lotka_volterra: θ = (α, β, γ, δ), independently LogNormal(μ, 0.5) with
/// μ = (−0.125, −3, −0.125, −3); x' = α x − β x y, y' = −γ y + δ x y, (x, y)(0) = (30, 1), solved by
/// Tsit5 (rtol = atol = 10⁻⁸); the data are (x(t_1…t_10), y(t_1…t_10)) at t_k = 0, 2.1, …, 18.9, each
/// value ~ LogNormal(log clamp(u, 10⁻¹⁰, 10⁴), 0.1). A failed solve is a failed simulation.
public final class LotkaVolterra: SBITask {
    public let name = "lotka_volterra"
    public let prior: Prior = IndependentPrior([-0.125, -3, -0.125, -3].map { .logNormal(mu: $0, sigma: 0.5) })
    public let dataDimension = 20
    static let observationTimes = (0..<10).map { 2.1 * Double($0) }
    let system = ClosureSystem(dimension: 2, parameterCount: 4) { _, u, p, du in
        du[0] = p[0] * u[0] - p[1] * u[0] * u[1]
        du[1] = -p[2] * u[1] + p[3] * u[0] * u[1]
        return true
    }
    public init() {}

    /// (x, y) at the observation times, or nil when the solver fails.
    func populations(_ theta: [Double]) -> [[Double]]? {
        (try? solve(system, y0: [30, 1], t0: 0, times: Self.observationTimes, parameters: theta,
                    options: sbibmSolverOptions))?.states
    }

    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        guard let states = populations(Array(t)) else { return 1 }
        for (k, u) in states.enumerated() {
            for species in 0..<2 {
                let mean = Glibc.log(Swift.min(Swift.max(u[species], 1e-10), 1e4))
                x[species * 10 + k] = Glibc.exp(mean + 0.1 * rng.normal())
            }
        }
        return 0
    }
}
