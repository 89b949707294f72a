import Glibc
import HyloCore

/// The elementary functions an expression may call, with their first two derivatives — all a
/// second-order jet needs (`Jet.applying`).
public enum Function: String, CaseIterable, Codable, Sendable {
    case sin, cos, tan, exp, log, sqrt, tanh, sinh, cosh, abs, sigmoid, softplus, silu, gelu
    /// 1/x; written `a / b` in expressions, not callable by name.
    case reciprocal

    /// Functions that may be called by name in an expression.
    static let callable = allCases.filter { $0 != .reciprocal }

    /// f(x).
    func value(_ x: Tensor) -> Tensor {
        switch self {
        case .sin: return x.sin()
        case .cos: return x.cos()
        case .tan: return x.sin() / x.cos()
        case .exp: return x.exp()
        case .log: return x.log()
        case .sqrt: return x.sqrt()
        case .tanh: return x.tanh()
        case .sinh: return (x.exp() - (-x).exp()) * 0.5
        case .cosh: return (x.exp() + (-x).exp()) * 0.5
        case .abs: return x.abs()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        case .silu: return x.silu()
        case .gelu: return x.gelu()
        case .reciprocal: return 1 / x
        }
    }

    /// f′(x) and f″(x), given x and y = f(x); written with differentiable ops so parameter
    /// gradients flow through them.
    func derivatives(_ x: Tensor, _ y: Tensor) -> (first: Tensor, second: Tensor) {
        switch self {
        case .sin: return (x.cos(), -y)
        case .cos: return (-x.sin(), -y)
        case .tan:
            let d = 1 + y.squared()
            return (d, y * d * 2)
        case .exp: return (y, y)
        case .log:
            let r = 1 / x
            return (r, -r.squared())
        case .sqrt:
            let r = 0.5 / y
            return (r, -(r * r * r) * 2)
        case .tanh:
            let d = 1 - y.squared()
            return (d, y * d * -2)
        case .sinh: return (Function.cosh.value(x), y)
        case .cosh: return (Function.sinh.value(x), y)
        case .abs: return (x.sign(), Tensor.zeros([1]))
        case .sigmoid:
            let d = y * (1 - y)
            return (d, d * (1 - y * 2))
        case .softplus:
            let s = x.sigmoid()
            return (s, s * (1 - s))
        case .silu:
            let s = x.sigmoid(), t = s * (1 - s)
            return (s + x * t, t * (2 + x * (1 - s * 2)))
        case .gelu:
            let pdf = (x.squared() * -0.5).exp() * (1 / (2 * Double.pi).squareRoot())
            let cdf = ((x / 2.0.squareRoot()).erf() + 1) * 0.5
            return (cdf + x * pdf, pdf * (2 - x.squared()))
        case .reciprocal:
            let r2 = y.squared()
            return (-r2, r2 * y * 2)
        }
    }
}
