import HyloCore
import HyloNN

/// What every simulation-trained estimator shares: simulations in, training.
public protocol SimulationTrainer: AnyObject {
    var prior: Prior { get }
    /// Simulations left out because x was not finite.
    var excludedCount: Int { get }
    var lastTraining: TrainingResult? { get }
    @discardableResult
    func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int)
    @discardableResult
    func train(_ settings: TrainingConfiguration, progress: (EpochReport) -> Bool) throws -> TrainingResult
}

/// What NPE, NLE, NRE and FMPE share: a trainer whose estimator gives a posterior.
public protocol NeuralInference: SimulationTrainer {
    /// The posterior of the current estimator (sharing its weights).
    func buildPosterior() throws -> Posterior
}

extension TMNRE: SimulationTrainer {}

extension NPE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
extension NLE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
extension NRE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
