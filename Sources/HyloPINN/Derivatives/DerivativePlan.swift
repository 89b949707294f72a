/// Which input derivatives a jet carries: first derivatives along some coordinates and second
/// derivatives for some pairs of coordinates. Only what the residuals mention is propagated.
public struct DerivativePlan: Equatable, Sendable {
    /// Number of input coordinates.
    public let dimension: Int
    /// Coordinates whose first derivative is carried (every coordinate of a pair is included).
    public let firstOrder: [Int]
    /// Pairs `(i, j)` with `i ≤ j` whose second derivative ∂²/∂xᵢ∂xⱼ is carried.
    public let secondOrder: [Pair]

    public struct Pair: Hashable, Sendable {
        public let i: Int, j: Int
        public init(_ a: Int, _ b: Int) { i = Swift.min(a, b); j = Swift.max(a, b) }
    }

    public init(dimension: Int, firstOrder: Set<Int> = [], secondOrder: Set<Pair> = []) {
        self.dimension = dimension
        let pairs = secondOrder.sorted { ($0.i, $0.j) < ($1.i, $1.j) }
        self.secondOrder = pairs
        self.firstOrder = firstOrder.union(pairs.flatMap { [$0.i, $0.j] }).sorted()
    }

    /// Values only.
    public static func values(dimension: Int) -> DerivativePlan { DerivativePlan(dimension: dimension) }

    /// Index of a pair in `secondOrder`, if carried.
    public func index(of pair: Pair) -> Int? { secondOrder.firstIndex(of: pair) }
}
