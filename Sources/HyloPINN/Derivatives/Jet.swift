import HyloCore

/// A second-order Taylor jet of a batch of functions of the input coordinates: values, first and
/// second input derivatives, each an ordinary tensor, so a later reverse pass reaches the network
/// parameters through all of them (Taylor mode, DESIGN §2).
///
/// For `y = f(a)` elementwise: `yᵢ = f′(a) aᵢ` and `yᵢⱼ = f″(a) aᵢ aⱼ + f′(a) aᵢⱼ`; for a product
/// `(ab)ᵢⱼ = aᵢⱼ b + aᵢ bⱼ + aⱼ bᵢ + a bᵢⱼ`. A derivative that is identically zero is `nil` and
/// costs nothing (most coordinates have zero derivative along the others). A non-nil derivative
/// may have fewer rows than the value (a constant `[1, k]` row broadcasts over the batch).
/// A combination (`DerivativeCombination`) follows the same rules with its second-order terms
/// summed: `y_c = f′(a) a_c + f″(a) Σ w aᵢ aⱼ` and `(ab)_c = a_c b + a b_c + Σ w (aᵢ bⱼ + aⱼ bᵢ)`.
public struct Jet {
    public let plan: DerivativePlan
    public var value: Tensor
    /// Indexed by coordinate; `nil` when zero or not carried.
    public var first: [Tensor?]
    /// Indexed like `plan.secondOrder`; `nil` when zero.
    public var second: [Tensor?]
    /// Indexed like `plan.combinations`; `nil` when zero.
    public var combined: [Tensor?]

    public init(plan: DerivativePlan, value: Tensor, first: [Tensor?]? = nil, second: [Tensor?]? = nil, combined: [Tensor?]? = nil) {
        self.plan = plan
        self.value = value
        self.first = first ?? Array(repeating: nil, count: plan.dimension)
        self.second = second ?? Array(repeating: nil, count: plan.secondOrder.count)
        self.combined = combined ?? Array(repeating: nil, count: plan.combinations.count)
    }

    /// The jet of input coordinate `k` for a batch `points` of shape `[n, dimension]`, as a `[n, 1]` column.
    public static func coordinate(_ k: Int, of points: Tensor, plan: DerivativePlan) -> Jet {
        var jet = Jet(plan: plan, value: points.slice(axis: 1, start: k, end: k + 1))
        if plan.firstOrder.contains(k) { jet.first[k] = Tensor.ones([1, 1]) }
        for (c, combination) in plan.combinations.enumerated() where combination.firstOrder[k] != 0 {
            jet.combined[c] = Tensor(shape: [1, 1], scalars: [combination.firstOrder[k]])
        }
        return jet
    }

    /// The first derivative along coordinate `k` at full batch size (zeros when not carried).
    public func derivative(_ k: Int) -> Tensor { full(first[k]) }

    /// The second derivative ∂²/∂xᵢ∂xⱼ at full batch size; `nil` when the plan does not carry it.
    public func derivative(_ i: Int, _ j: Int) -> Tensor? {
        plan.index(of: .init(i, j)).map { full(second[$0]) }
    }

    /// Combination `c` of `plan.combinations` at full batch size.
    public func combination(_ c: Int) -> Tensor { full(combined[c]) }

    private func full(_ t: Tensor?) -> Tensor {
        guard let t else { return Tensor.zeros(value.shape) }
        return t.shape == value.shape ? t : t.expand(to: value.shape)
    }

    /// `self · W + b` for a weight `[in, out]` and optional bias `[out]`.
    public func linear(_ weight: Tensor, _ bias: Tensor?) -> Jet {
        Jet(plan: plan, value: Tensor.linear(value, weight, bias),
            first: first.map { $0.map { Tensor.matmul($0, weight) } },
            second: second.map { $0.map { Tensor.matmul($0, weight) } },
            combined: combined.map { $0.map { Tensor.matmul($0, weight) } })
    }

    /// Whether any first derivative or combination is nonzero (second derivatives need first ones).
    var carriesDerivatives: Bool { first.contains { $0 != nil } || combined.contains { $0 != nil } }

    /// Applies `f` elementwise, by the chain rule to second order.
    public func applying(_ f: Function) -> Jet {
        let y = f.value(value)
        guard carriesDerivatives else { return Jet(plan: plan, value: y) }
        let (d1, d2) = f.derivatives(value, y)
        return composed(value: y, derivative: d1, secondDerivative: d2)
    }

    /// The jet of `g(self)` given `g`, `g′` and `g″` at `self.value`.
    func composed(value y: Tensor, derivative d1: Tensor, secondDerivative d2: Tensor) -> Jet {
        var out = Jet(plan: plan, value: y, first: first.map { $0.map { d1 * $0 } })
        for (p, pair) in plan.secondOrder.enumerated() {
            var term: Tensor? = nil
            if let ai = first[pair.i], let aj = first[pair.j] { term = d2 * (ai * aj) }
            if let aij = second[p] { term = term.map { $0 + d1 * aij } ?? d1 * aij }
            out.second[p] = term
        }
        for (c, combination) in plan.combinations.enumerated() {
            var terms = combined[c].map { [d1 * $0] } ?? []
            for t in combination.secondOrder {
                if let ai = first[t.pair.i], let aj = first[t.pair.j] { terms.append(d2 * (ai * aj) * t.weight) }
            }
            out.combined[c] = sum(terms)
        }
        return out
    }

