import Glibc

/// Activations with a fused second-order Taylor-mode kernel (`Tensor.taylorActivation`).
public enum TaylorActivation: Sendable {
    case tanh, sin
}

extension Tensor {
    /// Applies σ to a stacked second-order jet in one pass.
    ///
    /// `self` is `[1 + F + P, …]`: slice 0 holds pre-activations z, slices 1…F their first
    /// derivatives zₐ along F directions, and slice 1 + F + p the second derivative z_ab of pair
    /// `pairs[p] = (a, b)` (0-based direction indices). The result holds σ(z), σ′(z) zₐ and
    /// σ″(z) zₐ z_b + σ′(z) z_ab. Written as dozens of small taped ops this is a PINN's main cost;
    /// fused, forward and backward each read and write every slice once.
    ///
    /// Differentiable once: its gradient (which needs σ‴) is computed directly and is a constant
    /// for further differentiation, so Taylor mode is the way to input derivatives here, not
    /// nested reverse mode through this op.
    public func taylorActivation(_ f: TaylorActivation, firstOrder count: Int, pairs: [(Int, Int)]) -> Tensor {
        let slices = 1 + count + pairs.count
        precondition(rank >= 1 && shape[0] == slices, "taylorActivation: \(shape[0]) slices, expected 1 + \(count) + \(pairs.count)")
        precondition(pairs.allSatisfy { (0..<count).contains($0.0) && (0..<count).contains($0.1) }, "taylorActivation: pair out of range")
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
                        for (p, (a, b)) in pairs.enumerated() {
                            let q = (1 + count + p) * m + e0
                            let (yq, zq, za, zb) = (y + q, z + q, z + (1 + a) * m + e0, z + (1 + b) * m + e0)
                            for e in 0..<c { yq[e] = s2[e] * za[e] * zb[e] + s1[e] * zq[e] }
                        }
                    }
                }
            }
        }
        let input = self
        return Tensor.record(out, shape: shape, inputs: [self], saveOutput: true) { g, y in
            [Tensor(shape: input.shape, scalars: input.taylorActivationPullback(g, y, f, firstOrder: count, pairs: pairs))]
        }
    }

    /// The vector–Jacobian product of `taylorActivation` at `self` for the cotangent `g`:
    ///   z̄ = ḡ σ′ + Σₐ ḡₐ σ″ zₐ + Σ_p ḡ_p (σ‴ zₐ z_b + σ″ z_ab),
    ///   z̄ₐ = ḡₐ σ′ + Σ_{p ∋ a} ḡ_p σ″ z_(other),   z̄_p = ḡ_p σ′.
    /// `y` is the op's output, whose slice 0 holds σ(z) (tanh's derivatives follow from it).
    private func taylorActivationPullback(_ g: Tensor, _ y: Tensor, _ f: TaylorActivation, firstOrder count: Int,
                                          pairs: [(Int, Int)]) -> ScalarBuffer {
        let slices = 1 + count + pairs.count, m = self.count / slices
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
                            for (p, (a, b)) in pairs.enumerated() {
                                let q = (1 + count + p) * m + e0, ia = (1 + a) * m + e0, ib = (1 + b) * m + e0
                                let (oq, gq, zq, za, zb, oa, ob) = (out + q, gr + q, z + q, z + ia, z + ib, out + ia, out + ib)
                                for e in 0..<c {
                                    let gp = gq[e]
                                    o0[e] += gp * (s3[e] * za[e] * zb[e] + s2[e] * zq[e])
                                    oq[e] = gp * s1[e]
                                }
                                // Separate loops: a and b may be the same direction.
                                for e in 0..<c { oa[e] += gq[e] * s2[e] * zb[e] }
                                for e in 0..<c { ob[e] += gq[e] * s2[e] * za[e] }
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
