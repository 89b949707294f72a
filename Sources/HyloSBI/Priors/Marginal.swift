import Glibc
import HyloCore

/// A one-dimensional distribution, the building block of independent priors.
public enum Marginal: Equatable, Sendable {
    case uniform(low: Double, high: Double)
    case normal(mean: Double, std: Double)
    /// log θ ~ N(mu, sigma²).
    case logNormal(mu: Double, sigma: Double)
    /// Density ∝ θ^(shape−1) e^(−rate·θ).
    case gamma(shape: Double, rate: Double)
    /// Density ∝ θ^(a−1) (1−θ)^(b−1) on (0, 1).
    case beta(a: Double, b: Double)

    /// Why the parameters are invalid, or nil.
    public var invalidReason: String? {
        switch self {
        case .uniform(let l, let h): return l.isFinite && h.isFinite && l < h ? nil : "uniform needs finite low < high, got [\(l), \(h)]"
        case .normal(let m, let s): return m.isFinite && s.isFinite && s > 0 ? nil : "normal needs a finite mean and std > 0"
        case .logNormal(let m, let s): return m.isFinite && s.isFinite && s > 0 ? nil : "log-normal needs a finite mu and sigma > 0"
        case .gamma(let k, let r): return k.isFinite && r.isFinite && k > 0 && r > 0 ? nil : "gamma needs shape > 0 and rate > 0"
        case .beta(let a, let b): return a.isFinite && b.isFinite && a > 0 && b > 0 ? nil : "beta needs a > 0 and b > 0"
        }
    }

    public func sample(rng: inout Philox) -> Double {
        switch self {
        case .uniform(let l, let h): return l + (h - l) * rng.uniform()
        case .normal(let m, let s): return m + s * rng.normal()
        case .logNormal(let m, let s): return Glibc.exp(m + s * rng.normal())
        case .gamma(let k, let r): return Marginal.standardGamma(k, rng: &rng) / r
        case .beta(let a, let b):
            let x = Marginal.standardGamma(a, rng: &rng), y = Marginal.standardGamma(b, rng: &rng)
            return x / (x + y)
        }
    }

    /// Gamma(k, 1) by Marsaglia & Tsang (2000), with the boost k < 1: Gamma(k+1) · U^(1/k).
    static func standardGamma(_ k: Double, rng: inout Philox) -> Double {
        if k < 1 { return standardGamma(k + 1, rng: &rng) * Glibc.pow(rng.uniformOpen(), 1 / k) }
        let d = k - 1.0 / 3, c = 1 / Glibc.sqrt(9 * d)
        while true {
            let z = rng.normal()
            let v = 1 + c * z
            guard v > 0 else { continue }
            let v3 = v * v * v
            if Glibc.log(rng.uniformOpen()) < 0.5 * z * z + d - d * v3 + d * Glibc.log(v3) { return d * v3 }
        }
    }

    public func contains(_ x: Double) -> Bool {
        switch self {
        case .uniform(let l, let h): return x >= l && x <= h
        case .normal: return x.isFinite
        case .logNormal, .gamma: return x > 0 && x.isFinite
        case .beta: return x > 0 && x < 1
        }
    }

    /// Log-density of a column `[n]`, −∞ outside the support, differentiable inside.
    public func logProb(_ x: Tensor) -> Tensor {
        let inside = Tensor(shape: x.shape, scalars: x.scalars.map { contains($0) ? 1 : 0 })
        // Evaluate the formula at a safe point outside the support so no NaN reaches the gradient.
        let safe = Tensor.where(inside, x, Tensor.filled(x.shape, safePoint))
        let value: Tensor
        switch self {
        case .uniform(let l, let h): value = Tensor.filled(x.shape, -Glibc.log(h - l))
        case .normal(let m, let s):
            let normalizer: Double = Glibc.log(s) + halfLog2Pi
            value = ((safe - m) / s).squared() * -0.5 - normalizer
        case .logNormal(let m, let s):
            let lx = safe.log()
            let normalizer: Double = Glibc.log(s) + halfLog2Pi
            value = ((lx - m) / s).squared() * -0.5 - lx - normalizer
        case .gamma(let k, let r):
            let normalizer: Double = k * Glibc.log(r) - Glibc.lgamma(k)
            value = safe.log() * (k - 1) - safe * r + normalizer
        case .beta(let a, let b):
            let logBeta: Double = Glibc.lgamma(a) + Glibc.lgamma(b) - Glibc.lgamma(a + b)
            let terms: Tensor = safe.log() * (a - 1) + (1 - safe).log() * (b - 1)
            value = terms - logBeta
        }
        return Tensor.where(inside, value, Tensor.filled(x.shape, -.infinity))
    }

    private var safePoint: Double {
        switch self {
        case .uniform(let l, let h): return (l + h) / 2
        case .normal(let m, _): return m
        case .logNormal, .gamma: return 1
        case .beta: return 0.5
        }
    }

    // MARK: bijection to ℝ

    public func toUnbounded(_ x: Tensor) -> Tensor {
        switch self {
        case .uniform(let l, let h):
            let u = (x - l) / (h - l)
            return u.log() - (1 - u).log()
        case .normal: return x
        case .logNormal, .gamma: return x.log()
        case .beta: return x.log() - (1 - x).log()
        }
    }

    public func fromUnbounded(_ z: Tensor) -> Tensor {
        switch self {
        case .uniform(let l, let h): return z.sigmoid() * (h - l) + l
        case .normal: return z
        case .logNormal, .gamma: return z.exp()
        case .beta: return z.sigmoid()
        }
    }

    /// log |dx/dz| at z.
    public func logDetJacobianFromUnbounded(_ z: Tensor) -> Tensor {
        switch self {
        case .uniform(let l, let h):
            let width: Double = Glibc.log(h - l)
            return width - ((-z).softplus() + z.softplus())
        case .normal: return Tensor.zeros(z.shape)
        case .logNormal, .gamma: return z
        case .beta: return -((-z).softplus() + z.softplus())
        }
    }
}

let halfLog2Pi = 0.5 * Glibc.log(2 * Double.pi)
