import Testing
import HyloCore
@testable import HyloSBI

@Suite struct SplineTests {
    func parameters(_ n: Int, bins: Int = 5, seed: UInt64 = 1) -> (Tensor, Tensor, Tensor) {
        var rng = Philox(seed: seed)
        return (rng.normal([n, bins]), rng.normal([n, bins]), rng.normal([n, bins - 1]))
    }

    @Test func inverseUndoesForwardInsideAndOutside() {
        let n = 200
        let (w, h, d) = parameters(n)
        var rng = Philox(seed: 2)
        let x = rng.uniform([n], low: -4, high: 4)
        let (y, _) = RationalQuadraticSpline.forward(x, widths: w, heights: h, derivatives: d, bound: 3)
        let back = RationalQuadraticSpline.inverse(y, widths: w, heights: h, derivatives: d, bound: 3)
        for (a, b) in zip(back.scalars, x.scalars) { #expect(abs(a - b) < 1e-10) }
        for i in 0..<n where abs(x.scalars[i]) > 3 { #expect(y.scalars[i] == x.scalars[i]) }
    }

    @Test func logDeterminantIsTheDerivative() {
        let n = 100
        let (w, h, d) = parameters(n, seed: 3)
        var rng = Philox(seed: 4)
        let x = rng.uniform([n], low: -2.9, high: 2.9)
        let (_, logDet) = RationalQuadraticSpline.forward(x, widths: w, heights: h, derivatives: d, bound: 3)
        let eps = 1e-6
        let (yp, _) = RationalQuadraticSpline.forward(x + eps, widths: w, heights: h, derivatives: d, bound: 3)
        let (ym, _) = RationalQuadraticSpline.forward(x - eps, widths: w, heights: h, derivatives: d, bound: 3)
        for i in 0..<n {
            let fd = (yp.scalars[i] - ym.scalars[i]) / (2 * eps)
            #expect(abs(Glibc_log(fd) - logDet.scalars[i]) < 1e-6)
        }
    }

    @Test func gradientsWithRespectToParameters() {
        let (w, h, d) = parameters(6, seed: 5)
        var rng = Philox(seed: 6)
        let x = rng.uniform([6], low: -2.5, high: 2.5)
        let check = GradientCheck.run(at: [w, h, d, x], secondOrder: false) { v in
            let (y, ld) = RationalQuadraticSpline.forward(v[3], widths: v[0], heights: v[1], derivatives: v[2], bound: 3)
            return y + ld
        }
        #expect(check.firstOrderError < 1e-6)
    }
}

import Glibc
func Glibc_log(_ x: Double) -> Double { Glibc.log(x) }
