import Glibc
import HyloCore
import HyloNN

/// How to draw from a posterior. A direct posterior (NPE) draws from its estimator and rejects
/// draws outside the prior's support; a posterior known up to a constant (NLE, NRE) runs MCMC or
/// sampling-importance-resampling on its potential.
public struct SamplingSettings: Sendable {
    public enum Method: String, CaseIterable, Sendable {
        /// Draw from the estimator, reject outside the support (direct posteriors only).
        case direct
        /// MCMC on the potential in the prior's unbounded coordinates (see `mcmc`).
        case mcmc
        /// Sampling-importance-resampling: each sample is chosen among `oversampling` prior draws
        /// with weights ∝ p(θ | x) / p(θ).
        case importance
    }
    /// nil: the posterior's own default (direct for NPE, MCMC for NLE and NRE).
    public var method: Method?
    /// Direct sampling: the most estimator draws to make (default max(100 n, 10⁵)).
    public var maxProposals: Int?
    public var mcmc = MCMCSettings()
    public var oversampling = 32

    public init(_ method: Method? = nil) { self.method = method }
}

/// How a call to `sample` went.
public struct SamplingReport: Sendable {
    public enum Status: String, Sendable {
        case complete
        /// The proposal or time budget ran out: fewer samples than asked for were returned.
        case budgetExhausted = "budget_exhausted"
        /// The progress callback asked to stop.
        case cancelled
    }
    public var status: Status
    /// Samples returned.
    public var accepted: Int
    /// Direct sampling: draws from the estimator; importance sampling: prior draws weighed.
    public var proposed: Int
    /// Direct sampling: the fraction of the estimator's draws inside the prior's support; MCMC:
    /// the mean acceptance probability; importance sampling: the effective sample size of the
    /// weights per candidate (1 when the posterior is the prior).
    public var acceptanceRate: Double
    /// The MCMC run behind the samples, with R̂ and effective sample sizes.
    public var mcmc: MCMCReport?
}

/// p(θ | x) for any observation x: what NPE, NLE and NRE build. Conventions: θ batches are `[n, d]`,
/// an observation is `[c]` or `[1, c]`.
public protocol Posterior: AnyObject {
    var prior: Prior { get }
    /// The length c of an observation.
    var observationDimension: Int { get }
    /// log p(θᵢ | x) up to a constant that may depend on x, differentiable in θ (`[n]`); finite only
    /// inside the prior's support.
    func potential(_ theta: Tensor, x: Tensor) -> Tensor
    /// The potential of θ = T(z) as a density of the prior's unbounded coordinates z: the potential
    /// plus log |det ∂θ/∂z|; differentiable in z. What MCMC samples.
    func unboundedPotential(_ z: Tensor, x: Tensor) -> Tensor
    /// Up to `n` samples at x, within the settings' budgets.
    func sample(_ n: Int, x: Tensor, settings: SamplingSettings, rng: inout Philox,
                progress: (_ done: Int, _ total: Int) -> Bool) throws -> (samples: Tensor, report: SamplingReport)
    /// log p(θᵢ | x) (`[n]`, −∞ outside the support). Normalized for direct posteriors (with the
    /// leakage correction); the potential (unnormalized) for NLE and NRE.
    func logProb(_ theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor
    /// Points to start a MAP search from: posterior draws where cheap, prior draws otherwise.
    func candidates(_ n: Int, x: Tensor, rng: inout Philox) -> Tensor
    func checkpoint() throws -> Checkpoint
    /// log p(θᵢ | x) / p(θᵢ) up to a constant, for θ inside the support: the weights of
    /// sampling-importance-resampling from the prior.
    func importanceLogWeights(_ theta: Tensor, x: Tensor) -> [Double]
}

extension Posterior {
    public var parameterDimension: Int { prior.dimension }

    public func unboundedPotential(_ z: Tensor, x: Tensor) -> Tensor {
        potential(prior.fromUnbounded(z), x: x) + prior.logDetJacobianFromUnbounded(z)
    }

