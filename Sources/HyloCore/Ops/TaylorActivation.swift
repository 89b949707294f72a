import Glibc

/// Activations with a fused second-order Taylor-mode kernel (`Tensor.taylorActivation`).
public enum TaylorActivation: Sendable {
    case tanh, sin
}

/// One term `weight · z_a z_b` of a second-order jet component (0-based first-order directions).
public struct SecondOrderTerm: Sendable, Equatable {
    public var a: Int, b: Int, weight: Double
    public init(_ a: Int, _ b: Int, weight: Double = 1) { (self.a, self.b, self.weight) = (a, b, weight) }
}

extension Tensor {
    /// Applies σ to a stacked second-order jet in one pass.
    ///
    /// `self` is `[1 + F + S, …]`: slice 0 holds pre-activations z, slices 1…F their first
    /// derivatives zₐ along F directions, and slice 1 + F + q a second-order component z_q whose
    /// chain rule has the terms `secondOrder[q]`. The result holds σ(z), σ′(z) zₐ and
    /// σ′(z) z_q + σ″(z) Σ w zₐ z_b. A plain second derivative ∂ₐ∂_b is the single term (a, b, 1);
    /// a weighted sum of derivatives carried as one component (collapsed Taylor mode, e.g. u_t − ν u_xx)
    /// has one term per second derivative in it, and none for its first derivatives, which enter
    /// only linearly. Written as dozens of small taped ops this is a PINN's main cost; fused,
    /// forward and backward each read and write every slice once.
    ///
    /// Differentiable once: its gradient (which needs σ‴) is computed directly and is a constant
    /// for further differentiation, so Taylor mode is the way to input derivatives here, not
    /// nested reverse mode through this op.
    public func taylorActivation(_ f: TaylorActivation, firstOrder count: Int, secondOrder: [[SecondOrderTerm]]) -> Tensor {
        let slices = 1 + count + secondOrder.count
        precondition(rank >= 1 && shape[0] == slices, "taylorActivation: \(shape[0]) slices, expected 1 + \(count) + \(secondOrder.count)")
        precondition(secondOrder.joined().allSatisfy { (0..<count).contains($0.a) && (0..<count).contains($0.b) }, "taylorActivation: direction out of range")
        let m = self.count / slices
        let out = makeScalars(self.count) { y in
            scalars.withUnsafeBufferPointer { zb in
                let z = zb.baseAddress!
                Parallel.forEachChunk(m, grain: 2048) { range in
                    TaylorScratch.withBuffers(range.count, 2) { s in
                        let (s1, s2) = (s[0], s[1])
                        let (e0, c) = (range.lowerBound, range.count)
                        f.fill(z + e0, count: c, value: y + e0, first: s1, second: s2)
                        for a in 0..<count {
                            let (ya, za) = (y + (1 + a) * m + e0, z + (1 + a) * m + e0)
                            for e in 0..<c { ya[e] = s1[e] * za[e] }
                        }
                        for (q, terms) in secondOrder.enumerated() {
                            let i = (1 + count + q) * m + e0
                            let (yq, zq) = (y + i, z + i)
                            guard let head = terms.first else {
                                for e in 0..<c { yq[e] = s1[e] * zq[e] }
                                continue
                            }
                            let (w, za, zb) = (head.weight, z + (1 + head.a) * m + e0, z + (1 + head.b) * m + e0)
                            for e in 0..<c { yq[e] = s2[e] * w * za[e] * zb[e] + s1[e] * zq[e] }
                            for t in terms.dropFirst() {
                                let (w, za, zb) = (t.weight, z + (1 + t.a) * m + e0, z + (1 + t.b) * m + e0)
                                for e in 0..<c { yq[e] += s2[e] * w * za[e] * zb[e] }
                            }
                        }
                    }
                }
            }
        }
        let input = self
        return Tensor.record(out, shape: shape, inputs: [self], saveOutput: true) { g, y in
            [Tensor(shape: input.shape, scalars: input.taylorActivationPullback(g, y, f, firstOrder: count, secondOrder: secondOrder))]
        }
    }

