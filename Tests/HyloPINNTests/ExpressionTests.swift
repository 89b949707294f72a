import Testing
import HyloCore
@testable import HyloPINN

@Suite struct ExpressionTests {
    @Test func parsesPrecedenceAndAssociativity() throws {
        let e = try ParsedExpression("-x^2 + 2^3^2 * y / 4 - sin(pi*x)").expression
        let value = e.evaluate { name -> Tensor in Tensor(["x": 3.0, "y": 2.0, "pi": Double.pi][name]!) }.scalar
        // −(3²) + 2^(3²) · 2 / 4 − sin(3π)
        #expect(Swift.abs(value - (-9 + 512 * 2 / 4 - _sin(3 * Double.pi))) < 1e-12)
        #expect(try ParsedExpression("a ** 2").expression == ParsedExpression("a^2").expression)
        #expect(try ParsedExpression("1.5e-3 * .5").expression == .binary(.multiply, .number(1.5e-3), .number(0.5)))
    }

    @Test func roundTripsThroughItsDescription() throws {
        for source in ["u_t + u*u_x - nu*u_xx", "u_xx + u_yy + sin(pi*x)*sin(pi*y)", "-(a - b)^-2 / exp(-t) * +c",
                       "u_t - a*(u_xx+u_yy) - u + u^3 + v", "sqrt(abs(x))^0.5 - tanh(1e-300)"] {
            let e = try ParsedExpression(source).expression
            #expect(try ParsedExpression(e.description).expression == e, "\(source) → \(e)")
        }
    }

    @Test(arguments: [
        ("u_t + (u*u_x", 12, "expected ')' to close the '(' at character 7"),
        ("u_t + * u", 6, "expected a number, a name or '('"),
        ("foo(x) + 1", 0, "unknown function 'foo'"),
        ("sin(x, y)", 5, "sin takes one argument"),
        ("u $ 2", 2, "unexpected character '$'"),
        ("1.2e+ * x", 3, "an exponent needs digits"),
        ("x y", 2, "unexpected name 'y'"),
        ("", 0, "empty expression"),
    ])
    func rejectsMalformedInputWithItsPosition(_ source: String, _ position: Int, _ message: String) {
        do {
            _ = try ParsedExpression(source)
            Issue.record("\(source) parsed")
        } catch let e as ExpressionError {
            #expect(e.position == position, "\(e)")
            #expect(e.message.hasPrefix(message), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    /// Runaway nesting is refused before parsing or evaluation could exhaust the stack.
    @Test func refusesExpressionsNestedTooDeeply() throws {
        let brackets = String(repeating: "(", count: 100_000) + "u" + String(repeating: ")", count: 100_000)
        let signs = String(repeating: "-", count: 100_000) + "u"
        let sum = Array(repeating: "u", count: 100_000).joined(separator: "+")
        let powers = Array(repeating: "u", count: 100_000).joined(separator: "^")
        for source in [brackets, signs, sum, powers] {
            #expect(throws: ExpressionError.self) { try ParsedExpression(source) }
        }
        let e = try ParsedExpression(Array(repeating: "u", count: 200).joined(separator: "+")).expression
        #expect(e.evaluate { _ in Tensor(1) }.scalar == 200)
    }

    @Test func unknownNamesPointAtTheirPosition() {
        var problem = PDEProblem(coordinates: ["x", "t"], fields: ["u"], domain: Domain(lower: [-1, 0], upper: [1, 1], time: 1))
        problem.equations = ["u_t + u*u_x - nu*u_xx"]
        do {
            _ = try CompiledProblem(problem)
            Issue.record("accepted an unknown constant")
        } catch PINNError.expression(let e, let context) {
            #expect(context == "equation 0")
            #expect(e.position == 14 && e.message == "unknown name 'nu'", "\(e)")
        } catch { Issue.record("\(error)") }
        problem.constants["nu"] = 0.01
        problem.equations = ["u_t + u_xxx"]
        #expect(throws: PINNError.self) { try CompiledProblem(problem) }
        problem.equations = ["u_t + u_n"]
        #expect(throws: PINNError.self) { try CompiledProblem(problem) }
        problem.equations = ["u_t + u*u_x - nu*u_xx"]
        problem.conditions = [.init(region: "x=0.5", residual: "u")]
        #expect(throws: PINNError.self) { try CompiledProblem(problem) }
        problem.conditions = [.init(region: "x=-1", residual: "u_n + u"), .init(region: "t = 0", residual: "u + sin(pi*x)")]
        #expect(throws: Never.self) { try CompiledProblem(problem) }
    }
}

private func _sin(_ x: Double) -> Double { Tensor(x).sin().scalar }
