/// A scalar expression over named symbols, as written in a PDE residual, a boundary condition or
/// an output transform: `u_t + u*u_x - nu*u_xx`.
///
/// Evaluation is generic over `ExpressionValue`, so the same tree is evaluated on tensors (residuals
/// of already-differentiated fields) and on jets (output transforms, which must carry derivatives).
public indirect enum Expression: Equatable, Sendable {
    case number(Double)
    case symbol(String)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(Function, Expression)

    public enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    }

    /// Every symbol the expression mentions, in order of first appearance.
    public var symbols: [String] {
        var seen: [String] = []
        func visit(_ e: Expression) {
            switch e {
            case .number: break
            case .symbol(let s): if !seen.contains(s) { seen.append(s) }
            case .negate(let a), .call(_, let a): visit(a)
            case .binary(_, let a, let b): visit(a); visit(b)
            }
        }
        visit(self)
        return seen
    }

    /// Evaluates the expression, looking symbols up with `symbol`.
    public func evaluate<V: ExpressionValue>(_ symbol: (String) throws -> V) rethrows -> V {
        switch self {
        case .number(let c): return V.constant(c)
        case .symbol(let s): return try symbol(s)
        case .negate(let a): return try a.evaluate(symbol).scaled(by: -1)
        case .call(let f, let a): return try a.evaluate(symbol).applying(f)
        case .binary(.power, let a, .number(let p)): return try a.evaluate(symbol).raised(to: p)
        case .binary(let op, let a, let b):
            let x = try a.evaluate(symbol), y = try b.evaluate(symbol)
            switch op {
            case .add: return x.adding(y)
            case .subtract: return x.adding(y.scaled(by: -1))
            case .multiply: return x.multiplying(y)
            case .divide: return x.multiplying(y.applying(.reciprocal))
            case .power: return x.applying(.log).multiplying(y).applying(.exp)
            }
        }
    }
}

extension Expression: CustomStringConvertible {
    /// A fully parenthesized form that parses back to the same tree.
    public var description: String {
        switch self {
        case .number(let c): return c < 0 ? "(\(c))" : "\(c)"
        case .symbol(let s): return s
        case .negate(let a): return "(-\(a))"
        case .binary(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .call(let f, let a): return "\(f.rawValue)(\(a))"
        }
    }
}

/// What an expression can be evaluated on: a commutative ring with the functions of `Function`.
public protocol ExpressionValue {
    static func constant(_ c: Double) -> Self
    func adding(_ other: Self) -> Self
    func multiplying(_ other: Self) -> Self
    func scaled(by c: Double) -> Self
    func raised(to p: Double) -> Self
    func applying(_ f: Function) -> Self
}
