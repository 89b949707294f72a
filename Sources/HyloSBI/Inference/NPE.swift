import HyloCore
import HyloNN

/// Why NPE refused a call.
public enum InferenceError: Error, CustomStringConvertible {
    case shape(String)
    case noData(String)
    case state(String)
    case numerical(String)

    public var description: String {
        switch self {
        case .shape(let s), .noData(let s), .state(let s), .numerical(let s): return s
        }
    }
}

/// Neural posterior estimation: a conditional density estimator q(θ | x) trained on simulations
/// (θᵢ ~ prior, xᵢ ~ simulator(θᵢ)) by maximum likelihood, which then approximates the posterior
/// p(θ | x) for any observation x (amortized).
///
/// Training follows sbi's defaults (`NPE_C`): Adam with learning rate 5·10⁻⁴,
/// batches of 200, 10 % validation, stopping after 20 epochs without a better validation loss,
/// gradient norm clipped at 5. Simulations whose x is not finite are counted and left out (sbi's
/// `exclude_invalid_x`). Appending more simulations and training again resumes from the current
/// weights. Simulations from proposals other than the prior switch training to the atomic loss
/// (sequential NPE, see `appendProposalSimulations`).
public final class NPE {
    public static var defaultTraining: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.batchSize = 200; c.learningRate = 5e-4; c.validationFraction = 0.1; c.patience = 20; c.clipNorm = 5
        c.maxEpochs = Int(Int32.max)
        return c
    }

    public let prior: Prior
    public let configuration: FlowConfiguration
    var simulations: SimulationSet
    public private(set) var estimator: ConditionalFlow?
    public private(set) var lastTraining: TrainingResult?

    public init(prior: Prior, configuration: FlowConfiguration = .init()) {
        self.prior = prior
        self.configuration = configuration
        simulations = SimulationSet(parameterDimension: prior.dimension)
    }

    /// Simulations left out because x was not finite.
    public var excludedCount: Int { simulations.excluded }
    /// Kept simulations whose θ came from a proposal other than the prior.
    public private(set) var proposalSimulations = 0
    /// Contrasting atoms per pair of the atomic loss (sbi's `num_atoms`).
    public var atoms = 10
    /// Adds the differentiable-coverage penalty to the loss, for calibrated or conservative posteriors.
    public var coverageRegularizer: CoverageRegularizer?

    /// Adds simulations: θ `[n, d]`, x `[n, c]`. Rows with a non-finite x are counted and skipped.
    /// - Returns: how many were kept and how many were left out.
    @discardableResult
    public func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        try simulations.append(theta: theta, x: x, expected: estimator?.contextDimension)
    }

    /// Adds simulations whose θ were drawn from a proposal other than the prior (the posterior of an
    /// earlier round for an observation: sequential NPE). From then on training uses the atomic loss
    /// (SNPE-C), which corrects for the proposals. θ must lie in the prior's support. (θ drawn from a
    /// truncated prior, as TSNPE does, are prior draws up to the truncation: append those with
    /// `appendSimulations(theta:x:)`.)
    @discardableResult
    public func appendProposalSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        if theta.rank == 2, theta.shape[1] == prior.dimension, let i = prior.contains(theta).firstIndex(of: false) {
            throw InferenceError.shape("theta row \(i) lies outside the prior's support; a proposal must stay inside it")
        }
        let counts = try simulations.append(theta: theta, x: x, expected: estimator?.contextDimension)
        proposalSimulations += counts.kept
        return counts
    }

    /// Trains (or continues training) the estimator on all simulations so far.
    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        guard simulations.count >= 2, let c = simulations.observationDimension else {
            throw InferenceError.noData("NPE needs at least 2 valid simulations to train; it has \(simulations.count)")
        }
        let (theta, x) = simulations.tensors
        let flow = estimator ?? {
            let f = ConditionalFlow(parameterDimension: prior.dimension, contextDimension: c, configuration: configuration, prior: prior)
            f.fitStandardization(theta: theta, context: x)
            return f
        }()
        estimator = flow
        let result: TrainingResult
        if let regularizer = coverageRegularizer {
            if let why = regularizer.invalidReason { throw InferenceError.state(why) }
            guard proposalSimulations == 0, configuration.kind != .mdn else {
                throw InferenceError.state("the coverage regularizer needs a flow (maf or nsf) trained on prior simulations")
            }
            result = try trainWithCoverage(flow, regularizer, theta: theta, x: x, settings: settings, progress: progress)
        } else if proposalSimulations > 0 {
            result = try trainByAtomicLoss(flow, prior: prior, theta: theta, x: x, atoms: atoms, settings: settings, progress: progress)
        } else {
            result = try trainByMaximumLikelihood(flow, target: theta, context: x, settings: settings, progress: progress)
        }
        lastTraining = result
        return result
    }

    /// The posterior, for sampling and evaluation at any observation.
    public func posterior() throws -> DirectPosterior {
        guard let estimator else { throw InferenceError.state("NPE has not been trained") }
        return DirectPosterior(estimator: estimator, prior: prior)
    }
}

/// Fits a conditional flow q(target | context) by maximum likelihood (NPE: θ given x; NLE: x given θ).
func trainByMaximumLikelihood(_ flow: ConditionalFlow, target: Tensor, context: Tensor, settings: TrainingConfiguration,
                              progress: (EpochReport) -> Bool) throws -> TrainingResult {
    var configuration = settings
    configuration.shards = 2  // the loss is a mean over examples: halves run on two cores
    let result = HyloNN.train(flow.parameters, count: target.shape[0], configuration: configuration,
                              optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
        -flow.logProb(target.selectRows(batch), context: context.selectRows(batch)).mean()
    }, progress: progress)
    if result.reason == .nonFinite {
        throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
    }
    return result
}

/// Maximum likelihood plus the coverage penalty, αᵢ from L draws of q(· | xᵢ) for the batch's first pairs.
func trainWithCoverage(_ flow: ConditionalFlow, _ regularizer: CoverageRegularizer, theta: Tensor, x: Tensor,
                       settings: TrainingConfiguration, progress: (EpochReport) -> Bool) throws -> TrainingResult {
    var rng = Philox(seed: settings.seed, stream: 0x6361_6c69)
    let result = HyloNN.train(flow.parameters, count: theta.shape[0], configuration: settings,
                              optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
        let (m, l) = (Swift.min(batch.count, regularizer.pairs), regularizer.samples)
        let context = x.selectRows(batch)
        let logq = flow.logProb(theta.selectRows(batch), context: context)
        let repeated = context.selectRows((0..<m).flatMap { repeatElement($0, count: l) })
        let draws = flow.sampleRows(context: repeated, rng: &rng)
        let logqDraws = flow.logProb(draws, context: repeated).reshaped([m, l])
        let alpha = regularizer.levels(draws: logqDraws, pairs: logq.slice(axis: 0, start: 0, end: m), scoreFunction: true)
        return -logq.mean() + regularizer.penalty(alpha)
    }, progress: progress)
    if result.reason == .nonFinite {
        throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
    }
    return result
}
