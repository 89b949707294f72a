import Glibc
import HyloCore
import HyloNN

/// A fully connected network `x ↦ W_L σ(… σ(W_1 x + b_1) …) + b_L` evaluated directly on a flat
/// weight vector, with its vector–Jacobian product: the neural term of a hybrid right-hand side,
/// which is called with one state at a time, thousands of times per solve, where building an
/// autodiff graph per call would cost more than the arithmetic.
///
/// Weight layout, layer after layer: `W` (out × in, row-major), then `b` (out).
public struct DenseNetwork: Sendable, Equatable {
    public let widths: [Int]
    public let activation: Activation

    public init(widths: [Int], activation: Activation = .tanh) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "a network needs an input and an output width")
        self.widths = widths
        self.activation = activation
    }

    public var inputs: Int { widths[0] }
    public var outputs: Int { widths[widths.count - 1] }
    public var parameterCount: Int { (1..<widths.count).reduce(0) { $0 + widths[$1] * (widths[$1 - 1] + 1) } }

    /// Glorot-uniform weights, zero biases; the last layer scaled by `outputScale` so that a fresh
    /// network term starts small next to the physics.
    public func initialParameters(seed: UInt64, outputScale: Double = 0.1) -> [Double] {
        var rng = Philox(seed: seed)
        var w: [Double] = []
        for l in 1..<widths.count {
            let (fanIn, fanOut) = (widths[l - 1], widths[l])
            let scale = (l == widths.count - 1 ? outputScale : 1) * (6 / Double(fanIn + fanOut)).squareRoot()
            w += (0..<(fanIn * fanOut)).map { _ in scale * (2 * rng.uniform() - 1) }
            w += Array(repeating: 0, count: fanOut)
        }
        return w
    }

    /// The activations of one evaluation, for the backward pass.
    public struct Tape {
        /// `values[l]`: the input of layer l+1 (`values[0]` = x); `pre[l]`: layer l+1's pre-activation.
        var values: [[Double]] = []
        var pre: [[Double]] = []
    }

    /// `y = net(x)`; `weights` starts at the network's first weight.
    public func callAsFunction(_ x: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                               tape: inout Tape) -> [Double] {
        tape.values = [Array(x)]
        tape.pre = []
        var offset = 0
        for l in 1..<widths.count {
            let (n, m) = (widths[l - 1], widths[l])
            let input = tape.values[l - 1]
            var z = [Double](repeating: 0, count: m)
            for i in 0..<m {
                var s = weights[offset + m * n + i]
                let row = offset + i * n
                for j in 0..<n { s += weights[row + j] * input[j] }
                z[i] = s
            }
            offset += m * (n + 1)
            tape.pre.append(z)
            tape.values.append(l == widths.count - 1 ? z : z.map(activation.scalar))
        }
        return tape.values[tape.values.count - 1]
    }

    /// Adds `vᵀ ∂y/∂x` to `xBar` and `vᵀ ∂y/∂w` to `wBar` (both may be nil) for the evaluation on `tape`.
    public func backward(_ tape: Tape, cotangent v: [Double], weights: UnsafeBufferPointer<Double>,
                         xBar: UnsafeMutablePointer<Double>?, wBar: UnsafeMutablePointer<Double>?) {
        var g = v
        var offset = parameterCount
        for l in stride(from: widths.count - 1, through: 1, by: -1) {
            let (n, m) = (widths[l - 1], widths[l])
            offset -= m * (n + 1)
            if l != widths.count - 1 {
                for i in 0..<m { g[i] *= activation.scalarDerivative(tape.pre[l - 1][i]) }
            }
            let input = tape.values[l - 1]
            if let wBar {
                for i in 0..<m where g[i] != 0 {
                    let row = offset + i * n
                    for j in 0..<n { wBar[row + j] += g[i] * input[j] }
                    wBar[offset + m * n + i] += g[i]
                }
            }
            if l == 1 && xBar == nil { break }
            var next = [Double](repeating: 0, count: n)
            for i in 0..<m where g[i] != 0 {
                let row = offset + i * n
                for j in 0..<n { next[j] += g[i] * weights[row + j] }
            }
            g = next
        }
        if let xBar { for j in 0..<widths[0] { xBar[j] += g[j] } }
    }
}

extension Activation {
    /// The activation of one value.
    func scalar(_ x: Double) -> Double {
        switch self {
        case .tanh: return Glibc.tanh(x)
        case .relu: return max(x, 0)
        case .sigmoid: return 1 / (1 + exp(-x))
        case .softplus: return x > 30 ? x : log1p(exp(x))
        case .gelu: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        case .silu: return x / (1 + exp(-x))
        case .elu: return x > 0 ? x : expm1(x)
        case .gaussian: return exp(-x * x)
        case .identity: return x
        }
    }

    /// Its derivative.
    func scalarDerivative(_ x: Double) -> Double {
        switch self {
        case .tanh: let t = Glibc.tanh(x); return 1 - t * t
        case .relu: return x > 0 ? 1 : 0
        case .sigmoid: let s = 1 / (1 + exp(-x)); return s * (1 - s)
        case .softplus: return 1 / (1 + exp(-x))
        case .gelu: return 0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        case .silu: let s = 1 / (1 + exp(-x)); return s * (1 + x * (1 - s))
        case .elu: return x > 0 ? 1 : exp(x)
        case .gaussian: return -2 * x * exp(-x * x)
        case .identity: return 1
        }
    }
}
