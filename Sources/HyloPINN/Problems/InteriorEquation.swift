import HyloCore

/// An equation as the interior loss evaluates it: a residual expression plus the sums of
/// derivatives that the jet carries whole (`DerivativeCombination`, collapsed Taylor mode).
///
/// For Burgers' `u_t + u*u_x - nu*u_xx`, `u_t − ν u_xx` becomes one combination, so the network
/// propagates the value, u_x and that sum (three components) instead of the value, u_x, u_t and
/// u_xx (four), and the residual is `u*u_x` plus the combination.
struct InteriorEquation {
    /// The residual without its collapsed sums (the whole residual when nothing is collapsed).
    let rest: Expression
    /// The collapsed sums added to `rest`: a field and an index into the plan's combinations.
    let collapsed: [(field: Int, combination: Int)]

    /// Compiles `equations` for interior points: per equation and field, the derivatives that
    /// enter the residual only as terms of its outer sum with constant coefficients may be
    /// collapsed into one combination. Starting from every such sum collapsed, a sum is expanded
    /// again when that carries no more jet components (its derivatives may be carried anyway).
    static func compile(_ equations: [Expression], symbols: SymbolTable, plan: ([Expression], [DerivativeCombination]) -> DerivativePlan)
        -> (equations: [InteriorEquation], plan: DerivativePlan) {
        /// An equation's terms: those evaluated as expressions, and per field its derivative terms.
        typealias Split = (rest: [(Expression, Double)], sums: [(field: Int, terms: [(Expression, Double)], combination: DerivativeCombination)])
        let splits: [Split] = equations.map { equation in
            var terms: [(Expression, Double)] = []
            expand(equation, weight: 1, symbols: symbols, into: &terms)
            var derivatives: [Int: [(symbol: Symbol, term: (Expression, Double))]] = [:]
            var rest: [(Expression, Double)] = []
            for term in terms {
                if case .symbol(let name) = term.0, case .success(let symbol) = symbols.resolve(name) {
                    switch symbol {
                    case .derivative(let f, _), .secondDerivative(let f, _):
                        derivatives[f, default: []].append((symbol, term))
                        continue
                    default: break
                    }
                }
                rest.append(term)
            }
            var sums: [(field: Int, terms: [(Expression, Double)], combination: DerivativeCombination)] = []
            for f in derivatives.keys.sorted() {
                let group = derivatives[f] ?? []
                guard group.count >= 2 else { rest += group.map(\.term); continue }
                var first: [(axis: Int, weight: Double)] = [], second: [(pair: DerivativePlan.Pair, weight: Double)] = []
                for (symbol, (_, w)) in group {
                    if case .derivative(_, let k) = symbol { first.append((k, w)) }
                    if case .secondDerivative(_, let pair) = symbol { second.append((pair, w)) }
                }
                sums.append((f, group.map(\.term), DerivativeCombination(dimension: symbols.coordinates.count, firstOrder: first, secondOrder: second)))
            }
            return (rest, sums)
        }

        /// The equations and plan with the sums in `collapse` (by equation, then sum) carried whole.
        func build(_ collapse: Set<[Int]>) -> (equations: [InteriorEquation], plan: DerivativePlan) {
            var combinations: [DerivativeCombination] = []
            let compiled = splits.enumerated().map { e, split in
                var rest = split.rest
                var collapsed: [(field: Int, combination: Int)] = []
                for (k, sum) in split.sums.enumerated() {
                    guard collapse.contains([e, k]) else { rest += sum.terms; continue }
                    if combinations.firstIndex(of: sum.combination) == nil { combinations.append(sum.combination) }
                    collapsed.append((sum.field, combinations.firstIndex(of: sum.combination)!))
                }
                return InteriorEquation(rest: Self.sum(rest), collapsed: collapsed)
            }
            return (compiled, plan(compiled.map(\.rest), combinations))
        }

        var collapse = Set(splits.indices.flatMap { e in splits[e].sums.indices.map { [e, $0] } })
        var best = build(collapse)
        for key in collapse.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let candidate = build(collapse.subtracting([key]))
            if candidate.plan.components <= best.plan.components { (collapse, best) = (collapse.subtracting([key]), candidate) }
        }
        return collapse.isEmpty ? (equations.map { InteriorEquation(rest: $0, collapsed: []) }, plan(equations, [])) : best
    }

    /// Appends the terms of `e`'s outer sum with their constant factors: `a - 2*(b + c/4)` gives
    /// (a, 1), (b, −2), (c, −0.5).
    private static func expand(_ e: Expression, weight w: Double, symbols: SymbolTable, into terms: inout [(Expression, Double)]) {
        switch e {
        case .binary(.add, let a, let b):
            expand(a, weight: w, symbols: symbols, into: &terms)
            expand(b, weight: w, symbols: symbols, into: &terms)
        case .binary(.subtract, let a, let b):
            expand(a, weight: w, symbols: symbols, into: &terms)
            expand(b, weight: -w, symbols: symbols, into: &terms)
        case .negate(let a):
            expand(a, weight: -w, symbols: symbols, into: &terms)
        case .binary(.multiply, let a, let b) where constant(a, symbols) != nil:
            expand(b, weight: w * constant(a, symbols)!, symbols: symbols, into: &terms)
        case .binary(.multiply, let a, let b) where constant(b, symbols) != nil:
            expand(a, weight: w * constant(b, symbols)!, symbols: symbols, into: &terms)
        case .binary(.divide, let a, let b) where (constant(b, symbols) ?? 0) != 0:
            expand(a, weight: w / constant(b, symbols)!, symbols: symbols, into: &terms)
        default:
            terms.append((e, w))
        }
    }

    /// The value of an expression of numbers and named constants only, if finite.
    private static func constant(_ e: Expression, _ symbols: SymbolTable) -> Double? {
        var values: [String: Double] = [:]
        for name in e.symbols {
            guard case .success(.constant(let c)) = symbols.resolve(name) else { return nil }
            values[name] = c
        }
        let value = withoutGradients { e.evaluate { Tensor(values[$0] ?? 0) }.scalar }
        return value.isFinite ? value : nil
    }

    /// `Σ wᵢ eᵢ` as an expression (0 when empty).
    private static func sum(_ terms: [(Expression, Double)]) -> Expression {
        let scaled = terms.map { e, w in w == 1 ? e : .binary(.multiply, .number(w), e) }
        guard let head = scaled.first else { return .number(0) }
        return scaled.dropFirst().reduce(head) { .binary(.add, $0, $1) }
    }
}
