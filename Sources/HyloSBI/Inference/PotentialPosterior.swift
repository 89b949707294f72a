import Glibc
import HyloCore
import HyloNN

/// What NLE and NRE learn: log ℓ(x | θ) up to a constant in θ — the likelihood flow's log-density,
/// or the classifier's log-ratio log p(x | θ) / p(x).
public protocol LikelihoodModel: AnyObject {
    var parameterDimension: Int { get }
    var observationDimension: Int { get }
    /// log ℓ(x | θᵢ) for θ `[n, d]` and one observation x; `[n]`, differentiable in θ.
    func logLikelihood(_ theta: Tensor, x: Tensor) -> Tensor
    /// Architecture metadata and tensors, to save the model.
    func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)])
}

/// The posterior of NLE and NRE, known up to its normalizing constant:
/// log p(θ | x) = log ℓ(x | θ) + log p(θ) + const, the *potential*.
///
/// Sampling runs MCMC (sbi's default: slice sampling over 20 chains started by
/// sampling-importance-resampling) on the potential in the prior's unbounded coordinates
/// z = T⁻¹(θ), where the target gains the Jacobian term log |det ∂θ/∂z|; or
/// sampling-importance-resampling of prior draws.
///
/// With `unboundedTheta`, the model was trained on z = T⁻¹(θ) instead of θ (sbibm's automatic
/// transforms): it is evaluated at z, and its log ℓ is the same function of θ.
public final class PotentialPosterior: Posterior {
    public let model: LikelihoodModel
    public let prior: Prior
    /// The model's θ input is in the prior's unbounded coordinates.
    public let unboundedTheta: Bool
    /// Used when `sample` is called without a method.
    public var defaultSampling = SamplingSettings(.mcmc)

    public init(model: LikelihoodModel, prior: Prior, unboundedTheta: Bool = false) {
        self.model = model
        self.prior = prior
        self.unboundedTheta = unboundedTheta
    }

    public var observationDimension: Int { model.observationDimension }

    /// θ as the model takes it: θ itself or z = T⁻¹(θ).
    private func modelTheta(_ theta: Tensor) -> Tensor { unboundedTheta ? prior.toUnbounded(theta) : theta }

    /// −∞ outside the prior's support (where z = T⁻¹(θ) does not exist).
    public func potential(_ theta: Tensor, x: Tensor) -> Tensor {
        let logPrior = prior.logProb(theta)
        let value = model.logLikelihood(modelTheta(theta), x: x) + logPrior
        guard unboundedTheta else { return value }
        return Tensor.where(withoutGradients { logPrior.greater(-.infinity) }, value, Tensor(-.infinity))
    }

    public func unboundedPotential(_ z: Tensor, x: Tensor) -> Tensor {
        let theta = prior.fromUnbounded(z)
        return model.logLikelihood(unboundedTheta ? z : theta, x: x) + prior.logProb(theta) + prior.logDetJacobianFromUnbounded(z)
    }

    public func logProb(_ theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor {
        let prior = withoutGradients { self.prior.logProb(theta) }
        let values = zip(importanceLogWeights(theta, x: x), prior.scalars).map { $1 == -.infinity ? -.infinity : $0 + $1 }
        return Tensor(shape: [theta.shape[0]], scalars: values)
    }

    public func candidates(_ n: Int, x: Tensor, rng: inout Philox) -> Tensor { prior.sample(n, rng: &rng) }

    public func sample(_ n: Int, x: Tensor, settings: SamplingSettings, rng: inout Philox,
                       progress: (_ done: Int, _ total: Int) -> Bool) throws -> (samples: Tensor, report: SamplingReport) {
        switch settings.method ?? defaultSampling.method ?? .mcmc {
        case .direct:
            throw InferenceError.state("an NLE or NRE posterior is known up to a constant only: sample it with mcmc or importance")
        case .importance:
            return importanceSample(n, x: x, oversampling: settings.oversampling, rng: &rng)
        case .mcmc:
            return try sampleByMCMC(n, x: x, settings: settings.method == nil ? defaultSampling.mcmc : settings.mcmc,
                                    rng: &rng, progress: progress)
        }
    }

    /// log ℓ(x | θ) = potential − log prior, without the prior's support check.
    public func importanceLogWeights(_ theta: Tensor, x: Tensor) -> [Double] {
        chunkedWithoutGradients(theta) { model.logLikelihood(modelTheta($0), x: x) }
    }
}

/// θ as a likelihood or ratio model is trained on: θ itself, or z = T⁻¹(θ) in the prior's
/// unbounded coordinates, which exists only inside the prior's support.
func modelInput(_ theta: Tensor, prior: Prior, unbounded: Bool) throws -> Tensor {
    guard unbounded else { return theta }
    let z = withoutGradients { prior.toUnbounded(theta) }
    if let bad = z.scalars.firstIndex(where: { !$0.isFinite }) {
        throw InferenceError.state("simulation \(bad / z.shape[1]): θ lies outside the prior's support, so it has no unbounded coordinates (unbounded_theta)")
    }
    return z
}