    public static func + (a: Jet, b: Jet) -> Jet {
        Jet(plan: a.plan, value: a.value + b.value,
            first: zip(a.first, b.first).map(sumOfOptionals), second: zip(a.second, b.second).map(sumOfOptionals),
            combined: zip(a.combined, b.combined).map(sumOfOptionals))
    }

    public static func - (a: Jet, b: Jet) -> Jet { a + b.scaled(by: -1) }

    public static func * (a: Jet, b: Jet) -> Jet {
        var out = Jet(plan: a.plan, value: a.value * b.value)
        for k in 0..<a.plan.dimension {
            out.first[k] = sumOfOptionals(a.first[k].map { $0 * b.value }, b.first[k].map { a.value * $0 })
        }
        for (p, pair) in a.plan.secondOrder.enumerated() {
            var terms: [Tensor] = []
            if let aij = a.second[p] { terms.append(aij * b.value) }
            if let bij = b.second[p] { terms.append(a.value * bij) }
            if let ai = a.first[pair.i], let bj = b.first[pair.j] { terms.append(ai * bj) }
            if let aj = a.first[pair.j], let bi = b.first[pair.i] { terms.append(aj * bi) }
            out.second[p] = sum(terms)
        }
        for (c, combination) in a.plan.combinations.enumerated() {
            var terms: [Tensor] = []
            if let ac = a.combined[c] { terms.append(ac * b.value) }
            if let bc = b.combined[c] { terms.append(a.value * bc) }
            for t in combination.secondOrder {
                let (i, j) = (t.pair.i, t.pair.j)
                if let ai = a.first[i], let bj = b.first[j] { terms.append(ai * bj * t.weight) }
                if let aj = a.first[j], let bi = b.first[i] { terms.append(aj * bi * t.weight) }
            }
            out.combined[c] = sum(terms)
        }
        return out
    }

    public func scaled(by c: Double) -> Jet {
        Jet(plan: plan, value: value * c, first: first.map { $0.map { $0 * c } }, second: second.map { $0.map { $0 * c } },
            combined: combined.map { $0.map { $0 * c } })
    }

    /// Joins jets along the last axis (features). Derivatives that are zero in some parts are
    /// filled with zeros of a broadcastable shape.
    public static func concatenate(_ parts: [Jet]) -> Jet {
        let plan = parts[0].plan
        func join(_ pieces: [Tensor?], _ widths: [Int]) -> Tensor? {
            guard pieces.contains(where: { $0 != nil }) else { return nil }
            let rows = pieces.compactMap { $0 }.map { $0.shape[0] }.max() ?? 1
            return Tensor.concatenate(zip(pieces, widths).map { piece, w in
                guard let piece else { return Tensor.zeros([rows, w]) }
                return piece.shape[0] == rows ? piece : piece.expand(to: [rows, w])
            }, axis: 1)
        }
        let widths = parts.map { $0.value.shape[1] }
        return Jet(plan: plan, value: Tensor.concatenate(parts.map(\.value), axis: 1),
                   first: (0..<plan.dimension).map { k in join(parts.map { $0.first[k] }, widths) },
                   second: (0..<plan.secondOrder.count).map { p in join(parts.map { $0.second[p] }, widths) },
                   combined: (0..<plan.combinations.count).map { c in join(parts.map { $0.combined[c] }, widths) })
    }
}

private func sum(_ terms: [Tensor]) -> Tensor? {
    terms.isEmpty ? nil : terms.dropFirst().reduce(terms[0], +)
}

private func sumOfOptionals(_ a: Tensor?, _ b: Tensor?) -> Tensor? {
    switch (a, b) {
    case let (a?, b?): return a + b
    case let (a?, nil): return a
    case let (nil, b?): return b
    case (nil, nil): return nil
    }
}

extension Jet: ExpressionValue {
    /// A constant has no derivatives and so needs no plan: it gets an empty one, and `merge`
    /// lifts it to the plan of the jet it meets.
    public static func constant(_ c: Double) -> Jet {
        Jet(plan: .values(dimension: 0), value: Tensor(c))
    }
    public func adding(_ other: Jet) -> Jet { Jet.merge(self, other, +) }
    public func multiplying(_ other: Jet) -> Jet { Jet.merge(self, other, *) }
    public func raised(to p: Double) -> Jet {
        if p == 1 { return self }
        if p == 2 { return self * self }
        let y = value.pow(p)
        guard carriesDerivatives else { return Jet(plan: plan, value: y) }
        return composed(value: y, derivative: value.pow(p - 1) * p, secondDerivative: value.pow(p - 2) * (p * (p - 1)))
    }

    /// Combines two jets where one may be a plan-less constant (from `constant(_:)`).
    private static func merge(_ a: Jet, _ b: Jet, _ op: (Jet, Jet) -> Jet) -> Jet {
        if a.plan.dimension == b.plan.dimension { return op(a, b) }
        let plan = a.plan.dimension > b.plan.dimension ? a.plan : b.plan
        return op(a.lifted(to: plan), b.lifted(to: plan))
    }

    private func lifted(to plan: DerivativePlan) -> Jet {
        self.plan == plan ? self : Jet(plan: plan, value: value)
    }
}

extension Tensor: ExpressionValue {
    public static func constant(_ c: Double) -> Tensor { Tensor(c) }
    public func adding(_ other: Tensor) -> Tensor { self + other }
    public func multiplying(_ other: Tensor) -> Tensor { self * other }
    public func scaled(by c: Double) -> Tensor { self * c }
    public func raised(to p: Double) -> Tensor { p == 2 ? self * self : (p == 1 ? self : pow(p)) }
    public func applying(_ f: Function) -> Tensor { f.value(self) }
}
