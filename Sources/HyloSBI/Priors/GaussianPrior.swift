import Glibc
import HyloCore

/// A multivariate normal N(μ, Σ) with full (or diagonal) covariance, through the Cholesky factor
/// Σ = L Lᵀ: samples μ + L z, log-density −½‖L⁻¹(θ − μ)‖² − Σ log Lᵢᵢ − (d/2) log 2π.
public final class GaussianPrior: Prior {
    public let mean: Tensor
    public let covariance: Tensor
    let cholesky: Tensor
    let logNormalizer: Double

    /// - Throws: `LinearAlgebraError` when the covariance is not symmetric positive definite.
    public init(mean: [Double], covariance: [[Double]]) throws {
        let d = mean.count
        precondition(d > 0 && covariance.count == d && covariance.allSatisfy { $0.count == d },
                     "covariance must be \(d) × \(d)")
        self.mean = Tensor(mean)
        self.covariance = Tensor(rows: covariance)
        cholesky = try self.covariance.cholesky()
        logNormalizer = cholesky.diagonal().scalars.reduce(0) { $0 + Glibc.log($1) } + Double(d) * halfLog2Pi
    }

    /// N(μ, diag(σ²)).
    public convenience init(mean: [Double], std: [Double]) throws {
        precondition(mean.count == std.count, "mean and std differ in length")
        try self.init(mean: mean, covariance: std.enumerated().map { i, s in
            (0..<std.count).map { $0 == i ? s * s : 0 }
        })
    }

    public var dimension: Int { mean.count }

    public func sample(_ n: Int, rng: inout Philox) -> Tensor {
        Tensor.matmul(rng.normal([n, dimension]), cholesky, transposeB: true) + mean
    }

    public func logProb(_ theta: Tensor) -> Tensor {
        checkShape(theta)
        let centered = (theta - mean).transposed()
        let white = Tensor.solveTriangular(cholesky, centered, lower: true)
        return white.squared().sum(axis: 0) * -0.5 - logNormalizer
    }

    public func contains(_ theta: Tensor) -> [Bool] {
        checkShape(theta)
        return (0..<theta.shape[0]).map { i in (0..<dimension).allSatisfy { theta.scalars[i * dimension + $0].isFinite } }
    }

    public func toUnbounded(_ theta: Tensor) -> Tensor { theta }
    public func fromUnbounded(_ z: Tensor) -> Tensor { z }
    public func logDetJacobianFromUnbounded(_ z: Tensor) -> Tensor { Tensor.zeros([z.shape[0]]) }
}
