/// A time-stepping method: explicit Runge–Kutta, ESDIRK or Rosenbrock.
public enum ODEMethod: Sendable {
    case explicit(ExplicitTableau)
    case esdirk(ESDIRKTableau)
    case rosenbrock(RosenbrockTableau)

    /// The methods by the names the ABI uses.
    public static func named(_ name: String) -> ODEMethod? {
        if let t = ExplicitTableau.all.first(where: { $0.name == name }) { return .explicit(t) }
        if name == ESDIRKTableau.kvaerno5.name { return .esdirk(.kvaerno5) }
        if name == RosenbrockTableau.rodas4.name { return .rosenbrock(.rodas4) }
        return nil
    }

    public static var names: [String] {
        ExplicitTableau.all.map(\.name) + [ESDIRKTableau.kvaerno5.name, RosenbrockTableau.rodas4.name]
    }

    public var name: String {
        switch self {
        case .explicit(let t): t.name
        case .esdirk(let t): t.name
        case .rosenbrock(let t): t.name
        }
    }

    public var order: Int {
        switch self {
        case .explicit(let t): t.order
        case .esdirk(let t): t.order
        case .rosenbrock(let t): t.order
        }
    }

    /// Whether the method has an error estimate (else it needs a fixed step).
    public var isAdaptive: Bool {
        if case .explicit(let t) = self { return t.isAdaptive }
        return true
    }

    public var isImplicit: Bool {
        if case .explicit = self { return false }
        return true
    }

    /// The power of h in the local error estimate, which sets the step-size controller's exponents.
    var errorExponent: Int {
        switch self {
        case .explicit(let t): min(t.order, t.embeddedOrder) + 1
        case .esdirk(let t): min(t.order, t.embeddedOrder) + 1
        case .rosenbrock(let t): t.order
        }
    }
}