    /// The vector–Jacobian product of `taylorActivation` at `self` for the cotangent `g`:
    ///   z̄ = ḡ σ′ + Σₐ ḡₐ σ″ zₐ + Σ_q ḡ_q (σ″ z_q + σ‴ Σ w zₐ z_b),
    ///   z̄ₐ = ḡₐ σ′ + Σ_q ḡ_q σ″ Σ_{terms ∋ a} w z_(other),   z̄_q = ḡ_q σ′.
    /// `y` is the op's output, whose slice 0 holds σ(z) (tanh's derivatives follow from it).
    private func taylorActivationPullback(_ g: Tensor, _ y: Tensor, _ f: TaylorActivation, firstOrder count: Int,
                                          secondOrder: [[SecondOrderTerm]]) -> ScalarBuffer {
        let slices = 1 + count + secondOrder.count, m = self.count / slices
        return makeScalars(self.count) { out in
            scalars.withUnsafeBufferPointer { zb in
                g.scalars.withUnsafeBufferPointer { gb in y.scalars.withUnsafeBufferPointer { yb in
                    let z = zb.baseAddress!, gr = gb.baseAddress!, value = yb.baseAddress!
                    Parallel.forEachChunk(m, grain: 2048) { range in
                        TaylorScratch.withBuffers(range.count, 3) { s in
                            let (s1, s2, s3) = (s[0], s[1], s[2])
                            let (e0, c) = (range.lowerBound, range.count)
                            f.derivatives(at: z + e0, values: value + e0, count: c, first: s1, second: s2, third: s3)
                            let (o0, g0) = (out + e0, gr + e0)
                            for e in 0..<c { o0[e] = g0[e] * s1[e] }
                            for a in 0..<count {
                                let i = (1 + a) * m + e0
                                let (oa, ga, za) = (out + i, gr + i, z + i)
                                for e in 0..<c {
                                    o0[e] += ga[e] * s2[e] * za[e]
                                    oa[e] = ga[e] * s1[e]
                                }
                            }
                            for (q, terms) in secondOrder.enumerated() {
                                let i = (1 + count + q) * m + e0
                                let (oq, gq, zq) = (out + i, gr + i, z + i)
                                for e in 0..<c {
                                    o0[e] += gq[e] * s2[e] * zq[e]
                                    oq[e] = gq[e] * s1[e]
                                }
                                for t in terms {
                                    let (w, za, zb) = (t.weight, z + (1 + t.a) * m + e0, z + (1 + t.b) * m + e0)
                                    let (oa, ob) = (out + (1 + t.a) * m + e0, out + (1 + t.b) * m + e0)
                                    for e in 0..<c { o0[e] += gq[e] * s3[e] * w * za[e] * zb[e] }
                                    // Separate loops: a and b may be the same direction.
                                    for e in 0..<c { oa[e] += gq[e] * s2[e] * w * zb[e] }
                                    for e in 0..<c { ob[e] += gq[e] * s2[e] * w * za[e] }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

extension TaylorActivation {
    /// Writes σ, σ′ and σ″ at `count` points.
    @inline(__always)
    func fill(_ z: UnsafePointer<Double>, count c: Int, value: UnsafeMutablePointer<Double>, first: UnsafeMutablePointer<Double>,
              second: UnsafeMutablePointer<Double>) {
        switch self {
        case .tanh:
            for e in 0..<c {
                let y = VectorMath.tanh(z[e]), s1 = 1 - y * y
                value[e] = y
                first[e] = s1
                second[e] = -2 * y * s1
            }
        case .sin:
            for e in 0..<c {
                let s = Glibc.sin(z[e]), co = Glibc.cos(z[e])
                value[e] = s
                first[e] = co
                second[e] = -s
            }
        }
    }
}

extension TaylorActivation {
    /// σ′, σ″, σ‴ at `count` points given z and σ(z): tanh needs only σ(z), sin recomputes cos.
    @inline(__always)
    func derivatives(at z: UnsafePointer<Double>, values y: UnsafePointer<Double>, count c: Int, first: UnsafeMutablePointer<Double>,
                     second: UnsafeMutablePointer<Double>, third: UnsafeMutablePointer<Double>) {
        switch self {
        case .tanh:
            for e in 0..<c {
                let t = y[e], s1 = 1 - t * t
                first[e] = s1
                second[e] = -2 * t * s1
                third[e] = -2 * s1 * (s1 - 2 * t * t)
            }
        case .sin:
            for e in 0..<c {
                let co = Glibc.cos(z[e])
                first[e] = co
                second[e] = -y[e]
                third[e] = -co
            }
        }
    }
}

/// Per-chunk scratch columns for the Taylor kernels.
enum TaylorScratch {
    static func withBuffers<R>(_ count: Int, _ buffers: Int, _ body: ([UnsafeMutablePointer<Double>]) -> R) -> R {
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(count * buffers, 1))
        defer { storage.deallocate() }
        return body((0..<buffers).map { storage + $0 * count })
    }
}
