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
/// Training follows sbi's defaults (`NPE_C` on the first round): Adam with learning rate 5·10⁻⁴,
/// batches of 200, 10 % validation, stopping after 20 epochs without a better validation loss,
/// gradient norm clipped at 5. Simulations whose x is not finite are counted and left out (sbi's
/// `exclude_invalid_x`). Appending more simulations and training again resumes from the current
/// weights.
public final class NPE {
    public static var defaultTraining: TrainingConfiguration {
        var c = TrainingConfiguration()
        c.batchSize = 200; c.learningRate = 5e-4; c.validationFraction = 0.1; c.patience = 20; c.clipNorm = 5
        c.maxEpochs = Int(Int32.max)
        return c
    }

    public let prior: Prior
    public let configuration: FlowConfiguration
    public private(set) var theta: [[Double]] = []
    public private(set) var x: [[Double]] = []
    /// Simulations left out because x was not finite.
    public private(set) var excludedCount = 0
    public private(set) var estimator: ConditionalFlow?
    public private(set) var lastTraining: TrainingResult?

    public init(prior: Prior, configuration: FlowConfiguration = .init()) {
        self.prior = prior
        self.configuration = configuration
    }

    public var outputDimension: Int? { x.first?.count }

    /// Adds simulations: θ `[n, d]`, x `[n, c]`. Rows with a non-finite x are counted and skipped.
    /// - Returns: how many were kept and how many were left out.
    @discardableResult
    public func appendSimulations(theta t: Tensor, x s: Tensor) throws -> (kept: Int, excluded: Int) {
        guard t.rank == 2, t.shape[1] == prior.dimension else {
            throw InferenceError.shape("theta has shape \(t.shape); the prior has dimension \(prior.dimension)")
        }
        guard s.rank == 2, s.shape[0] == t.shape[0] else {
            throw InferenceError.shape("x has shape \(s.shape); expected \(t.shape[0]) rows like theta")
        }
        if let c = outputDimension ?? estimator?.contextDimension, c != s.shape[1] {
            throw InferenceError.shape("x has \(s.shape[1]) columns; earlier simulations had \(c)")
        }
        let (d, c) = (t.shape[1], s.shape[1])
        var kept = 0
        for i in 0..<t.shape[0] {
            let row = Array(s.scalars[(i * c)..<((i + 1) * c)])
            guard row.allSatisfy(\.isFinite) else { excludedCount += 1; continue }
            let th = Array(t.scalars[(i * d)..<((i + 1) * d)])
            guard th.allSatisfy(\.isFinite) else {
                throw InferenceError.shape("theta row \(i) is not finite")
            }
            theta.append(th); x.append(row); kept += 1
        }
        return (kept, t.shape[0] - kept)
    }

    /// Trains (or continues training) the estimator on all simulations so far.
    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        guard theta.count >= 2, let c = outputDimension else {
            throw InferenceError.noData("NPE needs at least 2 valid simulations to train; it has \(theta.count)")
        }
        let d = prior.dimension
        let thetaT = Tensor(shape: [theta.count, d], scalars: theta.flatMap { $0 })
        let xT = Tensor(shape: [x.count, c], scalars: x.flatMap { $0 })
        let flow: ConditionalFlow
        if let existing = estimator { flow = existing } else {
            flow = ConditionalFlow(parameterDimension: d, contextDimension: c, configuration: configuration, prior: prior)
            flow.fitStandardization(theta: thetaT, context: xT)
            estimator = flow
        }
        let result = HyloNN.train(flow.parameters, count: theta.count, configuration: settings,
                                  optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
            -flow.logProb(thetaT.selectRows(batch), context: xT.selectRows(batch)).mean()
        }, progress: progress)
        lastTraining = result
        if result.reason == .nonFinite {
            throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
        }
        return result
    }

    /// The posterior, for sampling and evaluation at any observation.
    public func posterior() throws -> Posterior {
        guard let estimator else { throw InferenceError.state("NPE has not been trained") }
        return Posterior(estimator: estimator, prior: prior)
    }
}
