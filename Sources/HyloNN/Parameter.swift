import HyloCore

/// A trainable tensor. Its `value` is a gradient leaf; optimizers update it in place.
public final class Parameter {
    public var value: Tensor { didSet { version &+= 1 } }
    /// Changes with every assignment or in-place update of `value` (optimizer steps, loads), so
    /// that values derived from it can be cached.
    public private(set) var version: UInt64 = 0

    public init(_ value: Tensor) { self.value = value.detached().requiringGrad() }

    public var shape: [Int] { value.shape }
    public var count: Int { value.count }
}

/// Anything that owns parameters: layers, networks, estimators.
public protocol Module: AnyObject {
    /// Parameters with stable, unique, dot-separated names, in a fixed order.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Module {
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The parameters of `children`, named `prefix.index.name` or `label.name`.
    public func collect(_ children: [(String, Module)]) -> [(name: String, parameter: Parameter)] {
        children.flatMap { label, m in m.namedParameters.map { ("\(label).\($0.name)", $0.parameter) } }
    }

    /// Current values by name (copies).
    public func stateDict() -> [(String, Tensor)] { namedParameters.map { ($0.name, $0.parameter.value.detached()) } }

    /// Loads values by name; every parameter must be present with its shape.
    public func loadStateDict(_ values: [String: Tensor]) throws {
        for (name, p) in namedParameters {
            guard let v = values[name] else { throw ModuleError.missingParameter(name) }
            guard v.shape == p.shape else { throw ModuleError.shapeMismatch(name, expected: p.shape, found: v.shape) }
            p.value.assignValues(v.scalars)
        }
    }
}

public enum ModuleError: Error, CustomStringConvertible {
    case missingParameter(String)
    case shapeMismatch(String, expected: [Int], found: [Int])
    public var description: String {
        switch self {
        case .missingParameter(let n): return "parameter '\(n)' is missing"
        case .shapeMismatch(let n, let e, let f): return "parameter '\(n)' has shape \(f), expected \(e)"
        }
    }
}

/// A module mapping one tensor to another.
public protocol Layer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}
