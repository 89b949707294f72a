import Glibc
import HyloNN

/// The input gradient `∇ₓH` of a scalar network `H = net(x)` and the vector–Jacobian product of
/// that gradient — second derivatives of the network, as a Hamiltonian network's vector field
/// `J ∇H` needs them for training through a solver.
///
/// With `z_l = W_l a_{l−1} + b_l`, `a_l = σ(z_l)` and the last layer `H = w_L · a_{L−1} + b_L`, the
/// gradient is `s_{L−1} = w_L`, `δ_l = σ'(z_l) ⊙ s_l`, `s_{l−1} = W_lᵀ δ_l`, `∇ₓH = s_0`. Its VJP
/// with a cotangent `u` walks these equations upward (`δ̄_l = W_l s̄_{l−1}`, `s̄_l = σ'(z_l) ⊙ δ̄_l`,
/// `W̄_l += δ_l s̄_{l−1}ᵀ`, and `z̄_l = σ''(z_l) ⊙ s_l ⊙ δ̄_l`), then carries the `z̄_l` back down
/// through the forward pass to the weights and the input (`x̄ = Hu`, the Hessian times `u`).
extension DenseNetwork {
    /// One gradient evaluation's intermediates: the forward tape, `s_l` and `δ_l` (l = 1…L−1).
    public struct GradientTape {
        var forward = Tape()
        var s: [[Double]] = []
        var delta: [[Double]] = []
    }

    /// The start of layer l's weights (1-based l) in the flat weight vector.
    private func layerOffset(_ l: Int) -> Int {
        (1..<l).reduce(0) { $0 + widths[$1] * (widths[$1 - 1] + 1) }
    }

    /// `∇ₓH` for a network with one output.
    public func inputGradient(_ x: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                              tape: inout GradientTape) -> [Double] {
        precondition(outputs == 1, "an input gradient needs a scalar network")
        _ = self(x, weights: weights, tape: &tape.forward)
        let layers = widths.count - 1
        var s = Array(weights[layerOffset(layers)..<(layerOffset(layers) + widths[layers - 1])])
        tape.s = Array(repeating: [], count: layers)
        tape.delta = Array(repeating: [], count: layers)
        for l in stride(from: layers - 1, through: 1, by: -1) {
            let (n, m, offset) = (widths[l - 1], widths[l], layerOffset(l))
            let delta = (0..<m).map { activation.scalarDerivative(tape.forward.pre[l - 1][$0]) * s[$0] }
            tape.s[l] = s
            tape.delta[l] = delta
            var next = [Double](repeating: 0, count: n)
            for i in 0..<m where delta[i] != 0 {
                for j in 0..<n { next[j] += delta[i] * weights[offset + i * n + j] }
            }
            s = next
        }
        return s
    }

    /// Adds `uᵀ ∂(∇ₓH)/∂x` (= Hu) to `xBar` and `uᵀ ∂(∇ₓH)/∂w` to `wBar` (either may be nil).
    public func inputGradientBackward(_ tape: GradientTape, cotangent u: [Double], weights: UnsafeBufferPointer<Double>,
                                      xBar: UnsafeMutablePointer<Double>?, wBar: UnsafeMutablePointer<Double>?) {
        let layers = widths.count - 1
        var sBar = u
        var zBar = [[Double]](repeating: [], count: layers)
        for l in 1..<layers {
            let (n, m, offset) = (widths[l - 1], widths[l], layerOffset(l))
            var deltaBar = [Double](repeating: 0, count: m)
            for i in 0..<m {
                var sum = 0.0
                for j in 0..<n { sum += weights[offset + i * n + j] * sBar[j] }
                deltaBar[i] = sum
                if let wBar { for j in 0..<n { wBar[offset + i * n + j] += tape.delta[l][i] * sBar[j] } }
            }
            let z = tape.forward.pre[l - 1]
            var second = [Double](repeating: 0, count: m), next = [Double](repeating: 0, count: m)
            for i in 0..<m {
                second[i] = activation.scalarSecondDerivative(z[i]) * tape.s[l][i] * deltaBar[i]
                next[i] = activation.scalarDerivative(z[i]) * deltaBar[i]
            }
            zBar[l] = second
            sBar = next
        }
        if let wBar {
            let last = layerOffset(layers)
            for j in 0..<widths[layers - 1] { wBar[last + j] += sBar[j] }
        }
        // Down through the forward pass: H's value is not an output, so ā_{L−1} starts at 0.
        var aBar = [Double](repeating: 0, count: widths[layers - 1])
        for l in stride(from: layers - 1, through: 1, by: -1) {
            let (n, m, offset) = (widths[l - 1], widths[l], layerOffset(l))
            let z = tape.forward.pre[l - 1], input = tape.forward.values[l - 1]
            let g = (0..<m).map { zBar[l][$0] + activation.scalarDerivative(z[$0]) * aBar[$0] }
            var next = [Double](repeating: 0, count: n)
            for i in 0..<m where g[i] != 0 {
                for j in 0..<n { next[j] += g[i] * weights[offset + i * n + j] }
                if let wBar {
                    for j in 0..<n { wBar[offset + i * n + j] += g[i] * input[j] }
                    wBar[offset + m * n + i] += g[i]
                }
            }
            aBar = next
        }
        if let xBar { for j in 0..<widths[0] { xBar[j] += aBar[j] } }
    }
}

extension Activation {
    /// The activation's second derivative at one value.
    func scalarSecondDerivative(_ x: Double) -> Double {
        switch self {
        case .tanh: let t = Glibc.tanh(x); return -2 * t * (1 - t * t)
        case .relu, .identity: return 0
        case .sigmoid, .softplus: let s = 1 / (1 + exp(-x)); return s * (1 - s) * (self == .sigmoid ? 1 - 2 * s : 1)
        case .gelu: return exp(-x * x / 2) / (2 * Double.pi).squareRoot() * (2 - x * x)
        case .silu: let s = 1 / (1 + exp(-x)); return s * (1 - s) * (2 + x * (1 - 2 * s))
        case .elu: return x > 0 ? 0 : exp(x)
        case .gaussian: return (4 * x * x - 2) * exp(-x * x)
        }
    }
}
