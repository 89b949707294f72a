import HyloCore
import HyloNN

/// What NPE, NLE and NRE share: simulations in, a trained estimator, a posterior out.
public protocol NeuralInference: AnyObject {
    var prior: Prior { get }
    /// Simulations left out because x was not finite.
    var excludedCount: Int { get }
    var lastTraining: TrainingResult? { get }
    @discardableResult
    func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int)
    @discardableResult
    func train(_ settings: TrainingConfiguration, progress: (EpochReport) -> Bool) throws -> TrainingResult
    /// The posterior of the current estimator (sharing its weights).
    func buildPosterior() throws -> Posterior
}

extension NPE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
extension NLE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
extension NRE: NeuralInference { public func buildPosterior() throws -> Posterior { try posterior() } }
