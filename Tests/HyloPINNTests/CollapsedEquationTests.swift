import Testing
import HyloCore
@testable import HyloPINN

/// Collapsed Taylor mode: which sums of derivatives an equation carries whole, and that the
/// residual it gives equals the residual from every derivative carried alone.
@Suite struct CollapsedEquationTests {
    static func problem(_ equations: [String], coordinates: [String] = ["x", "t"], fields: [String] = ["u"]) -> PDEProblem {
        let d = coordinates.count
        var problem = PDEProblem(coordinates: coordinates, fields: fields,
                                 domain: Domain(lower: Array(repeating: -1, count: d), upper: Array(repeating: 1, count: d), time: d - 1))
        problem.constants = ["nu": 0.01 / Double.pi, "a": 0.3]
        problem.coefficients = [.init(name: "k", initial: 0.5)]
        problem.equations = equations
        return problem
    }

    @Test func burgersCarriesValueFirstDerivativeAndOneSum() throws {
        let compiled = try CompiledProblem(Self.problem(["u_t + u*u_x - nu*u_xx"]))
        let plan = compiled.interiorPlan
        #expect(plan.components == 3 && plan.firstOrder == [0] && plan.secondOrder.isEmpty)
        let combination = try #require(plan.combinations.first)
        #expect(combination.firstOrder == [0, 1])
        #expect(combination.secondOrder == [.init(pair: .init(0, 0), weight: -0.01 / Double.pi)])
    }

    @Test func keepsEveryDerivativeWhenCollapsingSavesNothing() throws {
        // u_xx also appears in a product, and the unknown coefficient k is not a constant.
        let compiled = try CompiledProblem(Self.problem(["u_t - k*u_xx + u*u_xx"]))
        #expect(compiled.interiorPlan.combinations.isEmpty && compiled.equations[0].collapsed.isEmpty)
    }

    /// Residuals of systems, constant factors of sums and output transforms, collapsed and not.
    @Test(arguments: [
        (["u_t + u*u_x - nu*u_xx"], ["x", "t"], ["u"]),
        (["u_t - a*(u_xx + u_yy) - u + u^3 + v", "v_t - 2*(v_xx + v_yy)/a + u*v_x"], ["x", "y", "t"], ["u", "v"]),
        (["-(u_xx + u_yy)/4 + sin(pi*x)", "v_x - 3*v_y - u_x*u_y"], ["x", "y"], ["u", "v"]),
    ])
    func collapsedResidualEqualsPlainResidual(_ equations: [String], _ coordinates: [String], _ fields: [String]) throws {
        var problem = Self.problem(equations, coordinates: coordinates, fields: fields)
        problem.outputTransforms = [fields[0]: "(1 - x^2)*N + x"]
        var configuration = PINNNetworkConfiguration(inputs: 1, outputs: 1, lower: [0], upper: [1])
        configuration.hiddenLayers = 2; configuration.hiddenFeatures = 6
        let pinn = try PINN(problem: problem, configuration: configuration)
        let compiled = pinn.compiled
        #expect(!compiled.interiorPlan.combinations.isEmpty)
        var rng = Philox(seed: 4)
        let points = rng.uniform([9, coordinates.count], low: -1, high: 1)
        let collapsed = pinn.fields(at: points, plan: compiled.interiorPlan)
        let parsed = try equations.map { try ParsedExpression($0) }
        var first = Set<Int>(), second = Set<DerivativePlan.Pair>()
        for e in parsed {
            for name in e.expression.symbols {
                if case .success(.derivative(_, let k)) = compiled.symbols.resolve(name) { first.insert(k) }
                if case .success(.secondDerivative(_, let pair)) = compiled.symbols.resolve(name) { second.insert(pair) }
            }
        }
        let plainPlan = DerivativePlan(dimension: coordinates.count, firstOrder: first, secondOrder: second)
        #expect(compiled.interiorPlan.components < plainPlan.components)
        let plain = pinn.fields(at: points, plan: plainPlan)
        for (equation, source) in zip(compiled.equations, parsed) {
            let r = pinn.residual(equation, fields: collapsed, points: points)
            let reference = pinn.residual(source.expression, fields: plain, points: points, normals: nil)
            #expect(maxDifference(r, reference) < 1e-11 * Swift.max(1, reference.abs().max().scalar), "\(source.source)")
        }
    }
}
