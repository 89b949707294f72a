import Glibc
import HyloCore
import HyloSBI

/// sbibm's two moons: θ ~ U[−1, 1]², a ~ U(−π/2, π/2), r ~ N(0.1, 0.01²),
/// x = (r cos a + 0.25 − |θ₁ + θ₂|/√2, r sin a + (θ₂ − θ₁)/√2).
public final class TwoMoons: SBITask {
    public let name = "two_moons"
    public let prior: Prior = IndependentPrior.boxUniform(low: [-1, -1], high: [1, 1])
    public let dataDimension = 2
    public init() {}
    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        let a = Double.pi * (rng.uniform() - 0.5)
        let r = 0.1 + 0.01 * rng.normal()
        // rotation by −π/4 as in sbibm: z0 = c θ1 − s θ2, z1 = s θ1 + c θ2, c = cos(−π/4), s = sin(−π/4)
        let c = Glibc.cos(-Double.pi / 4), s = Glibc.sin(-Double.pi / 4)
        let z0 = c * t[0] - s * t[1], z1 = s * t[0] + c * t[1]
        x[0] = r * Glibc.cos(a) + 0.25 - Swift.abs(z0)
        x[1] = r * Glibc.sin(a) + z1
        return 0
    }
}

/// sbibm's gaussian_linear (θ ~ N(0, 0.1 I)) and gaussian_linear_uniform (θ ~ U[−1, 1]¹⁰), both with
/// x | θ ~ N(θ, 0.1 I) in 10 dimensions (0.1 is a variance).
public final class GaussianLinear: SBITask {
    public let name: String
    public let prior: Prior
    public let dataDimension = 10
    public init(uniformPrior: Bool) {
        name = uniformPrior ? "gaussian_linear_uniform" : "gaussian_linear"
        let d = 10
        prior = uniformPrior ? IndependentPrior.boxUniform(low: Array(repeating: -1, count: d), high: Array(repeating: 1, count: d))
            : IndependentPrior(Array(repeating: .normal(mean: 0, std: 0.1.squareRoot()), count: d))
    }
    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        for i in 0..<10 { x[i] = t[i] + 0.1.squareRoot() * rng.normal() }
        return 0
    }
}

/// sbibm's gaussian_mixture: θ ~ U[−10, 10]², x ~ ½ N(θ, I) + ½ N(θ, 0.01 I).
public final class GaussianMixture: SBITask {
    public let name = "gaussian_mixture"
    public let prior: Prior = IndependentPrior.boxUniform(low: [-10, -10], high: [10, 10])
    public let dataDimension = 2
    public init() {}
    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        let scale = rng.uniform() < 0.5 ? 1.0 : 0.1
        for i in 0..<2 { x[i] = t[i] + scale * rng.normal() }
        return 0
    }
}

/// sbibm's SLCP: θ ~ U[−3, 3]⁵; four draws from N(m, S) with m = (θ₁, θ₂), standard deviations
/// θ₃², θ₄², correlation tanh θ₅ (plus 10⁻⁶ I), flattened draw by draw.
public final class SLCP: SBITask {
    public let name = "slcp"
    public let prior: Prior = IndependentPrior.boxUniform(low: Array(repeating: -3, count: 5), high: Array(repeating: 3, count: 5))
    public let dataDimension = 8
    public init() {}
    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        let s1 = t[2] * t[2], s2 = t[3] * t[3], rho = Glibc.tanh(t[4])
        // Cholesky of [[s1² + ε, ρ s1 s2], [ρ s1 s2, s2² + ε]].
        let a = s1 * s1 + 1e-6, b = rho * s1 * s2, c = s2 * s2 + 1e-6
        let l11 = a.squareRoot(), l21 = b / l11, l22 = Swift.max(c - l21 * l21, 0).squareRoot()
        for k in 0..<4 {
            let z1 = rng.normal(), z2 = rng.normal()
            x[2 * k] = t[0] + l11 * z1
            x[2 * k + 1] = t[1] + l21 * z1 + l22 * z2
        }
        return 0
    }
}
