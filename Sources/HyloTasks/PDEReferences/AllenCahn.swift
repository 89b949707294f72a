import Glibc
import HyloCore

/// The Allen–Cahn equation of the PINN benchmarks, u_t = ε u_xx + 5u − 5u³ (ε = 1e-4), periodic on
/// [−1, 1], u(0, x) = x² cos(πx), by the Fourier exponential time-differencing Runge–Kutta scheme
/// ETDRK4 (Cox & Matthews 2002) with the φ-function coefficients evaluated by contour integrals
/// (Kassam & Trefethen 2005): the stiff linear part L = −εk² + 5 exactly, the nonlinearity
/// N(u) = −5u³ by fourth-order stages. With 512 points (the 511 resolved modes of the benchmark)
/// and dt = 1e-5 this is the setting of the published reference.
public struct AllenCahnReference: Sendable {
    public let points: Int, step: Double, epsilon: Double

    public init(points: Int = 512, step: Double = 1e-5, epsilon: Double = 1e-4) {
        precondition(points >= 4 && points % 2 == 0, "an even number of points")
        self.points = points; self.step = step; self.epsilon = epsilon
    }

    /// x = −1 + 2j/points, j = 0…points−1 (x = 1 is x = −1).
    public var x: [Double] { (0..<points).map { -1 + 2 * Double($0) / Double(points) } }

    /// u at `times` (ascending, ≥ 0, each a multiple of the step); `u[k][j]` = u(times[k], x_j).
    public func solve(times: [Double]) -> [[Double]] {
        let n = points
        let linear = (0..<(n / 2 + 1)).map { k -> Double in
            let wave = Double.pi * Double(k)  // period 2
            return -epsilon * wave * wave + 5
        }
        let integrator = PeriodicETDRK4(points: n, linear: linear, step: step) { u in u * u * u * -5 }
        var state = integrator.spectrum(of: x.map { $0 * $0 * Glibc.cos(Double.pi * $0) })
        var out: [[Double]] = []
        var t = 0.0
        for target in times {
            integrator.advance(&state, steps: Int(((target - t) / step).rounded()))
            t = target
            out.append(integrator.signal(of: state))
        }
        return out
    }
}
