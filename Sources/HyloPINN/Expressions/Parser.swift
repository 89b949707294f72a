/// A syntax or naming error in an expression, with the 0-based character offset it points at.
public struct ExpressionError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let position: Int
    public let source: String

    public var description: String {
        "\(message) at character \(position + 1) of \"\(source)\"\n  \(source)\n  \(String(repeating: " ", count: position))^"
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
        return e
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

    mutating func sum() throws -> Expression {
        var e = try product()
        while case .op(let c) = token, c == "+" || c == "-" {
            try advance()
            e = .binary(c == "+" ? .add : .subtract, e, try product())
        }
        return e
    }

    mutating func product() throws -> Expression {
        var e = try unary()
        while case .op(let c) = token, c == "*" || c == "/" {
            try advance()
            e = .binary(c == "*" ? .multiply : .divide, e, try unary())
        }
        return e
    }

    mutating func unary() throws -> Expression {
        if case .op(let c) = token, c == "-" || c == "+" {
            try advance()
            let operand = try unary()
            return c == "-" ? .negate(operand) : operand
        }
        return try power()
    }

    mutating func power() throws -> Expression {
        let base = try atom()
        if token == .op("^") {
            try advance()
            return .binary(.power, base, try unary())
        }
        return base
    }

    mutating func atom() throws -> Expression {
        let start = tokenStart
        switch token {
        case .number(let v):
            try advance()
            return .number(v)
        case .name(let name):
            try advance()
            guard token == .op("(") else {
                if symbolPositions[name] == nil { symbolPositions[name] = start }
                return .symbol(name)
            }
            guard let f = Function.callable.first(where: { $0.rawValue == name }) else {
                throw error("unknown function '\(name)' (known: \(Function.callable.map(\.rawValue).joined(separator: ", ")))", at: start)
            }
            let open = tokenStart
            try advance()
            let argument = try sum()
            if token == .op(",") { throw error("\(name) takes one argument", at: tokenStart) }
            try expect(")", opening: open)
            return .call(f, argument)
        case .op("("):
            try advance()
            let e = try sum()
            try expect(")", opening: start)
            return e
        default:
            throw error("expected a number, a name or '(', found \(describe(token))", at: start)
        }
    }
}
