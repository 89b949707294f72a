import Glibc

/// The exact solution of viscous Burgers u_t + u u_x = ν u_xx on x ∈ [−1, 1] with u(0, x) =
/// −sin(πx) and u(t, ±1) = 0, by the Cole–Hopf transform (Basdevant et al. 1986):
///
///     u(t, x) = −∫ sin(π(x−η)) f(x−η) e^{−η²/4νt} dη / ∫ f(x−η) e^{−η²/4νt} dη,
///     f(y) = exp(−cos(πy) / 2πν),
///
/// with η = √(4νt) z and Gauss–Hermite quadrature in z. The exponents of f reach ±1/(2πν)
/// (±50 for ν = 0.01/π), so the largest one is subtracted before exponentiating.
public struct BurgersReference: Sendable {
    public let viscosity: Double
    let nodes: [Double], weights: [Double]

    /// `nodes` ≥ 80 (at most 180) resolves ν = 0.01/π to about 1e-11.
    public init(viscosity: Double = 0.01 / Double.pi, nodes n: Int = 120) {
        self.viscosity = viscosity
        (nodes, weights) = gaussHermite(n)
    }

    public func callAsFunction(t: Double, x: Double) -> Double {
        if t <= 0 { return -Glibc.sin(Double.pi * x) }
        let scale = Glibc.sqrt(4 * viscosity * t), a = 1 / (2 * Double.pi * viscosity)
        let exponents = nodes.map { -Glibc.cos(Double.pi * (x - scale * $0)) * a }
        let top = exponents.max() ?? 0
        var numerator = 0.0, denominator = 0.0
        for i in nodes.indices {
            let y = x - scale * nodes[i]
            let w = weights[i] * Glibc.exp(exponents[i] - top)
            numerator -= w * Glibc.sin(Double.pi * y)
            denominator += w
        }
        return numerator / denominator
    }

    /// The classic reference grid (Raissi et al. 2019): x = linspace(−1, 1, 256),
    /// t = 0, 0.01, …, 0.99; `values[i][j]` = u(tᵢ, xⱼ).
    public func grid(points: Int = 256, times: Int = 100, dt: Double = 0.01) -> (x: [Double], t: [Double], values: [[Double]]) {
        let x = (0..<points).map { -1 + 2 * Double($0) / Double(points - 1) }
        let t = (0..<times).map { Double($0) * dt }
        return (x, t, t.map { ti in x.map { self(t: ti, x: $0) } })
    }
}
