import HyloCore

/// A problem with every expression parsed and every name resolved, and the derivatives each
/// kind of point needs.
struct CompiledProblem {
    let problem: PDEProblem
    let symbols: SymbolTable
    /// The equations as the interior loss evaluates them (sums of derivatives collapsed where that pays).
    let equations: [InteriorEquation]
    let conditions: [(region: Region, residual: ParsedExpression, weight: Double)]
    /// Output transform per field index.
    let transforms: [Int: ParsedExpression]
    /// Coordinates made periodic by a loss term (soft periodicity).
    let softPeriodic: [Int]
    /// The derivatives the equations need in the interior, and each condition on its points.
    let interiorPlan: DerivativePlan
    let conditionPlans: [DerivativePlan]

    /// Checks and compiles `problem`; with `complete: false`, a problem still being built
    /// (no equations or data yet) is accepted.
    init(_ problem: PDEProblem, complete: Bool = true) throws {
        self.problem = problem
        let d = problem.coordinates.count
        guard d >= 1, !problem.fields.isEmpty else { throw PINNError.invalid("a problem needs at least one coordinate and one field") }
        guard d <= SobolSequence.maxDimension else {
            throw PINNError.invalid("\(d) coordinates; at most \(SobolSequence.maxDimension) are supported")
        }
        guard problem.domain.dimension == d else {
            throw PINNError.invalid("the domain has \(problem.domain.dimension) coordinates, the problem names \(d)")
        }
        try Self.wrap("names") {
            try SymbolTable.validate(coordinates: problem.coordinates, fields: problem.fields,
                                     constants: Array(problem.constants.keys), coefficients: problem.coefficients.map(\.name))
        }
        if let bad = problem.constants.first(where: { !$0.value.isFinite }) { throw PINNError.invalid("constant '\(bad.key)' is \(bad.value)") }
        if let bad = problem.coefficients.first(where: { !$0.initial.isFinite }) {
            throw PINNError.invalid("coefficient '\(bad.name)' starts at \(bad.initial)")
        }
        let table = SymbolTable(coordinates: problem.coordinates, fields: problem.fields,
                                constants: problem.constants, coefficients: problem.coefficients.map(\.name))
        symbols = table
        guard !complete || !problem.equations.isEmpty || !problem.observations.isEmpty else {
            throw PINNError.invalid("the problem has neither equations nor observations")
        }

        func parse(_ source: String, context: String, allowNormal: Bool) throws -> ParsedExpression {
            do {
                let parsed = try ParsedExpression(source)
                try parsed.checkSymbols { name in
                    switch table.resolve(name) {
                    case .failure(let e): return e.description
                    case .success(.normalDerivative): return allowNormal ? nil : "'\(name)' (a normal derivative) exists only on the boundary"
                    case .success: return nil
                    }
                }
                return parsed
            } catch let e as ExpressionError { throw PINNError.expression(e, context: context) }
        }
        let parsedEquations = try problem.equations.enumerated().map { i, e in try parse(e, context: "equation \(i)", allowNormal: false) }
        conditions = try problem.conditions.enumerated().map { i, c in
            let region = try Region(c.region, problem: problem)
            if region == .boundary, problem.domain.spatialAxes.isEmpty {
                throw PINNError.invalid("condition \(i) is on 'boundary', but the problem has no spatial coordinate")
            }
            guard c.weight.isFinite, c.weight >= 0 else { throw PINNError.invalid("condition \(i) has weight \(c.weight)") }
            let normalAllowed = region != .interior
            return (region, try parse(c.residual, context: "condition \(i) on '\(c.region)'", allowNormal: normalAllowed), c.weight)
        }
        var transforms: [Int: ParsedExpression] = [:]
        for (field, source) in problem.outputTransforms {
            guard let f = problem.fields.firstIndex(of: field) else { throw PINNError.invalid("output transform for '\(field)', which is not a field") }
            do {
                let parsed = try ParsedExpression(source)
                try parsed.checkSymbols { name in
                    if name == "N" { return nil }
                    switch table.resolve(name) {
                    case .success(.coordinate), .success(.constant): return nil
                    default: return "an output transform may use the coordinates, constants and N, not '\(name)'"
                    }
                }
                transforms[f] = parsed
            } catch let e as ExpressionError { throw PINNError.expression(e, context: "output transform of '\(field)'") }
        }
        self.transforms = transforms
        var soft: [Int] = []
        for p in problem.periodic {
            guard let k = problem.coordinates.firstIndex(of: p.coordinate) else {
                throw PINNError.invalid("periodic coordinate '\(p.coordinate)' is not a coordinate")
            }
            if problem.domain.disk?.axes.contains(k) == true { throw PINNError.invalid("'\(p.coordinate)' spans the disk and cannot be periodic") }
            if !p.hard { soft.append(k) }
        }
        softPeriodic = soft
        for o in problem.observations {
            guard problem.fields.contains(o.field) else { throw PINNError.invalid("observations of '\(o.field)', which is not a field") }
        }

        func plan(of expressions: [Expression], combinations: [DerivativeCombination] = []) -> DerivativePlan {
            var first = Set<Int>(), second = Set<DerivativePlan.Pair>()
            for e in expressions {
                for name in e.symbols {
                    switch table.resolve(name) {
                    case .success(.derivative(_, let k)): first.insert(k)
                    case .success(.secondDerivative(_, let pair)): second.insert(pair)
                    case .success(.normalDerivative): first.formUnion(problem.domain.spatialAxes)
                    default: break
                    }
                }
            }
            return DerivativePlan(dimension: d, firstOrder: first, secondOrder: second, combinations: combinations)
        }
        (equations, interiorPlan) = InteriorEquation.compile(parsedEquations.map(\.expression), symbols: table, plan: plan)
        conditionPlans = conditions.map { plan(of: [$0.residual.expression]) }
    }

    private static func wrap(_ context: String, _ body: () throws -> Void) throws {
        do { try body() } catch let e as SymbolError { throw PINNError.invalid("\(context): \(e)") }
    }
}
