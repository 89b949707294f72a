import Glibc
import HyloCore

/// A first-order optimizer: updates parameters in place from their gradients.
public protocol Optimizer: AnyObject {
    var learningRate: Double { get set }
    /// One update. `gradients[i]` belongs to `parameters[i]`.
    func step(_ parameters: [Parameter], gradients: [Tensor])
}

/// Per-parameter optimizer state (moment buffers), keyed by parameter identity.
struct MomentBuffers {
    private var buffers: [ObjectIdentifier: [Double]] = [:]

    mutating func withBuffer<R>(for p: Parameter, _ body: (inout [Double]) -> R) -> R {
        let id = ObjectIdentifier(p)
        var b = buffers[id] ?? [Double](repeating: 0, count: p.count)
        buffers[id] = nil
        defer { buffers[id] = b }
        return body(&b)
    }
}

/// Scales all gradients together so their joint L2 norm is at most `maxNorm`; returns the norm
/// before clipping (as PyTorch's `clip_grad_norm_`).
@discardableResult
public func clipGradientNorm(_ gradients: inout [Tensor], maxNorm: Double) -> Double {
    var total = 0.0
    for g in gradients { g.scalars.withUnsafeBufferPointer { for x in $0 { total += x * x } } }
    let norm = Glibc.sqrt(total)
    if norm > maxNorm {
        let s = maxNorm / (norm + 1e-6)
        gradients = gradients.map { ($0 * s).detached() }
    }
    return norm
}

/// Stochastic gradient descent with (optionally Nesterov) momentum and L2 weight decay, as PyTorch.
public final class SGD: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool
    public let weightDecay: Double
    private var velocity = MomentBuffers()

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.learningRate = learningRate; self.momentum = momentum; self.nesterov = nesterov; self.weightDecay = weightDecay
    }

    public func step(_ parameters: [Parameter], gradients: [Tensor]) {
        let (lr, mu, wd, nesterov) = (learningRate, momentum, weightDecay, self.nesterov)
        for (p, g) in zip(parameters, gradients) {
            velocity.withBuffer(for: p) { v in
                p.value.withMutableScalars { x in
                    for i in 0..<x.count {
                        var d = g.scalars[i] + wd * x[i]
                        if mu != 0 {
                            v[i] = mu * v[i] + d
                            d = nesterov ? d + mu * v[i] : v[i]
                        }
                        x[i] -= lr * d
                    }
                }
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) with bias correction; with `decoupledWeightDecay` it is AdamW
/// (Loshchilov & Hutter 2019): the decay `lr·λ·θ` is applied to the weights directly, not
/// through the gradient.
public final class Adam: Optimizer {
    public var learningRate: Double
    public let beta1: Double, beta2: Double, epsilon: Double
    public let weightDecay: Double
    public let decoupledWeightDecay: Bool
    private var m = MomentBuffers(), v = MomentBuffers()
    private var steps: [ObjectIdentifier: Int] = [:]

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(learningRate: Double = 1e-3, weightDecay: Double = 0.01) -> Adam {
        Adam(learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step(_ parameters: [Parameter], gradients: [Tensor]) {
        let (lr, b1, b2, eps, wd, decoupled) = (learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay)
        for (p, g) in zip(parameters, gradients) {
            let t = (steps[ObjectIdentifier(p)] ?? 0) + 1
            steps[ObjectIdentifier(p)] = t
            let c1 = 1 - Glibc.pow(b1, Double(t)), c2 = 1 - Glibc.pow(b2, Double(t))
            let stepSize = lr / c1, c2Root = Glibc.sqrt(c2)
            m.withBuffer(for: p) { m in
                v.withBuffer(for: p) { v in
                    g.scalars.withUnsafeBufferPointer { g in
                        m.withUnsafeMutableBufferPointer { m in
                            v.withUnsafeMutableBufferPointer { v in
                                p.value.withMutableScalars { x in
                                    for i in 0..<x.count {
                                        var gi = g[i]
                                        if decoupled { x[i] -= lr * wd * x[i] } else { gi += wd * x[i] }
                                        m[i] = b1 * m[i] + (1 - b1) * gi
                                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                                        x[i] -= stepSize * m[i] / (Glibc.sqrt(v[i]) / c2Root + eps)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
