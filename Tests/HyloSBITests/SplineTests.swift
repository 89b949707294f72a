import Glibc
import Testing
import HyloCore
@testable import HyloSBI

@Suite struct SplineTests {
    let spline = RationalQuadraticSpline(bins: 5, bound: 3)

    func parameters(_ n: Int, seed: UInt64 = 1) -> Tensor {
        var rng = Philox(seed: seed)
        return rng.normal([n, spline.parametersPerRow]) * 1.5
    }

    @Test func inverseUndoesForwardInsideAndOutside() {
        let n = 200
        let p = parameters(n)
        var rng = Philox(seed: 2)
        let x = rng.uniform([n], low: -4, high: 4)
        let (y, _) = spline.forward(x, p)
        let back = spline.inverse(y, p)
        for (a, b) in zip(back.scalars, x.scalars) { #expect(abs(a - b) < 1e-10) }
        for i in 0..<n where abs(x.scalars[i]) > 3 { #expect(y.scalars[i] == x.scalars[i]) }
    }

    @Test func logDeterminantIsTheDerivative() {
        let n = 100
        let p = parameters(n, seed: 3)
        var rng = Philox(seed: 4)
        let x = rng.uniform([n], low: -2.9, high: 2.9)
        let (_, logDet) = spline.forward(x, p)
        let eps = 1e-6
        let (yp, _) = spline.forward(x + eps, p), (ym, _) = spline.forward(x - eps, p)
        for i in 0..<n {
            let fd = (yp.scalars[i] - ym.scalars[i]) / (2 * eps)
            #expect(abs(log(fd) - logDet.scalars[i]) < 1e-6)
        }
    }

    /// The fused kernel and the taped reference agree in value and in their vector–Jacobian
    /// products, inside, outside and exactly on the bounds.
    @Test func fusedKernelEqualsComposedReference() {
        let n = 300
        let p = parameters(n, seed: 5)
        var rng = Philox(seed: 6)
        var x = rng.uniform([n], low: -3.5, high: 3.5)
        x.withMutableScalars { $0[0] = -3; $0[1] = 3; $0[2] = 0 }
        let weights = rng.normal([2, n])
        func loss(_ v: [Tensor], _ f: (Tensor, Tensor) -> (Tensor, Tensor)) -> Tensor {
            let (y, ld) = f(v[0], v[1])
            return (y * weights.slice(axis: 0, start: 0, end: 1).reshaped([n])
                    + ld * weights.slice(axis: 0, start: 1, end: 2).reshaped([n])).sum()
        }
        let fused = valueAndPullback(at: [x, p]) { v in loss(v) { spline.forward($0, $1) } }
        let composed = valueAndPullback(at: [x, p]) { v in
            loss(v) { ComposedRationalQuadraticSpline.forward($0, $1, bins: spline.bins, bound: spline.bound) }
        }
        #expect(abs(fused.value.scalar - composed.value.scalar) < 1e-10 * abs(composed.value.scalar))
        for (a, b) in zip(fused.vjp, composed.vjp) {
            for (u, v) in zip(a.scalars, b.scalars) { #expect(abs(u - v) < 1e-10 * max(1, abs(v))) }
        }
    }

    /// Against finite differences, first order through the fused kernel and second order through
    /// its composed fallback.
    @Test func gradientsWithRespectToInputAndParameters() {
        let p = parameters(6, seed: 7)
        var rng = Philox(seed: 8)
        let x = rng.uniform([6], low: -2.5, high: 2.5)
        let check = GradientCheck.run(at: [x, p]) { v in
            let (y, ld) = spline.forward(v[0], v[1])
            return y + ld
        }
        #expect(check.firstOrderError < 1e-6)
        #expect(check.secondOrderError < 1e-5)
    }
}
