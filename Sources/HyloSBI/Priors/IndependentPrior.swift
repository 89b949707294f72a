import HyloCore

/// A product of independent one-dimensional marginals (box-uniform, log-normal, mixed …).
public final class IndependentPrior: Prior {
    public let marginals: [Marginal]

    public init(_ marginals: [Marginal]) {
        precondition(!marginals.isEmpty, "a prior needs at least one dimension")
        self.marginals = marginals
    }

    /// U[low, high] in every dimension.
    public static func boxUniform(low: [Double], high: [Double]) -> IndependentPrior {
        precondition(low.count == high.count, "low and high differ in length")
        return IndependentPrior(zip(low, high).map { .uniform(low: $0, high: $1) })
    }

    public var dimension: Int { marginals.count }

    public func sample(_ n: Int, rng: inout Philox) -> Tensor {
        var s = [Double](repeating: 0, count: n * dimension)
        for i in 0..<n { for (j, m) in marginals.enumerated() { s[i * dimension + j] = m.sample(rng: &rng) } }
        return Tensor(shape: [n, dimension], scalars: s)
    }

    /// Applies `f` to each column with its marginal and stacks the results.
    private func columns(_ t: Tensor, _ f: (Marginal, Tensor) -> Tensor) -> Tensor {
        checkShape(t)
        return Tensor.stack(marginals.enumerated().map { j, m in
            f(m, t.slice(axis: 1, start: j, end: j + 1).reshaped([t.shape[0]]))
        }, axis: 1)
    }

    public func logProb(_ theta: Tensor) -> Tensor { columns(theta) { $0.logProb($1) }.sum(axis: 1) }

    public func contains(_ theta: Tensor) -> [Bool] {
        checkShape(theta)
        return (0..<theta.shape[0]).map { i in
            marginals.enumerated().allSatisfy { j, m in m.contains(theta.scalars[i * dimension + j]) }
        }
    }

    public func toUnbounded(_ theta: Tensor) -> Tensor { columns(theta) { $0.toUnbounded($1) } }
    public func fromUnbounded(_ z: Tensor) -> Tensor { columns(z) { $0.fromUnbounded($1) } }
    public func logDetJacobianFromUnbounded(_ z: Tensor) -> Tensor {
        columns(z) { $0.logDetJacobianFromUnbounded($1) }.sum(axis: 1)
    }
}
