import Glibc
import Testing
@testable import HyloCore

/// One op under test: a name, its inputs, and the function of them.
struct OpCase: CustomTestStringConvertible, Sendable {
    let name: String
    let inputs: @Sendable () -> [Tensor]
    let f: @Sendable ([Tensor]) -> Tensor
    var secondOrder = true
    var testDescription: String { name }
}

func randn(_ shape: [Int], seed: UInt64, scale: Double = 1, shift: Double = 0) -> Tensor {
    var r = Philox(seed: seed, stream: UInt64(shape.reduce(1, *)))
    return r.normal(shape, mean: shift, std: scale)
}
func uniform(_ shape: [Int], seed: UInt64, _ lo: Double, _ hi: Double) -> Tensor {
    var r = Philox(seed: seed, stream: 3)
    return r.uniform(shape, low: lo, high: hi)
}

/// Every op, including broadcast and non-contiguous (transposed, sliced) operands.
let opCases: [OpCase] = [
    OpCase(name: "add broadcast", inputs: { [randn([3, 4], seed: 1), randn([4], seed: 2)] }, f: { $0[0] + $0[1] }),
    OpCase(name: "sub broadcast column", inputs: { [randn([3, 1], seed: 1), randn([2, 3, 4], seed: 2)] }, f: { $0[0] - $0[1] }),
    OpCase(name: "mul broadcast", inputs: { [randn([2, 3, 4], seed: 1), randn([3, 1], seed: 2)] }, f: { $0[0] * $0[1] }),
    OpCase(name: "div", inputs: { [randn([3, 4], seed: 1), uniform([3, 4], seed: 2, 0.5, 2)] }, f: { $0[0] / $0[1] }),
    OpCase(name: "scalar affine", inputs: { [randn([5], seed: 1)] }, f: { 2 - $0[0] * 3 + 1 }),
    OpCase(name: "neg", inputs: { [randn([5], seed: 1)] }, f: { -$0[0] }),
    OpCase(name: "pow scalar", inputs: { [uniform([6], seed: 1, 0.5, 2)] }, f: { $0[0].pow(2.5) }),
    OpCase(name: "square", inputs: { [randn([6], seed: 1)] }, f: { $0[0].squared() }),
    OpCase(name: "pow tensor", inputs: { [uniform([2, 3], seed: 1, 0.5, 2), randn([3], seed: 2)] }, f: { $0[0].pow($0[1]) }),
    OpCase(name: "exp", inputs: { [randn([6], seed: 1)] }, f: { $0[0].exp() }),
    OpCase(name: "log", inputs: { [uniform([6], seed: 1, 0.5, 3)] }, f: { $0[0].log() }),
    OpCase(name: "log1p", inputs: { [uniform([6], seed: 1, -0.5, 3)] }, f: { $0[0].log1p() }),
    OpCase(name: "expm1", inputs: { [randn([6], seed: 1)] }, f: { $0[0].expm1() }),
    OpCase(name: "sqrt", inputs: { [uniform([6], seed: 1, 0.5, 3)] }, f: { $0[0].sqrt() }),
    OpCase(name: "abs", inputs: { [uniform([6], seed: 1, 0.2, 1) * randn([6], seed: 2).sign()] }, f: { $0[0].abs() }),
    OpCase(name: "sin", inputs: { [randn([6], seed: 1)] }, f: { $0[0].sin() }),
    OpCase(name: "cos", inputs: { [randn([6], seed: 1)] }, f: { $0[0].cos() }),
    OpCase(name: "tanh", inputs: { [randn([6], seed: 1)] }, f: { $0[0].tanh() }),
    OpCase(name: "sigmoid", inputs: { [randn([6], seed: 1, scale: 3)] }, f: { $0[0].sigmoid() }),
    OpCase(name: "softplus", inputs: { [randn([6], seed: 1, scale: 3)] }, f: { $0[0].softplus() }),
    OpCase(name: "relu", inputs: { [uniform([6], seed: 1, 0.1, 1) * randn([6], seed: 2).sign()] }, f: { $0[0].relu() * $0[0] }),
    OpCase(name: "gelu", inputs: { [randn([6], seed: 1, scale: 2)] }, f: { $0[0].gelu() }),
    OpCase(name: "silu", inputs: { [randn([6], seed: 1, scale: 2)] }, f: { $0[0].silu() }),
    OpCase(name: "elu", inputs: { [uniform([6], seed: 1, 0.1, 1) * randn([6], seed: 2).sign()] }, f: { $0[0].elu(alpha: 0.7) }),
    OpCase(name: "erf", inputs: { [randn([6], seed: 1)] }, f: { $0[0].erf() }),
    OpCase(name: "sum all", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].sum().squared() }),
    OpCase(name: "sum axis", inputs: { [randn([2, 3, 4], seed: 1)] }, f: { $0[0].sum(axis: 1).squared() }),
    OpCase(name: "sum axes keepDims", inputs: { [randn([2, 3, 4], seed: 1)] }, f: { $0[0].sum(axes: [0, 2], keepDims: true).squared() }),
    OpCase(name: "mean axis", inputs: { [randn([2, 3, 4], seed: 1)] }, f: { $0[0].mean(axis: -1).squared() }),
    OpCase(name: "max axis", inputs: { [randn([3, 5], seed: 1)] }, f: { $0[0].max(axis: 1).squared() }),
    OpCase(name: "logsumexp", inputs: { [randn([3, 5], seed: 1, scale: 3)] }, f: { $0[0].logSumExp(axis: 1) }),
    OpCase(name: "log softmax", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].logSoftmax(axis: 1) }),
    OpCase(name: "mean all", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].squared().mean() }),
    OpCase(name: "max all", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].max().squared() }),
    OpCase(name: "unsqueeze", inputs: { [randn([3], seed: 1)] }, f: { $0[0].unsqueezed(0).expand(to: [2, 3]).sin() }),
    OpCase(name: "sigmoid tails", inputs: { [Tensor([-30, -5, 0.5, 5, 30])] }, f: { $0[0].sigmoid().log() }),
    OpCase(name: "softmax", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].softmax(axis: 0) }),
    OpCase(name: "channelLinear", inputs: { [randn([2, 3, 5], seed: 1), randn([4, 3], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.channelLinear($0[0], $0[1], $0[2]) }),
    OpCase(name: "channelLinear adding", inputs: { [randn([2, 3, 5], seed: 1), randn([4, 3], seed: 2), randn([4], seed: 3), randn([2, 4, 5], seed: 4)] },
           f: { Tensor.channelLinear($0[0], $0[1], $0[2], adding: $0[3]) }),
    OpCase(name: "matmul", inputs: { [randn([3, 4], seed: 1), randn([4, 2], seed: 2)] }, f: { Tensor.matmul($0[0], $0[1]) }),
    OpCase(name: "matmul transposed flags", inputs: { [randn([4, 3], seed: 1), randn([2, 4], seed: 2)] },
           f: { Tensor.matmul($0[0], $0[1], transposeA: true, transposeB: true) }),
    OpCase(name: "matmul of transposed view", inputs: { [randn([4, 3], seed: 1), randn([4, 2], seed: 2)] },
           f: { Tensor.matmul($0[0].transposed(), $0[1]) }),
    OpCase(name: "batched matmul", inputs: { [randn([2, 3, 4], seed: 1), randn([2, 4, 2], seed: 2)] }, f: { Tensor.matmul($0[0], $0[1]) }),
    OpCase(name: "batched matmul broadcast", inputs: { [randn([4, 3], seed: 1), randn([2, 4, 2], seed: 2)] },
           f: { Tensor.matmul($0[0], $0[1], transposeA: true) }),
    OpCase(name: "batch times matrix", inputs: { [randn([2, 3, 4], seed: 1), randn([4, 2], seed: 2)] }, f: { Tensor.matmul($0[0], $0[1]) }),
    OpCase(name: "linear", inputs: { [randn([5, 3], seed: 1), randn([3, 4], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.linear($0[0], $0[1], $0[2]).tanh() }),
    OpCase(name: "linear tanh fused", inputs: { [randn([5, 3], seed: 1), randn([3, 4], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.linear($0[0], $0[1], $0[2], activation: .tanh).sin() }),
    OpCase(name: "linear sigmoid fused", inputs: { [randn([2, 5, 3], seed: 1), randn([3, 4], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.linear($0[0], $0[1], $0[2], activation: .sigmoid).squared() }),
    OpCase(name: "linear relu fused", inputs: { [randn([5, 3], seed: 1), randn([3, 4], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.linear($0[0], $0[1], $0[2], activation: .relu) * randn([5, 4], seed: 4) }),
    OpCase(name: "linear on slice", inputs: { [randn([5, 6], seed: 1), randn([3, 4], seed: 2), randn([4], seed: 3)] },
           f: { Tensor.linear($0[0].slice(axis: 1, start: 1, end: 6, step: 2), $0[1], $0[2]).sin() }),
    OpCase(name: "reshape", inputs: { [randn([2, 6], seed: 1)] }, f: { $0[0].reshaped([3, -1]).exp() }),
    OpCase(name: "permute", inputs: { [randn([2, 3, 4], seed: 1)] }, f: { $0[0].permuted([2, 0, 1]) * randn([4, 2, 3], seed: 5) }),
    OpCase(name: "slice step", inputs: { [randn([3, 7], seed: 1)] }, f: { $0[0].slice(axis: 1, start: 1, end: 7, step: 3).squared() }),
    OpCase(name: "concatenate", inputs: { [randn([2, 3], seed: 1), randn([2, 2], seed: 2)] },
           f: { Tensor.concatenate([$0[0], $0[1], $0[0]], axis: 1).squared() }),
    OpCase(name: "stack", inputs: { [randn([2, 3], seed: 1), randn([2, 3], seed: 2)] }, f: { Tensor.stack([$0[0], $0[1]], axis: 1).sin() }),
    OpCase(name: "expand", inputs: { [randn([3, 1], seed: 1)] }, f: { $0[0].expand(to: [2, 3, 4]).squared() }),
    OpCase(name: "gather", inputs: { [randn([3, 4], seed: 1)] },
           f: { $0[0].gather(axis: 1, index: IndexTensor(shape: [3, 2], indices: [0, 3, 1, 1, 2, 0])).squared() }),
    OpCase(name: "scatter", inputs: { [randn([3, 2], seed: 1)] },
           f: { $0[0].scatter(into: [3, 4], axis: 1, index: IndexTensor(shape: [3, 2], indices: [0, 3, 1, 1, 2, 0])).squared() }),
    OpCase(name: "selectRows", inputs: { [randn([4, 3], seed: 1)] }, f: { $0[0].selectRows([3, 0, 3]).squared() }),
    OpCase(name: "where", inputs: { [randn([3, 4], seed: 1), randn([4], seed: 2)] },
           f: { Tensor.where(randn([3, 4], seed: 9).greater(0), $0[0].squared(), $0[1].exp()) }),
    OpCase(name: "cumulative sum", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].cumulativeSum(axis: 1).squared() }),
    OpCase(name: "reverse cumulative sum", inputs: { [randn([3, 4], seed: 1)] }, f: { $0[0].cumulativeSum(axis: 0, reverse: true).squared() }),
    OpCase(name: "sort values", inputs: { [randn([3, 5], seed: 1)] }, f: { $0[0].sorted().values * Tensor.linspace(1, 2, count: 5) }),
    OpCase(name: "diagonal", inputs: { [randn([2, 3, 3], seed: 1)] }, f: { $0[0].diagonal().squared() }),
    OpCase(name: "triangular solve", inputs: { [randn([3, 3], seed: 1) * 0.3 + Tensor.eye(3) * 2, randn([3, 2], seed: 2)] },
           f: { Tensor.solveTriangular($0[0], $0[1], lower: true) }),
    OpCase(name: "triangular solve upper transposed", inputs: { [randn([3, 3], seed: 1) * 0.3 + Tensor.eye(3) * 2, randn([3, 2], seed: 2)] },
           f: { Tensor.solveTriangular($0[0], $0[1], lower: false, transpose: true) }),
    OpCase(name: "batched triangular solve", inputs: { [randn([2, 3, 3], seed: 1) * 0.3 + Tensor.eye(3) * 2, randn([2, 3, 2], seed: 2)] },
           f: { Tensor.solveTriangular($0[0], $0[1], lower: true, transpose: true) }),
    OpCase(name: "cholesky", inputs: { [randn([3, 3], seed: 1)] }, f: { m in
        let a = Tensor.matmul(m[0], m[0], transposeB: true) + Tensor.eye(3) * 3
        return try! a.cholesky()
    }),
    OpCase(name: "batched cholesky", inputs: { [randn([2, 3, 3], seed: 1)] }, f: { m in
        let a = Tensor.matmul(m[0], m[0], transposeB: true) + Tensor.eye(3)
        return try! a.cholesky()
    }),
]

@Suite struct OpGradientTests {
    @Test(arguments: opCases)
    func firstAndSecondOrder(_ c: OpCase) {
        let check = GradientCheck.run(at: c.inputs(), secondOrder: c.secondOrder, c.f)
        #expect(check.firstOrderError < 1e-6, "first-order error \(check.firstOrderError)")
        #expect(check.secondOrderError < 1e-5, "second-order error \(check.secondOrderError)")
    }

    @Test func checkerCatchesAWrongRule() {
        // A deliberately wrong backward rule must be caught: the test can fail.
        let wrong: ([Tensor]) -> Tensor = { xs in
            let x = xs[0]
            return Tensor.record(x.scalars.map { $0 * $0 }, shape: x.shape, inputs: [x]) { g, _ in [g * x * 3] }
        }
        let check = GradientCheck.run(at: [randn([4], seed: 1)], secondOrder: false, wrong)
        #expect(check.firstOrderError > 0.1)
    }
}

func Glibc_sin(_ x: Double) -> Double { Glibc.sin(x) }
