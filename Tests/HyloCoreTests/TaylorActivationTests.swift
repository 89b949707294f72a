import Testing
@testable import HyloCore

/// The fused second-order jet activation against the same jet written with ordinary ops, and its
/// gradient against finite differences.
@Suite struct TaylorActivationTests {
    /// Plain second derivatives, then a collapsed sum (2 z_00 − 0.5 z_12 plus first-order parts)
    /// and a component with first-order parts only.
    static let secondOrder: [[SecondOrderTerm]] = [(0, 0), (0, 1), (1, 1), (1, 2)].map { [SecondOrderTerm($0, $1)] }
        + [[SecondOrderTerm(0, 0, weight: 2), SecondOrderTerm(1, 2, weight: -0.5)], []]

    /// σ(z), σ′ zₐ, σ″ Σ w zₐ z_b + σ′ z_q from composite ops.
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
        for (q, terms) in secondOrder.enumerated() {
            out.append(terms.reduce(d1 * s[4 + q]) { $0 + d2 * s[1 + $1.a] * s[1 + $1.b] * $1.weight })
        }
        return Tensor.concatenate(out, axis: 0)
    }

    @Test(arguments: [TaylorActivation.tanh, .sin])
    func matchesCompositeOpsAndFiniteDifferences(_ f: TaylorActivation) {
        var rng = Philox(seed: 3)
        let stack = rng.normal([10, 5, 3])
        let fused = stack.taylorActivation(f, firstOrder: 3, secondOrder: Self.secondOrder)
        let reference = Self.composite(stack, f)
        #expect(zip(fused.scalars.array, reference.scalars.array).allSatisfy { Swift.abs($0 - $1) < 1e-14 })
        let check = GradientCheck.run(at: [stack], secondOrder: false) { $0[0].taylorActivation(f, firstOrder: 3, secondOrder: Self.secondOrder) }
        #expect(check.firstOrderError < 1e-7)
    }
}
