import Testing
@testable import HyloCore

/// The fused second-order jet activation against the same jet written with ordinary ops, and its
/// gradient against finite differences.
@Suite struct TaylorActivationTests {
    static let pairs = [(0, 0), (0, 1), (1, 1), (1, 2)]

    /// σ(z), σ′ zₐ, σ″ zₐ z_b + σ′ z_ab from composite ops.
    static func composite(_ stack: Tensor, _ f: TaylorActivation) -> Tensor {
        let s = (0..<stack.shape[0]).map { stack.slice(axis: 0, start: $0, end: $0 + 1) }
        let z = s[0]
        let (y, d1, d2): (Tensor, Tensor, Tensor)
        switch f {
        case .tanh:
            let t = z.tanh()
            (y, d1, d2) = (t, 1 - t.squared(), (1 - t.squared()) * t * -2)
        case .sin: (y, d1, d2) = (z.sin(), z.cos(), -z.sin())
        }
        var out = [y] + (1...3).map { d1 * s[$0] }
        for (p, (a, b)) in pairs.enumerated() { out.append(d2 * s[1 + a] * s[1 + b] + d1 * s[4 + p]) }
        return Tensor.concatenate(out, axis: 0)
    }

    @Test(arguments: [TaylorActivation.tanh, .sin])
    func matchesCompositeOpsAndFiniteDifferences(_ f: TaylorActivation) {
        var rng = Philox(seed: 3)
        let stack = rng.normal([8, 5, 3])
        let fused = stack.taylorActivation(f, firstOrder: 3, pairs: Self.pairs)
        let reference = Self.composite(stack, f)
        #expect(zip(fused.scalars.array, reference.scalars.array).allSatisfy { Swift.abs($0 - $1) < 1e-14 })
        let check = GradientCheck.run(at: [stack], secondOrder: false) { $0[0].taylorActivation(f, firstOrder: 3, pairs: Self.pairs) }
        #expect(check.firstOrderError < 1e-7)
    }
}
