import Glibc

/// The diffusion–reaction system of DeepXDE's `reaction_inverse` example,
///
///     ∂C_A/∂t = D ∂²C_A/∂x² − k_f C_A C_B²,   ∂C_B/∂t = D ∂²C_B/∂x² − 2 k_f C_A C_B²,
///
/// on x ∈ [0, 1], t ∈ [0, 10], with C_A = C_B = e^{−20x} at t = 0, 1 at x = 0 and 0 at x = 1,
/// solved by the method of lines: second-order central differences on a uniform grid and the
/// classical Runge–Kutta method with a step well inside its stability limit. With the default
/// 400 intervals the values agree with a twice finer grid to about 1e-5.
public struct ReactionDiffusionReference: Sendable {
    public let diffusivity: Double, rate: Double
    public let intervals: Int

    public init(diffusivity: Double = 2e-3, rate: Double = 0.1, intervals: Int = 400) {
        self.diffusivity = diffusivity; self.rate = rate; self.intervals = intervals
    }

    /// C_A and C_B at `times` (ascending, ≥ 0) on the grid x = linspace(0, 1, intervals + 1);
    /// `a[k][i]` is C_A(times[k], x_i).
    public func solve(times: [Double]) -> (x: [Double], a: [[Double]], b: [[Double]]) {
        let m = intervals, h = 1 / Double(m)
        let x = (0...m).map { Double($0) * h }
        var a = x.map { Glibc.exp(-20 * $0) }, b = a
        a[0] = 1; b[0] = 1; a[m] = 0; b[m] = 0
        // RK4 is stable for dt·λ ≤ 2.78 with λ = 4D/h² the largest diffusion eigenvalue.
        let maxStep = Swift.min(0.5 * 2.78 * h * h / (4 * diffusivity), 0.01)
        func rates(_ a: [Double], _ b: [Double]) -> ([Double], [Double]) {
            var da = [Double](repeating: 0, count: m + 1), db = da
            for i in 1..<m {
                let reaction = rate * a[i] * b[i] * b[i]
                da[i] = diffusivity * (a[i - 1] - 2 * a[i] + a[i + 1]) / (h * h) - reaction
                db[i] = diffusivity * (b[i - 1] - 2 * b[i] + b[i + 1]) / (h * h) - 2 * reaction
            }
            return (da, db)
        }
        func axpy(_ x: [Double], _ s: Double, _ y: [Double]) -> [Double] { zip(x, y).map { $0 + s * $1 } }
        var t = 0.0
        var outA: [[Double]] = [], outB: [[Double]] = []
        for target in times {
            let steps = Int(((target - t) / maxStep).rounded(.up))
            let dt = steps > 0 ? (target - t) / Double(steps) : 0
            for _ in 0..<steps {
                let (ka1, kb1) = rates(a, b)
                let (ka2, kb2) = rates(axpy(a, dt / 2, ka1), axpy(b, dt / 2, kb1))
                let (ka3, kb3) = rates(axpy(a, dt / 2, ka2), axpy(b, dt / 2, kb2))
                let (ka4, kb4) = rates(axpy(a, dt, ka3), axpy(b, dt, kb3))
                for i in 1..<m {
                    a[i] += dt / 6 * (ka1[i] + 2 * ka2[i] + 2 * ka3[i] + ka4[i])
                    b[i] += dt / 6 * (kb1[i] + 2 * kb2[i] + 2 * kb3[i] + kb4[i])
                }
            }
            t = target
            outA.append(a); outB.append(b)
        }
        return (x, outA, outB)
    }
}
