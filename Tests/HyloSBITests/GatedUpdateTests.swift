import Testing
import HyloCore
@testable import HyloSBI

@Suite struct GatedUpdateTests {
    /// The fused h + u ⊙ σ(v) against the composed ops, and its derivatives against finite
    /// differences (first order through the fused VJP, second order through the composed fallback).
    @Test func fusedUpdateMatchesComposedFormAndFiniteDifferences() {
        var rng = Philox(seed: 11)
        let (h, u, v) = (rng.normal([4, 3]), rng.normal([4, 3]), rng.normal([4, 3]) * 2)
        let fused = ResidualNet.gatedUpdate(h, u, v)
        let composed = h + u * v.sigmoid()
        #expect(zip(fused.scalars.array, composed.scalars.array).allSatisfy { abs($0 - $1) < 1e-15 })
        let check = GradientCheck.run(at: [h, u, v]) { t in ResidualNet.gatedUpdate(t[0], t[1], t[2]).tanh() }
        #expect(check.firstOrderError < 1e-6)
        #expect(check.secondOrderError < 1e-5)
    }
}
