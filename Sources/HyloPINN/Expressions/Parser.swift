/// A syntax or naming error in an expression, with the 0-based character offset it points at.
public struct ExpressionError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let position: Int
    public let source: String

    /// The message, then the source (at most 40 characters either side of the position) with a caret.
    public var description: String {
        let characters = Array(source), from = Swift.max(0, position - 40), to = Swift.min(characters.count, position + 40)
        let excerpt = (from > 0 ? "…" : "") + String(characters[from..<to]) + (to < characters.count ? "…" : "")
        let caret = String(repeating: " ", count: position - from + (from > 0 ? 1 : 0)) + "^"
        return "\(message) at character \(position + 1) of \"\(excerpt)\"\n  \(excerpt)\n  \(caret)"
    }
}

/// A parsed expression with the position of each symbol occurrence, so that a later check (an
/// unknown name) can point at it.
public struct ParsedExpression: Sendable, Equatable {
    public let source: String
    public let expression: Expression
    /// Each symbol's first occurrence.
    public let symbolPositions: [String: Int]

    /// Parses `source`. Grammar (`^` and `**` bind tightest and associate to the right; unary
    /// minus binds looser than `^`, so `-x^2` is `-(x^2)`):
    ///
    ///     sum     = product (("+" | "-") product)*
    ///     product = unary (("*" | "/") unary)*
    ///     unary   = ("-" | "+") unary | power
    ///     power   = atom (("^" | "**") unary)?
    ///     atom    = number | name | name "(" sum ")" | "(" sum ")"
    ///
    /// Trees deeper than 256 operations and brackets, calls or signs nested deeper than 64 levels
    /// are refused (an error, not a stack overflow).
    public init(_ source: String) throws {
        var parser = ExpressionParser(source)
        expression = try parser.parse()
        symbolPositions = parser.symbolPositions
        self.source = source
    }

    /// Throws an error pointing at the first symbol `isKnown` rejects.
    public func checkSymbols(_ isKnown: (String) -> String?) throws {
        for s in expression.symbols {
            if let problem = isKnown(s) {
                throw ExpressionError(message: problem, position: symbolPositions[s] ?? 0, source: source)
            }
        }
    }
}

private struct ExpressionParser {
    enum Token: Equatable {
        case number(Double), name(String), op(Character), end
    }

    let source: String
    let characters: [Character]
    var index = 0
    var token = Token.end
    var tokenStart = 0
    var symbolPositions: [String: Int] = [:]

    init(_ source: String) {
        self.source = source
        characters = Array(source)
    }

    mutating func parse() throws -> Expression {
        try advance()
        if token == .end { throw error("empty expression", at: tokenStart) }
        let e = try sum()
        if token != .end { throw error("unexpected \(describe(token))", at: tokenStart) }
        return e.expression
    }

    func error(_ message: String, at position: Int) -> ExpressionError {
        ExpressionError(message: message, position: position, source: source)
    }

    func describe(_ t: Token) -> String {
        switch t {
        case .number(let v): return "number \(v)"
        case .name(let n): return "name '\(n)'"
        case .op(let c): return "'\(c)'"
        case .end: return "end of expression"
        }
    }

    mutating func advance() throws {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        tokenStart = index
        guard index < characters.count else { token = .end; return }
        let c = characters[index]
        if c.isASCII, c.isLetter || c == "_" {
            var end = index
            while end < characters.count, characters[end].isASCII, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
            token = .name(String(characters[index..<end]))
            index = end
        } else if c.isASCII, c.isNumber || c == "." {
            token = .number(try number())
        } else if c == "*", index + 1 < characters.count, characters[index + 1] == "*" {
            token = .op("^")
            index += 2
        } else if "+-*/^(),".contains(c) {
            token = .op(c)
            index += 1
        } else {
            throw error("unexpected character '\(c)'", at: index)
        }
    }

