/// The accepted steps of a solve — times, states and `f` at each — with the cubic Hermite
/// interpolant between them as the solution's dense output (third-order accurate between steps,
/// continuous with a continuous derivative).
public struct Trajectory: Sendable {
    public internal(set) var times: [Double] = []
    public internal(set) var states: [[Double]] = []
    public internal(set) var derivatives: [[Double]] = []
    /// The stage values of each accepted step, when the solve kept them for a discrete adjoint.
    var stages: [[[Double]]] = []

    mutating func append(_ t: Double, _ y: [Double], _ f: [Double]) {
        times.append(t); states.append(y); derivatives.append(f)
    }

    /// The interpolated solution at `t` (clamped to the solved interval).
    public func callAsFunction(_ t: Double) -> [Double] {
        guard times.count > 1 else { return states.first ?? [] }
        let forward = times[times.count - 1] >= times[0]
        func before(_ a: Double, _ b: Double) -> Bool { forward ? a < b : a > b }
        // the last i with times[i] ≤ t (in the direction of integration), at most count − 2
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if before(t, times[mid]) { hi = mid } else { lo = mid }
        }
        return hermite(at: t, from: lo)
    }

    /// Cubic Hermite interpolation on step `i` (between `times[i]` and `times[i + 1]`).
    func hermite(at t: Double, from i: Int) -> [Double] {
        let t0 = times[i], h = times[i + 1] - t0
        let θ = min(max((t - t0) / h, 0), 1)
        let h00 = (1 + 2 * θ) * (1 - θ) * (1 - θ), h10 = θ * (1 - θ) * (1 - θ)
        let h01 = θ * θ * (3 - 2 * θ), h11 = θ * θ * (θ - 1)
        let y0 = states[i], y1 = states[i + 1], f0 = derivatives[i], f1 = derivatives[i + 1]
        return (0..<y0.count).map { m in h00 * y0[m] + h * h10 * f0[m] + h01 * y1[m] + h * h11 * f1[m] }
    }
}
