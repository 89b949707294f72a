/// What a name in a residual stands for.
enum Symbol: Equatable {
    case coordinate(Int)
    case field(Int)
    case derivative(field: Int, axis: Int)
    case secondDerivative(field: Int, DerivativePlan.Pair)
    /// ∂u/∂n on the boundary.
    case normalDerivative(field: Int)
    case constant(Double)
    case coefficient(Int)
}

/// The names of a problem and what they mean.
struct SymbolTable {
    let coordinates: [String], fields: [String]
    let constants: [String: Double]
    let coefficients: [String]

    /// Resolves `name`, or says why it is not a symbol.
    func resolve(_ name: String) -> Result<Symbol, SymbolError> {
        if let k = coordinates.firstIndex(of: name) { return .success(.coordinate(k)) }
        if let f = fields.firstIndex(of: name) { return .success(.field(f)) }
        if let c = constants[name] { return .success(.constant(c)) }
        if let c = coefficients.firstIndex(of: name) { return .success(.coefficient(c)) }
        if name == "pi" { return .success(.constant(Double.pi)) }
        guard let bar = name.firstIndex(of: "_") else { return .failure(.init("unknown name '\(name)'")) }
        let fieldName = String(name[..<bar]), suffix = String(name[name.index(after: bar)...])
        guard let f = fields.firstIndex(of: fieldName) else {
            return .failure(.init("'\(name)' is not a derivative: '\(fieldName)' is not a field (fields: \(fields.joined(separator: ", ")))"))
        }
        if suffix == "n" { return .success(.normalDerivative(field: f)) }
        var axes: [Int] = []
        for c in suffix {
            guard let k = coordinates.firstIndex(of: String(c)) else {
                return .failure(.init("'\(name)': '\(c)' is not a coordinate (coordinates: \(coordinates.joined(separator: ", ")))"))
            }
            axes.append(k)
        }
        switch axes.count {
        case 1: return .success(.derivative(field: f, axis: axes[0]))
        case 2: return .success(.secondDerivative(field: f, .init(axes[0], axes[1])))
        default: return .failure(.init("'\(name)': derivatives above second order are not supported"))
        }
    }

    /// Checks names a problem declares: coordinates are single letters other than `n`, fields
    /// have no `_`, and no name is used twice or shadows `pi` or a function.
    static func validate(coordinates: [String], fields: [String], constants: [String], coefficients: [String]) throws {
        func isIdentifier(_ s: String) -> Bool {
            guard let first = s.first, first.isASCII, first.isLetter else { return false }
            return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
        for c in coordinates where c.count != 1 || !isIdentifier(c) || c == "n" {
            throw SymbolError("coordinate '\(c)' must be a single letter other than 'n'")
        }
        for f in fields where !isIdentifier(f) || f.contains("_") {
            throw SymbolError("field '\(f)' must be a name of letters and digits, without '_'")
        }
        for c in constants + coefficients where !isIdentifier(c) {
            throw SymbolError("'\(c)' is not a valid name (letters, digits and '_', starting with a letter)")
        }
        var seen = Set<String>()
        for name in coordinates + fields + constants + coefficients {
            if name == "pi" || name == "N" || Function.allCases.contains(where: { $0.rawValue == name }) {
                throw SymbolError("'\(name)' is reserved")
            }
            if !seen.insert(name).inserted { throw SymbolError("'\(name)' is declared twice") }
        }
    }
}

struct SymbolError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
