import Glibc
import Testing
@testable import HyloCore

@Suite struct TensorTests {
    @Test func broadcastShapes() {
        #expect(broadcastShape([3, 1], [2, 1, 4]) == [2, 3, 4])
        #expect(broadcastShape([3], [3]) == [3])
        #expect(broadcastShape([2, 3], [3, 2]) == nil)
    }

    @Test func broadcastArithmeticMatchesLoops() {
        let a = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [4, 1], scalars: [10, 20, 30, 40])
        let c = a + b
        #expect(c.shape == [2, 4, 3])
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 {
            #expect(c.scalars[(i * 4 + j) * 3 + k] == a.scalars[i * 3 + k] + b.scalars[j])
        } } }
    }

    @Test func reductions() {
        let x = Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(x.sum().scalar == 21)
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(x.max(axis: 1).scalars == [5, 6])
        #expect(x.mean(axis: 1).scalars == [3, 4])
        let lse = Tensor([1000, 1000]).logSumExp(axis: 0).scalar
        #expect(abs(lse - (1000 + Glibc_log(2))) < 1e-12)
    }

    @Test func matmulAgainstLoops() {
        let a = randn([3, 5], seed: 1), b = randn([5, 4], seed: 2)
        let c = Tensor.matmul(a, b)
        for i in 0..<3 { for j in 0..<4 {
            var s = 0.0
            for k in 0..<5 { s += a.scalars[i * 5 + k] * b.scalars[k * 4 + j] }
            #expect(abs(c.scalars[i * 4 + j] - s) < 1e-13)
        } }
        let viaFlags = Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true)
        #expect(viaFlags.scalars == c.scalars)
    }

    @Test func fusedLinearActivationMatchesComposite() {
        // 600 × 64 outputs: the bias-and-activation pass is split over threads.
        let x = randn([600, 10], seed: 1), w = randn([10, 64], seed: 2), b = randn([64], seed: 3)
        let pre = Tensor.linear(x, w, b)
        let cases: [(FusedActivation, Tensor)] = [(.tanh, pre.tanh()), (.sigmoid, pre.sigmoid()), (.relu, pre.relu())]
        for (activation, expected) in cases {
            let fused = Tensor.linear(x, w, b, activation: activation)
            #expect(fused.shape == [600, 64])
            #expect(zip(fused.scalars, expected.scalars).allSatisfy { abs($0 - $1) < 1e-13 }, "\(activation)")
        }
    }

    @Test func permuteSliceConcat() {
        let x = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(x.transposed().scalars == [0, 3, 1, 4, 2, 5])
        #expect(x.slice(axis: 1, start: 0, end: 3, step: 2).scalars == [0, 2, 3, 5])
        #expect(Tensor.concatenate([x, x], axis: 0).shape == [4, 3])
        #expect(Tensor.concatenate([x, x.slice(axis: 1, start: 0, end: 1)], axis: 1).scalars == [0, 1, 2, 0, 3, 4, 5, 3])
    }

    @Test func sortAndSearchSorted() {
        let x = Tensor(shape: [2, 4], scalars: [3, 1, 2, 1, 9, 8, 7, 6])
        let (v, i) = x.sorted()
        #expect(v.scalars == [1, 1, 2, 3, 6, 7, 8, 9])
        #expect(i.indices == [1, 3, 2, 0, 3, 2, 1, 0])
        let knots = Tensor([0, 1, 2, 3])
        #expect(knots.searchSorted(Tensor([-1, 0, 0.5, 3, 4])).indices == [0, 0, 1, 3, 4])
        #expect(knots.searchSorted(Tensor([0, 3]), right: true).indices == [1, 4])
    }

    @Test func choleskySolvesASystem() throws {
        let a = Tensor(rows: [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]])
        let l = try a.cholesky()
        let llt = Tensor.matmul(l, l, transposeB: true)
        for (p, q) in zip(llt.scalars, a.scalars) { #expect(abs(p - q) < 1e-14) }
        #expect(l.scalars[1] == 0 && l.scalars[2] == 0 && l.scalars[5] == 0)
        // A x = b via two triangular solves.
        let b = Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let x = Tensor.solveTriangular(l, Tensor.solveTriangular(l, b, lower: true), lower: true, transpose: true)
        let ax = Tensor.matmul(a, x)
        for (p, q) in zip(ax.scalars, b.scalars) { #expect(abs(p - q) < 1e-13) }
    }

    @Test func choleskyRejectsIndefinite() {
        #expect(throws: LinearAlgebraError.self) { try Tensor(rows: [[1, 2], [2, 1]]).cholesky() }
    }

    @Test func whereDoesNotLeakNaN() {
        let x = Tensor([-1.0, 4]).requiringGrad()
        let y = Tensor.where(x.greater(0), x.abs().sqrt(), Tensor.zeros([2]))
        let g = gradients(of: y.sum(), wrt: [x])[0]
        #expect(y.scalars == [0, 2])
        #expect(g.scalars == [0, 0.25])
    }
}

func Glibc_log(_ x: Double) -> Double { Glibc.log(x) }

@Suite struct VectorMathTests {
    /// Largest error in units of the last place against glibc.
    func maxUlp(_ xs: [Double], _ fast: (Double) -> Double, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        for x in xs {
            let f = fast(x), r = reference(x)
            if r.isInfinite || r == 0 { #expect(f == r, "at \(x): \(f) vs \(r)"); continue }
            worst = max(worst, abs(f - r) / r.ulp)
        }
        return worst
    }

    @Test func expIsAccurate() {
        let wide: [Double] = (0..<20001).map { (i: Int) -> Double in -700 + 1409 * Double(i) / 20000 }
        let near: [Double] = (0..<2001).map { (i: Int) -> Double in -1 + Double(i) / 1000 }
        let xs = wide + near
        #expect(maxUlp(xs, VectorMath.exp, Glibc.exp) <= 2)
        #expect(VectorMath.exp(-1000) == 0 && VectorMath.exp(1000) == .infinity)
        #expect(VectorMath.exp(.nan).isNaN && VectorMath.exp(0) == 1)
    }

    @Test func tanhIsAccurate() {
        let wide: [Double] = (0..<40001).map { (i: Int) -> Double in -25 + 50 * Double(i) / 40000 }
        let tiny: [Double] = (1..<300).map { (i: Int) -> Double in Glibc.pow(10, -Double(i) / 10) }
        let xs = wide + tiny
        #expect(maxUlp(xs, VectorMath.tanh, Glibc.tanh) <= 3)
        #expect(VectorMath.tanh(.nan).isNaN && VectorMath.tanh(-.infinity) == -1 && VectorMath.tanh(.infinity) == 1)
        #expect(maxUlp(xs, VectorMath.logistic, { 1 / (1 + Glibc.exp(-$0)) }) <= 3)
    }
}
