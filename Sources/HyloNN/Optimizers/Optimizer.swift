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
    var sums = SIMD4<Double>()  // four running sums, so that the loop vectorizes
    for g in gradients {
        g.scalars.withUnsafeBufferPointer { b in
            let quads = b.count / 4
            for q in 0..<quads { let v = UnsafeRawPointer(b.baseAddress! + 4 * q).loadUnaligned(as: SIMD4<Double>.self); sums += v * v }
            for i in (4 * quads)..<b.count { sums[0] += b[i] * b[i] }
        }
    }
    let norm = Glibc.sqrt(sums.sum())
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

    /// One Adam update of `count` elements, four lanes at a time (the compiler does not vectorize
    /// the scalar loop: it cannot tell that the four buffers do not overlap).
    private static func update(_ x: UnsafeMutablePointer<Double>, _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>,
                               _ g: UnsafePointer<Double>, count: Int, lr: Double, b1: Double, b2: Double, eps: Double,
                               decay wd: Double, decoupled: Bool, stepSize: Double, c2Root: Double) {
        typealias Lanes = SIMD4<Double>
        // √v̂ = √v / √(1 − β₂ᵗ), by a multiplication: divisions and square roots bound this loop.
        let shrink = decoupled ? 1 - lr * wd : 1, coupled = decoupled ? 0 : wd, rootScale = 1 / c2Root
        @inline(__always) func advance(_ xs: inout Lanes, _ ms: inout Lanes, _ vs: inout Lanes, _ gs: Lanes) {
            let gi = gs + coupled * xs
            ms = b1 * ms + (1 - b1) * gi
            vs = b2 * vs + (1 - b2) * gi * gi
            xs = xs * shrink - stepSize * ms / (vs.squareRoot() * rootScale + eps)
        }
        var at = 0
        while at + 4 <= count {
            var xs = UnsafeRawPointer(x + at).loadUnaligned(as: Lanes.self)
            var ms = UnsafeRawPointer(m + at).loadUnaligned(as: Lanes.self)
            var vs = UnsafeRawPointer(v + at).loadUnaligned(as: Lanes.self)
            advance(&xs, &ms, &vs, UnsafeRawPointer(g + at).loadUnaligned(as: Lanes.self))
            UnsafeMutableRawPointer(x + at).storeBytes(of: xs, as: Lanes.self)
            UnsafeMutableRawPointer(m + at).storeBytes(of: ms, as: Lanes.self)
            UnsafeMutableRawPointer(v + at).storeBytes(of: vs, as: Lanes.self)
            at += 4
        }
        if at < count {  // the last 1–3 elements, in zero-padded lanes
            var xs = Lanes(), ms = Lanes(), vs = Lanes(), gs = Lanes()
            for l in 0..<(count - at) { xs[l] = x[at + l]; ms[l] = m[at + l]; vs[l] = v[at + l]; gs[l] = g[at + l] }
            advance(&xs, &ms, &vs, gs)
            for l in 0..<(count - at) { x[at + l] = xs[l]; m[at + l] = ms[l]; v[at + l] = vs[l] }
        }
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
                                    Adam.update(x.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!, count: x.count,
                                                lr: lr, b1: b1, b2: b2, eps: eps, decay: wd, decoupled: decoupled,
                                                stepSize: stepSize, c2Root: c2Root)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
