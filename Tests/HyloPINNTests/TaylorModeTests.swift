import Testing
import HyloCore
@testable import HyloPINN

/// Taylor-mode input derivatives must equal nested reverse mode (DESIGN §2) to 1e-10.
@Suite struct TaylorModeTests {
    static func configurations() -> [PINNNetworkConfiguration] {
        var plain = PINNNetworkConfiguration(inputs: 3, outputs: 2, lower: [-1, 0, 0], upper: [1, 2, 1])
        plain.hiddenLayers = 3; plain.hiddenFeatures = 7; plain.seed = 3
        var modified = plain
        modified.architecture = .modifiedMLP
        modified.activation = .sin
        modified.weightFactorization = .init()
        var fourier = plain
        fourier.fourierFeatures = 5
        fourier.periods = [0: 2]
        fourier.activation = .gelu
        var smooth = plain
        smooth.activation = .silu
        var soft = plain
        soft.activation = .softplus
        return [plain, modified, fourier, smooth, soft]
    }

    /// Sums carried whole: first and second derivatives with weights, and first derivatives only.
    static let combinations = [
        DerivativeCombination(dimension: 3, firstOrder: [(1, 1), (0, 0.3)], secondOrder: [(.init(0, 0), -0.7), (.init(2, 1), 0.4)]),
        DerivativeCombination(dimension: 3, firstOrder: [(2, 2), (1, -1)], secondOrder: []),
    ]

    /// Plans with every derivative carried alone and with combinations, with and without the
    /// derivatives the combinations sum.
    static let plans = [
        DerivativePlan(dimension: 3, firstOrder: [0, 1, 2], secondOrder: [.init(0, 0), .init(0, 1), .init(1, 1), .init(1, 2), .init(2, 2)],
                       combinations: combinations),
        DerivativePlan(dimension: 3, combinations: combinations),
        DerivativePlan(dimension: 3, combinations: [combinations[1]]),
    ]

    @Test(arguments: configurations(), plans)
    func jetsMatchNestedReverseMode(_ configuration: PINNNetworkConfiguration, _ plan: DerivativePlan) {
        let network = PINNNetwork(configuration)
        var rng = Philox(seed: 9)
        let points = rng.uniform([6, 3], low: -1, high: 1)
        let jets = network(points, plan: plan)
        for output in 0..<configuration.outputs {
            let x = points.requiringGrad()
            let u = network(x).slice(axis: 1, start: output, end: output + 1)
            #expect(maxDifference(jets[output].value, u) < 1e-12)
            let grad = gradients(of: u.sum(), wrt: [x], createGraph: true)[0]
            var gradient: [Tensor] = [], hessian: [[Tensor]] = []
            for i in 0..<3 {
                let gi = grad.slice(axis: 1, start: i, end: i + 1)
                gradient.append(gi)
                let row = gradients(of: gi.sum(), wrt: [x])[0]
                hessian.append((0..<3).map { row.slice(axis: 1, start: $0, end: $0 + 1) })
            }
            for i in plan.firstOrder {
                #expect(maxDifference(jets[output].derivative(i), gradient[i]) < 1e-10, "∂\(i)")
            }
            for pair in plan.secondOrder {
                #expect(maxDifference(jets[output].derivative(pair.i, pair.j)!, hessian[pair.i][pair.j]) < 1e-10, "∂\(pair.i)∂\(pair.j)")
            }
            for (c, combination) in plan.combinations.enumerated() {
                var expected = Tensor.zeros([6, 1])
                for (k, w) in combination.firstOrder.enumerated() { expected = expected + gradient[k] * w }
                for t in combination.secondOrder { expected = expected + hessian[t.pair.i][t.pair.j] * t.weight }
                #expect(maxDifference(jets[output].combination(c), expected) < 1e-10, "combination \(c)")
            }
        }
    }

    /// The reverse pass through a jet reaches the parameters: the gradient of a residual loss
    /// agrees with central finite differences in a weight.
    @Test func parameterGradientsThroughJetsMatchFiniteDifferences() {
        var c = PINNNetworkConfiguration(inputs: 2, outputs: 1, lower: [0, 0], upper: [1, 1])
        c.hiddenLayers = 2; c.hiddenFeatures = 5; c.weightFactorization = .init()
        let network = PINNNetwork(c)
        var rng = Philox(seed: 1)
        let points = rng.uniform([8, 2])
        let plan = DerivativePlan(dimension: 2, firstOrder: [1], secondOrder: [.init(0, 0)])
        func loss() -> Tensor {
            let u = network(points, plan: plan)[0]
            return (u.derivative(1) + u.value * u.derivative(0, 0)!).squared().mean()
        }
        for (name, p) in network.namedParameters {
            let analytic = gradients(of: loss(), wrt: [p.value])[0]
            let index = p.count / 2, h = 1e-6
            let original = p.value.scalars.array
            var bumped = original
            bumped[index] += h; p.value.assignValues(bumped)
            let up = loss().scalar
            bumped[index] -= 2 * h; p.value.assignValues(bumped)
            let down = loss().scalar
            p.value.assignValues(original)
            let numeric = (up - down) / (2 * h)
            #expect(Swift.abs(analytic.scalars[index] - numeric) < 1e-6 * Swift.max(1, Swift.abs(numeric)), "\(name)")
        }
    }

    @Test func hardPeriodicityHoldsExactly() {
        var c = PINNNetworkConfiguration(inputs: 2, outputs: 1, lower: [-1, 0], upper: [1, 1])
        c.periods = [0: 2]
        let network = PINNNetwork(c)
        let a = network(Tensor(rows: [[-1, 0.3], [-0.25, 0.7]])), b = network(Tensor(rows: [[1, 0.3], [1.75, 0.7]]))
        #expect(maxDifference(a, b) < 1e-13)
    }
}

func maxDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.scalars.array, b.scalars.array).map { Swift.abs($0 - $1) }.max() ?? 0
}
