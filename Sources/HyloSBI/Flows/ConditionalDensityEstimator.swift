import Glibc
import HyloCore
import HyloNN

/// A conditional density q(θ | x) that can be evaluated and sampled: the estimator behind NPE.
public protocol ConditionalDensityEstimator: Module {
    var parameterDimension: Int { get }
    var contextDimension: Int { get }
    /// log q(θᵢ | xᵢ) for θ `[n, d]` and x `[n, c]`; `[n]`.
    func logProb(_ theta: Tensor, context x: Tensor) -> Tensor
    /// `n` draws from q(θ | x) for a single x (`[1, c]` or `[c]`); `[n, d]`.
    func sample(_ n: Int, context x: Tensor, rng: inout Philox) -> Tensor
    /// Everything needed to rebuild the estimator: architecture metadata and tensors.
    func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)])
}

/// Per-column standardization (z-scoring) fitted to data; constant columns keep σ = 1.
public struct Standardization {
    public var mean: Tensor
    public var std: Tensor

    public init(mean: Tensor, std: Tensor) { self.mean = mean; self.std = std }

    /// The identity on `d` columns.
    public init(identity d: Int) { self.init(mean: .zeros([d]), std: .ones([d])) }

    /// Fits the column means and standard deviations (unbiased, as torch.std) of `data` `[n, d]`.
    public init(fitting data: Tensor) {
        let n = Swift.max(data.shape[0], 2)
        let mean = data.mean(axis: 0).detached()
        let variance = (data - mean).squared().sum(axis: 0) / Double(n - 1)
        let std = variance.sqrt().scalars.map { $0 > 1e-14 && $0.isFinite ? $0 : 1 }
        self.init(mean: mean, std: Tensor(std))
    }

    public func apply(_ x: Tensor) -> Tensor { (x - mean) / std }
    public func invert(_ z: Tensor) -> Tensor { z * std + mean }
    /// log |det ∂z/∂x| of `apply`, a constant.
    public var logDetJacobian: Double { -std.scalars.reduce(0) { $0 + Glibc.log($1) } }
}
