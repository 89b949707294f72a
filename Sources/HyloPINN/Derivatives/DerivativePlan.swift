/// Which input derivatives a jet carries: first derivatives along some coordinates, second
/// derivatives for some pairs of coordinates, and weighted sums of derivatives carried whole.
/// Only what the residuals mention is propagated.
public struct DerivativePlan: Equatable, Sendable {
    /// Number of input coordinates.
    public let dimension: Int
    /// Coordinates whose first derivative is carried (every coordinate of a pair is included).
    public let firstOrder: [Int]
    /// Pairs `(i, j)` with `i ≤ j` whose second derivative ∂²/∂xᵢ∂xⱼ is carried.
    public let secondOrder: [Pair]
    /// Sums of derivatives carried as one component each.
    public let combinations: [DerivativeCombination]

    public struct Pair: Hashable, Sendable {
        public let i: Int, j: Int
        public init(_ a: Int, _ b: Int) { i = Swift.min(a, b); j = Swift.max(a, b) }
    }

    public init(dimension: Int, firstOrder: Set<Int> = [], secondOrder: Set<Pair> = [], combinations: [DerivativeCombination] = []) {
        self.dimension = dimension
        let pairs = secondOrder.sorted { ($0.i, $0.j) < ($1.i, $1.j) }
        self.secondOrder = pairs
        self.combinations = combinations
        let chained = (pairs + combinations.flatMap { $0.secondOrder.map(\.pair) }).flatMap { [$0.i, $0.j] }
        self.firstOrder = firstOrder.union(chained).sorted()
    }

    /// Values only.
    public static func values(dimension: Int) -> DerivativePlan { DerivativePlan(dimension: dimension) }

    /// Index of a pair in `secondOrder`, if carried.
    public func index(of pair: Pair) -> Int? { secondOrder.firstIndex(of: pair) }

    /// Jet components per point and feature: the value, then every carried derivative and combination.
    public var components: Int { 1 + firstOrder.count + secondOrder.count + combinations.count }
}

/// A weighted sum of input derivatives, Σₖ cₖ ∂ₖ + Σ c_ij ∂ᵢ∂ⱼ, that a residual uses only as a
/// whole (`u_t − ν u_xx`), carried through the network as one jet component instead of one per
/// derivative: collapsed Taylor mode (Dangel et al., "Collapsing Taylor mode automatic
/// differentiation", 2024). Every rule of the chain rule is linear in the derivatives it
/// propagates, so the sum propagates like a single one; only its second-order terms need the
/// first derivatives of their coordinates, σ″ Σ c_ij zᵢ zⱼ.
public struct DerivativeCombination: Hashable, Sendable {
    public struct Term: Hashable, Sendable {
        public let pair: DerivativePlan.Pair
        public let weight: Double
    }
    /// The coefficient of ∂/∂xₖ for every coordinate k (zero when absent).
    public let firstOrder: [Double]
    /// Second-order terms, one per pair, sorted by pair.
    public let secondOrder: [Term]

    /// Sums coefficients given per coordinate and per pair; zero terms are dropped.
    public init(dimension: Int, firstOrder: [(axis: Int, weight: Double)], secondOrder: [(pair: DerivativePlan.Pair, weight: Double)]) {
        var first = [Double](repeating: 0, count: dimension)
        for (k, w) in firstOrder { first[k] += w }
        var second: [DerivativePlan.Pair: Double] = [:]
        for (p, w) in secondOrder { second[p, default: 0] += w }
        self.firstOrder = first
        self.secondOrder = second.filter { $0.value != 0 }.map { Term(pair: $0.key, weight: $0.value) }
            .sorted { ($0.pair.i, $0.pair.j) < ($1.pair.i, $1.pair.j) }
    }
}
