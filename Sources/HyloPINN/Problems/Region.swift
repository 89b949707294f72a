import HyloCore

/// A part of the domain where a condition holds.
enum Region: Equatable {
    case interior
    /// The spatial boundary at all times.
    case boundary
    /// `x_axis` at its lower or upper bound.
    case face(axis: Int, upper: Bool)

    /// Parses `"interior"`, `"boundary"` or `"<coordinate>=<value>"`, where the value (an
    /// expression of numbers, `pi` and constants) must be one of the coordinate's bounds.
    init(_ text: String, problem: PDEProblem) throws {
        let text = trimmed(text)
        if text == "interior" { self = .interior; return }
        if text == "boundary" { self = .boundary; return }
        guard let eq = text.firstIndex(of: "=") else {
            throw PINNError.invalid("region '\(text)': expected 'interior', 'boundary' or '<coordinate>=<value>'")
        }
        let name = trimmed(String(text[..<eq]))
        guard let axis = problem.coordinates.firstIndex(of: name) else {
            throw PINNError.invalid("region '\(text)': '\(name)' is not a coordinate (coordinates: \(problem.coordinates.joined(separator: ", ")))")
        }
        let valueText = String(text[text.index(after: eq)...])
        let value: Double
        do {
            let parsed = try ParsedExpression(valueText)
            try parsed.checkSymbols { s in
                s == "pi" || problem.constants[s] != nil ? nil : "'\(s)' is not a constant"
            }
            value = parsed.expression.evaluate { s in Tensor(s == "pi" ? Double.pi : problem.constants[s] ?? 0) }.scalar
        } catch let e as ExpressionError {
            throw PINNError.expression(e, context: "region '\(text)'")
        }
        if problem.domain.disk?.axes.contains(axis) == true {
            throw PINNError.invalid("region '\(text)': '\(name)' spans the disk, whose edge is 'boundary'")
        }
        let (lo, hi) = (problem.domain.lower[axis], problem.domain.upper[axis])
        let tolerance = 1e-12 * Swift.max(1, Swift.abs(lo), Swift.abs(hi))
        if Swift.abs(value - lo) <= tolerance { self = .face(axis: axis, upper: false) }
        else if Swift.abs(value - hi) <= tolerance { self = .face(axis: axis, upper: true) }
        else { throw PINNError.invalid("region '\(text)': \(name) = \(value) is not a bound of [\(lo), \(hi)]") }
    }
}

/// `s` without leading and trailing whitespace.
func trimmed(_ s: String) -> String {
    String(s.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
}
