import HyloCore

/// The differentiable-coverage regularizer of Falkiewicz et al. (2023, "Calibrating neural
/// simulation-based inference with differentiable coverage probability"), for NPE and NRE.
///
/// For a training pair (θᵢ, xᵢ), αᵢ is the mass of the posterior at xᵢ that is denser than at θᵢ —
/// the credibility level of the highest-density region whose boundary passes through θᵢ; θᵢ lies
/// in the γ-region iff αᵢ ≤ γ, so the expected coverage at γ is P(α ≤ γ), and the estimator is
/// calibrated iff α is uniform, conservative iff P(α ≤ γ) ≥ γ. For NRE, as in the paper, αᵢ is
/// estimated from L prior draws (the batch's other θ) self-normalized by the classifier's ratio, so
/// the parameters reach α through the weights and the comparisons. For NPE it is estimated from L
/// draws of q(· | xᵢ) itself, the parameters reaching α through the comparisons: the paper's
/// importance-weighted prior draws degenerate when the posterior is much narrower than the prior,
/// and in our tests (2-D Gaussian, 150 simulations) failed to remove the overconfidence that
/// posterior draws removed. The indicator [log q(θᵢⱼ) > log q(θᵢ)] is relaxed to a sigmoid of
/// temperature τ (in nats). The batch's α sorted (a permutation, differentiable almost everywhere, through which the
/// gradient reaches the α values) are compared with the uniform quantiles k / (B + 1):
/// (α₍ₖ₎ − k/(B+1))² for calibration, only its positive part — too little coverage — for
/// conservativeness. The training loss gains `strength` × the mean penalty.
public struct CoverageRegularizer: Equatable, Sendable {
    public enum Target: String, CaseIterable, Sendable {
        case calibrated
        case conservative
    }

    public var target: Target
    /// λ, the penalty's weight in the loss. The paper uses 5 with its own scaling; with the mean over
    /// the batch's quantiles as here, 5 left a 2-D NPE overconfident and 20 did not.
    public var strength = 20.0
    /// L, posterior draws per training pair.
    public var samples = 16
    /// Training pairs per batch whose level is estimated (the first of the shuffled batch); the
    /// likelihood or classification loss still uses the whole batch. The penalty costs pairs × L
    /// density evaluations per batch, so this bounds its cost: 64 pairs of a batch of 200 make a
    /// training step about five times as expensive as plain training, the whole batch about fifteen.
    public var pairs = 64
    /// τ of the sigmoid that relaxes the density comparison, in nats.
    public var temperature = 0.5

    public init(_ target: Target) { self.target = target }

    public var invalidReason: String? {
        guard strength >= 0 && strength.isFinite else { return "the calibration strength must be ≥ 0" }
        guard samples >= 1 else { return "calibration needs at least 1 posterior draw per pair" }
        guard pairs >= 2 else { return "calibration needs at least 2 pairs per batch" }
        return temperature > 0 && temperature.isFinite ? nil : "the calibration temperature must be positive"
    }

    /// αᵢ = Σⱼ wᵢⱼ σ((ℓᵢⱼ − ℓᵢ) / τ) from the log densities of the draws `[B, L]` and of the pairs
    /// `[B]`; `weights` (rows summing to 1) default to 1/L.
    ///
    /// With `scoreFunction`, the draws came from the distribution being trained (NPE), and α's
    /// gradient gains the term of the draws' own dependence on the parameters, E[(f − f̄) ∇ log q(θ′)]
    /// (the score-function estimator, with the pair's mean comparison f̄ as baseline), which leaves α's
    /// value unchanged. Without it only the comparisons at fixed draws reach the parameters, a biased
    /// gradient under which the penalty, on two moons, lowered the coverage of middle levels.
    func levels(draws: Tensor, pairs: Tensor, weights: Tensor? = nil, scoreFunction: Bool = false) -> Tensor {
        let b = pairs.shape[0]
        let denser = ((draws - pairs.reshaped([b, 1])) * (1 / temperature)).sigmoid()
        if let weights { return (denser * weights).sum(axis: 1) }
        guard scoreFunction else { return denser.mean(axis: 1) }
        let f = denser.detached()
        let score = (f - f.mean(axis: 1, keepDims: true)) * (draws - draws.detached())
        return (denser + score).mean(axis: 1)
    }

    /// strength × the mean penalty of the sorted levels against the uniform quantiles.
    func penalty(_ alpha: Tensor) -> Tensor {
        let b = alpha.shape[0]
        let order = alpha.scalars.indices.sorted { alpha.scalars[$0] < alpha.scalars[$1] }
        let sorted = alpha.reshaped([b, 1]).selectRows(order).reshaped([b])
        let excess = sorted - Tensor((1...b).map { Double($0) / Double(b + 1) })
        return (target == .calibrated ? excess : excess.relu()).squared().mean() * strength
    }
}
