import HyloCore

/// A prior over parameter vectors θ ∈ ℝᵈ, with a bijection to unbounded space for samplers and
/// flows that need one.
///
/// Conventions: batches are `[n, d]` tensors; `logProb` returns `[n]` and is −∞ outside the support
/// (and differentiable inside it); the bijection maps the support onto ℝᵈ.
public protocol Prior: AnyObject {
    var dimension: Int { get }
    func sample(_ n: Int, rng: inout Philox) -> Tensor
    func logProb(_ theta: Tensor) -> Tensor
    /// Whether each row lies in the support.
    func contains(_ theta: Tensor) -> [Bool]
    /// θ ↦ z ∈ ℝᵈ.
    func toUnbounded(_ theta: Tensor) -> Tensor
    /// z ↦ θ.
    func fromUnbounded(_ z: Tensor) -> Tensor
    /// log |det ∂θ/∂z| per row, at z.
    func logDetJacobianFromUnbounded(_ z: Tensor) -> Tensor
}

extension Prior {
    /// Checks a batch's shape against the prior's dimension.
    func checkShape(_ theta: Tensor) {
        precondition(theta.rank == 2 && theta.shape[1] == dimension,
                     "θ has shape \(theta.shape); the prior has dimension \(dimension)")
    }
}