    /// `n` samples at x with the posterior's default method.
    public func sample(_ n: Int, x: Tensor, rng: inout Philox) -> (samples: Tensor, report: SamplingReport) {
        // The default settings are valid for every posterior, so this cannot throw.
        (try? sample(n, x: x, settings: SamplingSettings(), rng: &rng, progress: { _, _ in true }))
            ?? (Tensor(shape: [0, prior.dimension], scalars: []),
                SamplingReport(status: .budgetExhausted, accepted: 0, proposed: 0, acceptanceRate: 0))
    }
}

/// `f` on rows of θ without recording gradients, NaN read as −∞: in chunks of `chunkRows` rows,
/// each evaluated on one thread, spread over the engine's threads. Chunks this size keep a small
/// network's activations in cache, where one whole-batch evaluation with its kernels split over the
/// threads streamed them through memory.
func chunkedWithoutGradients(_ theta: Tensor, _ f: (Tensor) -> Tensor) -> [Double] {
    let n = theta.shape[0], chunks = (n + chunkRows - 1) / chunkRows
    if chunks <= 1 { return withoutGradients { f(theta) }.scalars.map { $0.isNaN ? -.infinity : $0 } }
    var out = [Double](repeating: 0, count: n)
    out.withUnsafeMutableBufferPointer { o in
        concurrently(chunks) { c in
            let start = c * chunkRows
            let values = withoutGradients { f(theta.selectRows(Array(start..<Swift.min(start + chunkRows, n)))) }.scalars
            for (i, v) in values.enumerated() { o[start + i] = v.isNaN ? -.infinity : v }
        }
    }
    return out
}

/// Rows per chunk of `chunkedWithoutGradients`.
let chunkRows = 2048

extension Posterior {
    /// MCMC on the potential in the prior's unbounded coordinates z = T⁻¹(θ), where the target
    /// gains the Jacobian term log |det ∂θ/∂z|; ⌈n / chains⌉ draws per chain, the first n kept
    /// (chain after chain).
    public func sampleByMCMC(_ n: Int, x: Tensor, settings mcmc: MCMCSettings, rng: inout Philox,
                             progress: (_ done: Int, _ total: Int) -> Bool) throws -> (samples: Tensor, report: SamplingReport) {
        if let why = mcmc.invalidReason { throw InferenceError.state(why) }
        let d = prior.dimension, prior = self.prior
        let target = LogDensity(dimension: d) { [self] z in unboundedPotential(z, x: x) }
        let start = withoutGradients { prior.toUnbounded(initialPositions(mcmc, x: x, rng: &rng)) }
        let perChain = (n + mcmc.chains - 1) / mcmc.chains
        let run = runMCMC(target, initial: Array(start.scalars), drawsPerChain: perChain, settings: mcmc, rng: &rng,
                          progress: progress)
        let kept = Swift.min(n, run.draws.count / d)
        let z = Tensor(shape: [kept, d], scalars: Array(run.draws.prefix(kept * d)))
        let status: SamplingReport.Status
        switch run.report.status {
        case .complete: status = kept == n ? .complete : .budgetExhausted
        case .budgetExhausted: status = .budgetExhausted
        case .cancelled: status = .cancelled
        }
        let report = SamplingReport(status: status, accepted: kept, proposed: run.report.evaluations,
                                    acceptanceRate: run.report.acceptanceRate, mcmc: run.report)
        return (withoutGradients { prior.fromUnbounded(z) }, report)
    }

    /// Chain starting points: prior draws, or prior draws resampled by their importance weights.
    func initialPositions(_ settings: MCMCSettings, x: Tensor, rng: inout Philox) -> Tensor {
        switch settings.initialization {
        case .prior:
            return prior.sample(settings.chains, rng: &rng)
        case .resample(let candidates):
            // Sampling-importance-resampling from a pool of prior draws grown `candidates` at a time until
            // its weights' effective sample size is 4 per chain, or it holds `candidates` per chain (what
            // sbi's resampling evaluates, a pool per chain). One pool of fixed size whose weight sits on
            // a few draws would start every chain at those few points, all in the same mode, and slice
            // sampling rarely crosses between modes.
            var pool: [Tensor] = [], logWeights: [Double] = []
            func weights() -> [Double] {
                let top = logWeights.max() ?? 0
                return top > -.infinity ? logWeights.map { Glibc.exp($0 - top) } : logWeights.map { _ in 1 }
            }
            repeat {
                let draws = prior.sample(candidates, rng: &rng)
                pool.append(draws)
                logWeights += importanceLogWeights(draws, x: x)
            } while effectiveSampleSize(weights()) < 4 * Double(settings.chains) && pool.count < settings.chains
            return Tensor.concatenate(pool, axis: 0).selectRows(WeightedDraw(weights()).draw(settings.chains, rng: &rng))
        }
    }

    /// Sampling-importance-resampling: for each sample, `oversampling` prior draws weighed by
    /// p(θ | x) / p(θ) and one drawn in proportion to its weight (sbi's `ImportanceSamplingPosterior`).
    /// The report's acceptance rate is the effective sample size of all weights per draw.
    public func importanceSample(_ n: Int, x: Tensor, oversampling k: Int, rng: inout Philox) -> (samples: Tensor, report: SamplingReport) {
        let draws = prior.sample(n * k, rng: &rng)
        let logWeights = importanceLogWeights(draws, x: x)
        var rows: [Int] = []
        for i in 0..<n {
            let group = logWeights[(i * k)..<((i + 1) * k)]
            let top = group.max() ?? -.infinity
            rows.append(i * k + rng.categorical(group.map { top > -.infinity ? Glibc.exp($0 - top) : 1 }))
        }
        let top = logWeights.max() ?? 0
        let w = logWeights.map { Glibc.exp($0 - top) }
        let sum = w.reduce(0, +), squares = w.reduce(0) { $0 + $1 * $1 }
        let efficiency = squares > 0 ? sum * sum / squares / Double(n * k) : 0
        return (draws.selectRows(rows), SamplingReport(status: .complete, accepted: n, proposed: n * k, acceptanceRate: efficiency))
    }
}
