import Testing
@testable import HyloCore

@Suite struct AutodiffTests {
    @Test func gradientOfGradientOfCubic() {
        // f = x³: f' = 3x², f'' = 6x, f''' = 6.
        let x = Tensor([0.5, -1.5, 2]).requiringGrad()
        let y = (x * x * x).sum()
        let d1 = gradients(of: y, wrt: [x], createGraph: true)[0]
        let d2 = gradients(of: d1.sum(), wrt: [x], createGraph: true)[0]
        let d3 = gradients(of: d2.sum(), wrt: [x])[0]
        #expect(d1.scalars == [0.75, 6.75, 12])
        #expect(d2.scalars == [3, -9, 12])
        #expect(d3.scalars == [6, 6, 6])
    }

    @Test func thirdInputDerivativeOfTanhNetworkMatchesClosedForm() {
        // u = tanh(a x): u''' = a³ (−2 + 8u² − 6u⁴)... compare against finite differences of u''.
        let a = 1.3
        let x = Tensor([0.1, 0.4, -0.7]).requiringGrad()
        let u = (x * a).tanh()
        let ux = gradients(of: u.sum(), wrt: [x], createGraph: true)[0]
        let uxx = gradients(of: ux.sum(), wrt: [x], createGraph: true)[0]
        let uxxx = gradients(of: uxx.sum(), wrt: [x])[0]
        for (i, xi) in x.scalars.enumerated() {
            let t = Glibc_tanh(a * xi)
            let exact = a * a * a * (-2 + 8 * t * t - 6 * t * t * t * t)
            #expect(abs(uxxx.scalars[i] - exact) < 1e-12)
        }
    }

    @Test func hessianVectorProductOfQuadratic() {
        // f = ½ xᵀ A x with symmetric A: H v = A v.
        let a = Tensor(rows: [[2, 1, 0], [1, 3, 1], [0, 1, 4]])
        let x = Tensor(shape: [3, 1], scalars: [1, -2, 0.5]).requiringGrad()
        let f = (Tensor.matmul(x, Tensor.matmul(a, x), transposeA: true) * 0.5).sum()
        let g = gradients(of: f, wrt: [x], createGraph: true)[0]
        let v = Tensor(shape: [3, 1], scalars: [1, 0, -1])
        let hv = gradients(of: (g * v).sum(), wrt: [x])[0]
        #expect(hv.scalars == [2, 0, -4])
    }

    @Test func jacobianVectorProductMatchesJacobian() {
        let x = Tensor([0.3, -0.2])
        let u = Tensor([1.0, 2.0])
        let (_, jvp) = jacobianVectorProduct(at: [x], tangents: [u]) { xs in
            Tensor.stack([xs[0].slice(axis: 0, start: 0, end: 1) * xs[0].slice(axis: 0, start: 1, end: 2),
                          xs[0].sin().sum().reshaped([1])], axis: 0).reshaped([2])
        }
        // J = [[x1, x0], [cos x0, cos x1]]
        let exact = [-0.2 * 1 + 0.3 * 2, Glibc_cos(0.3) * 1 + Glibc_cos(-0.2) * 2]
        #expect(abs(jvp.scalars[0] - exact[0]) < 1e-14 && abs(jvp.scalars[1] - exact[1]) < 1e-14)
    }

    @Test func vectorJacobianProduct() {
        let (y, vjp) = valueAndPullback(at: [Tensor([1.0, 2.0])], cotangent: Tensor([1.0, -1.0])) { $0[0].squared() }
        #expect(y.scalars == [1, 4])
        #expect(vjp[0].scalars == [2, -4])
        #expect(!y.requiresGrad)
    }

    @Test func noGradRegionRecordsNothing() {
        let x = Tensor([1.0]).requiringGrad()
        let y = withoutGradients { x.exp() * 2 }
        #expect(!y.requiresGrad)
        #expect(isRecordingGradients)
        #expect(gradients(of: y.sum(), wrt: [x])[0].scalars == [0])
    }

    @Test func unusedInputGetsZeroGradient() {
        let x = Tensor([1.0, 2]).requiringGrad(), z = Tensor([3.0]).requiringGrad()
        let g = gradients(of: x.sum(), wrt: [x, z])
        #expect(g[1].scalars == [0])
    }

    @Test func finishedGraphIsReleased() {
        weak var weakNode: Node?
        do {
            let x = Tensor([1.0, 2]).requiringGrad()
            let y = (x.tanh() * x).sum()
            weakNode = y.node
            _ = gradients(of: y, wrt: [x])
        }
        #expect(weakNode == nil)
    }

    @Test func deepGraphDoesNotOverflowTheStack() {
        let x = Tensor([0.5]).requiringGrad()
        var y = x
        for _ in 0..<100_000 { y = y * 1.0 + 0.0 }
        #expect(gradients(of: y.sum(), wrt: [x])[0].scalars == [1])
    }

    @Test func gradientsAreIdenticalWithAndWithoutCreateGraph() {
        let w = randn([4, 3], seed: 4).requiringGrad(), x = randn([5, 4], seed: 5)
        let loss = Tensor.matmul(x, w).tanh().squared().mean()
        let a = gradients(of: loss, wrt: [w])[0], b = gradients(of: loss, wrt: [w], createGraph: true)[0]
        #expect(a.scalars == b.scalars)
    }
}

import Glibc
func Glibc_tanh(_ x: Double) -> Double { Glibc.tanh(x) }
func Glibc_cos(_ x: Double) -> Double { Glibc.cos(x) }
