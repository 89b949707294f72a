import HyloCore
import HyloNN

/// A conditional flow q(x | θ) read as a likelihood.
public final class LikelihoodFlow: LikelihoodModel {
    public let flow: ConditionalFlow
    public init(_ flow: ConditionalFlow) { self.flow = flow }
    public var parameterDimension: Int { flow.contextDimension }
    public var observationDimension: Int { flow.parameterDimension }

    public func logLikelihood(_ theta: Tensor, x: Tensor) -> Tensor {
        let n = theta.shape[0], c = observationDimension
        return flow.logProb(x.reshaped([1, c]).expand(to: [n, c]), context: theta)
    }

    public func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) {
        flow.checkpointContents()
    }
}

/// Neural likelihood estimation (Papamakarios et al. 2019): a conditional flow q(x | θ) (MAF by
/// default, as sbi's NLE) trained by maximum likelihood on simulations; combined with the prior it
/// gives the posterior up to a constant, sampled by MCMC. Unlike NPE the estimator does not depend
/// on the prior, and it is amortized over θ, so one estimator serves any observation — and, with
/// several i.i.d. observations, their summed log-likelihoods.
///
/// Training uses sbi's defaults (as NPE). Simulations whose x is not finite are counted and left out.
/// With the configuration's `unboundedTheta`, the flow is conditioned on θ mapped to the prior's
/// unbounded coordinates (sbibm's automatic transforms) instead of θ.
public final class NLE {
    public let prior: Prior
    /// The flow's configuration (its variable is x, so its own `unboundedTheta` is off).
    public let configuration: FlowConfiguration
    /// The flow sees θ in the prior's unbounded coordinates.
    public let unboundedTheta: Bool
    var simulations: SimulationSet
    public private(set) var estimator: ConditionalFlow?
    public private(set) var lastTraining: TrainingResult?

    public init(prior: Prior, configuration: FlowConfiguration = .init()) {
        self.prior = prior
        unboundedTheta = configuration.unboundedTheta
        var c = configuration
        c.unboundedTheta = false
        self.configuration = c
        simulations = SimulationSet(parameterDimension: prior.dimension)
    }

    public var excludedCount: Int { simulations.excluded }

    /// Adds simulations θ `[n, d]`, x `[n, c]`; rows with a non-finite x are counted and skipped.
    @discardableResult
    public func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        try simulations.append(theta: theta, x: x, expected: estimator?.parameterDimension)
    }

    /// Trains (or continues training) q(x | θ) on all simulations so far.
    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        guard simulations.count >= 2, let c = simulations.observationDimension else {
            throw InferenceError.noData("NLE needs at least 2 valid simulations to train; it has \(simulations.count)")
        }
        let (simulated, x) = simulations.tensors
        let theta = try modelInput(simulated, prior: prior, unbounded: unboundedTheta)
        let flow = estimator ?? {
            let f = ConditionalFlow(parameterDimension: c, contextDimension: prior.dimension, configuration: configuration)
            f.fitStandardization(theta: x, context: theta)
            return f
        }()
        estimator = flow
        let result = try trainByMaximumLikelihood(flow, target: x, context: theta, settings: settings, progress: progress)
        lastTraining = result
        return result
    }

    /// The posterior ∝ q(x | θ) p(θ), sampled by MCMC.
    public func posterior() throws -> PotentialPosterior {
        guard let estimator else { throw InferenceError.state("NLE has not been trained") }
        return PotentialPosterior(model: LikelihoodFlow(estimator), prior: prior, unboundedTheta: unboundedTheta)
    }
}