    /// Digits with an optional fraction and exponent.
    mutating func number() throws -> Double {
        let start = index
        func digits() -> Int {
            let s = index
            while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
            return index - s
        }
        var count = digits()
        if index < characters.count, characters[index] == "." { index += 1; count += digits() }
        if count == 0 { throw error("a number needs digits", at: start) }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            let mark = index
            index += 1
            if index < characters.count, characters[index] == "+" || characters[index] == "-" { index += 1 }
            if digits() == 0 { throw error("an exponent needs digits", at: mark) }
        }
        guard let v = Double(String(characters[start..<index])), v.isFinite else {
            throw error("number out of range", at: start)
        }
        return v
    }

    mutating func expect(_ c: Character, opening: Int? = nil) throws {
        guard token == .op(c) else {
            let context = opening.map { " to close the '(' at character \($0 + 1)" } ?? ""
            throw error("expected '\(c)'\(context), found \(describe(token))", at: tokenStart)
        }
        try advance()
    }

    /// A subtree and its depth. Trees deeper than `maxDepth`, or brackets, calls and signs nested
    /// deeper than `maxNesting`, are refused: parsing and evaluation recurse over them, and a
    /// runaway input must not exhaust the caller's stack.
    typealias Node = (expression: Expression, depth: Int)
    static let maxDepth = 256, maxNesting = 64
    var nesting = 0

    func node(_ e: Expression, depth: Int, at position: Int) throws -> Node {
        guard depth <= Self.maxDepth else { throw error("the expression nests deeper than \(Self.maxDepth) operations", at: position) }
        return (e, depth)
    }

    /// Runs `body` one level of brackets, calls or signs deeper.
    mutating func nested<R>(at position: Int, _ body: (inout ExpressionParser) throws -> R) throws -> R {
        guard nesting < Self.maxNesting else { throw error("brackets, calls and signs nest deeper than \(Self.maxNesting) levels", at: position) }
        nesting += 1
        defer { nesting -= 1 }
        return try body(&self)
    }

    mutating func sum() throws -> Node {
        var e = try product()
        while case .op(let c) = token, c == "+" || c == "-" {
            let at = tokenStart
            try advance()
            let rhs = try product()
            e = try node(.binary(c == "+" ? .add : .subtract, e.expression, rhs.expression), depth: max(e.depth, rhs.depth) + 1, at: at)
        }
        return e
    }

    mutating func product() throws -> Node {
        var e = try unary()
        while case .op(let c) = token, c == "*" || c == "/" {
            let at = tokenStart
            try advance()
            let rhs = try unary()
            e = try node(.binary(c == "*" ? .multiply : .divide, e.expression, rhs.expression), depth: max(e.depth, rhs.depth) + 1, at: at)
        }
        return e
    }

    mutating func unary() throws -> Node {
        if case .op(let c) = token, c == "-" || c == "+" {
            let at = tokenStart
            try advance()
            let operand = try nested(at: at) { try $0.unary() }
            return c == "-" ? try node(.negate(operand.expression), depth: operand.depth + 1, at: at) : operand
        }
        return try power()
    }

    mutating func power() throws -> Node {
        let base = try atom()
        if token == .op("^") {
            let at = tokenStart
            try advance()
            let exponent = try nested(at: at) { try $0.unary() }
            return try node(.binary(.power, base.expression, exponent.expression), depth: max(base.depth, exponent.depth) + 1, at: at)
        }
        return base
    }

    mutating func atom() throws -> Node {
        let start = tokenStart
        switch token {
        case .number(let v):
            try advance()
            return (.number(v), 1)
        case .name(let name):
            try advance()
            guard token == .op("(") else {
                if symbolPositions[name] == nil { symbolPositions[name] = start }
                return (.symbol(name), 1)
            }
            guard let f = Function.callable.first(where: { $0.rawValue == name }) else {
                throw error("unknown function '\(name)' (known: \(Function.callable.map(\.rawValue).joined(separator: ", ")))", at: start)
            }
            let open = tokenStart
            try advance()
            let argument = try nested(at: open) { try $0.sum() }
            if token == .op(",") { throw error("\(name) takes one argument", at: tokenStart) }
            try expect(")", opening: open)
            return try node(.call(f, argument.expression), depth: argument.depth + 1, at: start)
        case .op("("):
            try advance()
            let e = try nested(at: start) { try $0.sum() }
            try expect(")", opening: start)
            return e
        default:
            throw error("expected a number, a name or '(', found \(describe(token))", at: start)
        }
    }
}
