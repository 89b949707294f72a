import HyloCore

/// The prior truncated to a posterior's highest-probability region at one observation: the
/// proposal of truncated sequential NPE (TSNPE, Deistler et al. 2022; sbi's `RestrictedPrior`
/// with `get_density_thresholder`).
///
/// The region {θ : log p(θ | xₒ) ≥ τ} holds 1 − `quantile` of the posterior's mass: τ is the
/// `quantile` quantile of the posterior's log-density (its potential) over `referenceSamples`
/// posterior samples. Prior draws are kept when they fall inside, so the truncated prior is the
/// prior restricted to the region, and simulations from it are appended as prior simulations.
public struct TruncatedPrior {
    public let posterior: Posterior
    public let observation: Tensor
    /// log-density threshold τ.
    public let threshold: Double

    /// Estimates the region's threshold from posterior samples drawn with `settings`.
    public init(posterior: Posterior, observation: Tensor, quantile: Double = 1e-4, referenceSamples: Int = 10_000,
                settings: SamplingSettings = SamplingSettings(), rng: inout Philox) throws {
        guard quantile >= 0 && quantile < 1 else { throw InferenceError.state("the truncation quantile must lie in [0, 1)") }
        let (samples, report) = try posterior.sample(referenceSamples, x: observation, settings: settings, rng: &rng) { _, _ in true }
        guard report.accepted > 0 else {
            throw InferenceError.state("no posterior samples to place the truncation at (\(report.status.rawValue))")
        }
        let logDensities = chunkedWithoutGradients(samples) { posterior.potential($0, x: observation) }.sorted()
        self.posterior = posterior
        self.observation = observation
        threshold = logDensities[Swift.min(Int(quantile * Double(logDensities.count)), logDensities.count - 1)]
    }

    /// Whether each θ lies in the region (and the prior's support).
    public func contains(_ theta: Tensor) -> [Bool] {
        let inside = posterior.prior.contains(theta)
        let logDensities = chunkedWithoutGradients(theta) { posterior.potential($0, x: observation) }
        return inside.indices.map { inside[$0] && logDensities[$0] >= threshold }
    }

    /// Up to n prior draws inside the region, proposing at most `maxProposals` prior draws
    /// (default max(100 n, 10⁶)); the report's acceptance rate estimates the region's prior mass.
    public func sample(_ n: Int, maxProposals: Int? = nil, rng: inout Philox) -> (samples: Tensor, report: SamplingReport) {
        let prior = posterior.prior
        return rejectionSample(n, dimension: prior.dimension, budget: maxProposals ?? Swift.max(100 * n, 1_000_000),
                               batch: (minimum: 64, maximum: 100_000), minimumRate: 0.001,
                               propose: { prior.sample($0, rng: &rng) }, accept: contains)
    }
}
