import Glibc
import HyloCore

/// A product of independent one-dimensional marginals (box-uniform, log-normal, mixed …).
public final class IndependentPrior: Prior {
    public let marginals: [Marginal]
    /// For a box (every marginal uniform): the lower corner and the widths as `[1, d]` rows, so
    /// that densities and bijections take a few whole-batch ops instead of a few per column (they
    /// sit in the inner loop of MCMC).
    private let box: (low: Tensor, width: Tensor, logVolume: Double)?

    public init(_ marginals: [Marginal]) {
        precondition(!marginals.isEmpty, "a prior needs at least one dimension")
        self.marginals = marginals
        let bounds = marginals.compactMap { m -> (Double, Double)? in
            if case .uniform(let l, let h) = m { return (l, h) }
            return nil
        }
        box = bounds.count == marginals.count
            ? (Tensor(shape: [1, bounds.count], scalars: bounds.map(\.0)), Tensor(shape: [1, bounds.count], scalars: bounds.map { $0.1 - $0.0 }),
               bounds.reduce(0) { $0 + Glibc.log($1.1 - $1.0) })
            : nil
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

    public func logProb(_ theta: Tensor) -> Tensor {
        guard let box else { return columns(theta) { $0.logProb($1) }.sum(axis: 1) }
        return Tensor(shape: [theta.shape[0]], scalars: contains(theta).map { $0 ? -box.logVolume : -.infinity })
    }

    public func contains(_ theta: Tensor) -> [Bool] {
        checkShape(theta)
        return (0..<theta.shape[0]).map { i in
            marginals.enumerated().allSatisfy { j, m in m.contains(theta.scalars[i * dimension + j]) }
        }
    }

    public func toUnbounded(_ theta: Tensor) -> Tensor {
        guard let box else { return columns(theta) { $0.toUnbounded($1) } }
        checkShape(theta)
        let u = (theta - box.low) / box.width
        return u.log() - (1 - u).log()
    }

    public func fromUnbounded(_ z: Tensor) -> Tensor {
        guard let box else { return columns(z) { $0.fromUnbounded($1) } }
        checkShape(z)
        return z.sigmoid() * box.width + box.low
    }

    public func logDetJacobianFromUnbounded(_ z: Tensor) -> Tensor {
        guard let box else { return columns(z) { $0.logDetJacobianFromUnbounded($1) }.sum(axis: 1) }
        checkShape(z)
        return box.logVolume - ((-z).softplus() + z.softplus()).sum(axis: 1)
    }
}
