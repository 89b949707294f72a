import Glibc
import HyloCore
import HyloNN

/// p(θ | x) ≈ q(θ | x) restricted to the prior's support.
///
/// The estimator can put mass outside the support ("leakage"). Sampling rejects those draws (with
/// a budget, so it never hangs), and `logProb` renormalizes by the accepted mass
/// log q(θ | x) − log P_q(θ ∈ support | x), estimated from draws as sbi does.
public final class DirectPosterior: Posterior {
    public let estimator: ConditionalDensityEstimator
    public let prior: Prior
    /// Draws per batch while rejection sampling.
    public var batchSize = 10_000

    public init(estimator: ConditionalDensityEstimator, prior: Prior) {
        self.estimator = estimator
        self.prior = prior
    }

    public var observationDimension: Int { estimator.contextDimension }

    public func potential(_ theta: Tensor, x: Tensor) -> Tensor {
        let n = theta.shape[0], c = estimator.contextDimension
        return estimator.logProb(theta, context: x.reshaped([1, c]).expand(to: [n, c]))
    }

    public func candidates(_ n: Int, x: Tensor, rng: inout Philox) -> Tensor { sample(n, x: x, rng: &rng, maxProposals: nil).samples }

    public func sample(_ n: Int, x: Tensor, settings: SamplingSettings, rng: inout Philox,
                       progress: (_ done: Int, _ total: Int) -> Bool) throws -> (samples: Tensor, report: SamplingReport) {
        switch settings.method ?? .direct {
        case .direct: return sample(n, x: x, rng: &rng, maxProposals: settings.maxProposals)
        case .importance: return importanceSample(n, x: x, oversampling: settings.oversampling, rng: &rng)
        case .mcmc: return try sampleByMCMC(n, x: x, settings: settings.mcmc, rng: &rng, progress: progress)
        }
    }

    /// log q(θ | x) − log p(θ).
    public func importanceLogWeights(_ theta: Tensor, x: Tensor) -> [Double] {
        chunkedWithoutGradients(theta) { potential($0, x: x) - prior.logProb($0) }
    }

    /// Up to `n` samples for observation x (`[c]` or `[1, c]`), drawing at most `maxProposals`
    /// candidates (default: max(100 n, 10⁵)).
    public func sample(_ n: Int, x: Tensor, rng: inout Philox, maxProposals: Int?) -> (samples: Tensor, report: SamplingReport) {
        rejectionSample(n, dimension: prior.dimension, budget: maxProposals ?? Swift.max(100 * n, 100_000),
                        batch: (minimum: 16, maximum: batchSize), minimumRate: 0.01,
                        propose: { estimator.sample($0, context: x, rng: &rng) }, accept: { prior.contains($0) })
    }

    /// The fraction of q(· | x) inside the prior's support, from `draws` samples.
    public func acceptedMass(x: Tensor, draws: Int = 10_000, rng: inout Philox) -> Double {
        let s = estimator.sample(draws, context: x, rng: &rng)
        return Double(prior.contains(s).filter { $0 }.count) / Double(draws)
    }

    /// log p(θᵢ | x) for θ `[n, d]` and one observation x; −∞ outside the prior's support. With
    /// `leakageCorrection`, the estimator's density is renormalized by its mass inside the support.
    public func logProb(_ theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor {
        logProb(theta, x: x, leakageCorrection: true, rng: &rng)
    }

    public func logProb(_ theta: Tensor, x: Tensor, leakageCorrection: Bool, rng: inout Philox) -> Tensor {
        let n = theta.shape[0]
        var lp = withoutGradients { potential(theta, x: x) }
        if leakageCorrection {
            let mass = acceptedMass(x: x, rng: &rng)
            lp = lp - Glibc.log(Swift.max(mass, 1e-300))
        }
        let inside = prior.contains(theta)
        return Tensor(shape: [n], scalars: lp.scalars.enumerated().map { inside[$0.offset] ? $0.element : -.infinity })
    }
}
