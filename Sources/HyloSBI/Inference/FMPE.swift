import HyloCore
import HyloNN

/// Flow-matching posterior estimation (sbi's `FMPE`): a velocity field v(θₜ, t, x) trained by
/// conditional flow matching on simulations from the prior, whose ODE carries N(0, I) to the
/// posterior q(θ | x) (see `FlowMatchingEstimator`). Training uses NPE's defaults; the posterior is
/// a direct posterior (sampling integrates the ODE; densities integrate its divergence).
public final class FMPE {
    public let prior: Prior
    public let configuration: FlowMatchingEstimator.Configuration
    var simulations: SimulationSet
    public private(set) var estimator: FlowMatchingEstimator?
    public private(set) var lastTraining: TrainingResult?

    public init(prior: Prior, configuration: FlowMatchingEstimator.Configuration = .init()) {
        self.prior = prior
        self.configuration = configuration
        simulations = SimulationSet(parameterDimension: prior.dimension)
    }

    public var excludedCount: Int { simulations.excluded }

    @discardableResult
    public func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        try simulations.append(theta: theta, x: x, expected: estimator?.contextDimension)
    }

    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        guard simulations.count >= 2, let c = simulations.observationDimension else {
            throw InferenceError.noData("FMPE needs at least 2 valid simulations to train; it has \(simulations.count)")
        }
        let (theta, x) = simulations.tensors
        let field = estimator ?? {
            let f = FlowMatchingEstimator(parameterDimension: prior.dimension, contextDimension: c, configuration: configuration)
            f.fitStandardization(theta: theta, x: x)
            return f
        }()
        estimator = field
        // Each batch draws its own noise and times, from a generator seeded by the training seed.
        var rng = Philox(seed: settings.seed, stream: 0x666d_7472)
        let result = HyloNN.train(field.parameters, count: theta.shape[0], configuration: settings,
                                  optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
            field.flowMatchingLoss(theta: theta.selectRows(batch), x: x.selectRows(batch), rng: &rng)
        }, progress: progress)
        if result.reason == .nonFinite {
            throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
        }
        lastTraining = result
        return result
    }

    public func posterior() throws -> DirectPosterior {
        guard let estimator else { throw InferenceError.state("FMPE has not been trained") }
        return DirectPosterior(estimator: estimator, prior: prior)
    }
}

extension FMPE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
