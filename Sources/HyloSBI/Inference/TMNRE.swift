import Glibc
import HyloCore
import HyloNN

/// Truncated marginal neural ratio estimation (TMNRE; Miller et al. 2021, the method of swyft): one
/// ratio classifier per parameter (and per chosen pair), trained together on shared simulations, and
/// rounds that truncate the prior to a box around one observation.
///
/// Each marginal k over parameters Iₖ estimates log r(θ_Iₖ, x) = log p(θ_Iₖ | x) / p(θ_Iₖ) (the NRE-A
/// loss by default, as swyft's binary classifier); its marginal posterior at xₒ is the truncated
/// prior weighted by r. `truncate(at:)` shrinks the box, for every parameter j, to where its 1-D
/// marginal ratio exceeds `threshold` × its maximum over draws from the current truncated prior; the
/// next round simulates from the prior restricted to that box, and training uses the simulations
/// inside the box (those of earlier rounds inside it are distributed as the restricted prior too).
public final class TMNRE {
    public let prior: Prior
    /// Parameter indices of each marginal.
    public let marginals: [[Int]]
    public let configuration: RatioClassifier.Configuration
    public let loss: RatioLoss
    /// The truncation box (−∞ … ∞ before the first truncation).
    public private(set) var low: [Double]
    public private(set) var high: [Double]
    var simulations: SimulationSet
    public private(set) var classifiers: [RatioClassifier] = []
    public private(set) var lastTraining: TrainingResult?

    /// Marginals default to every single parameter.
    public init(prior: Prior, marginals: [[Int]]? = nil, configuration: RatioClassifier.Configuration = .init(),
                loss: RatioLoss = .a) throws {
        let d = prior.dimension
        let m = marginals ?? (0..<d).map { [$0] }
        guard !m.isEmpty, m.allSatisfy({ !$0.isEmpty && Set($0).count == $0.count && $0.allSatisfy { (0..<d).contains($0) } }) else {
            throw InferenceError.shape("each marginal must list distinct parameter indices in 0..<\(d)")
        }
        if let why = loss.invalidReason { throw InferenceError.state(why) }
        self.prior = prior
        self.marginals = m
        self.configuration = configuration
        self.loss = loss
        low = [Double](repeating: -.infinity, count: d)
        high = [Double](repeating: .infinity, count: d)
        simulations = SimulationSet(parameterDimension: d)
    }

    public var excludedCount: Int { simulations.excluded }

    @discardableResult
    public func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        try simulations.append(theta: theta, x: x, expected: classifiers.first?.observationDimension)
    }

    /// Whether each row of θ lies in the truncation box.
    public func insideBox(_ theta: Tensor) -> [Bool] {
        let d = prior.dimension
        return (0..<theta.shape[0]).map { i in (0..<d).allSatisfy { theta.scalars[i * d + $0] >= low[$0] && theta.scalars[i * d + $0] <= high[$0] } }
    }

    /// Trains every marginal's classifier, jointly (the sum of their losses), on the simulations in the box.
    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        let (allTheta, allX) = simulations.tensors
        let rows = insideBox(allTheta).enumerated().compactMap { $0.element ? $0.offset : nil }
        let draws = loss.contrastiveDraws
        guard rows.count >= 2 * (draws + 1), let c = simulations.observationDimension else {
            throw InferenceError.noData("TMNRE needs at least \(2 * (draws + 1)) valid simulations inside the truncation box; it has \(rows.count)")
        }
        guard settings.batchSize > draws else {
            throw InferenceError.state("the training batch size must exceed the \(draws) contrastive draws per simulation")
        }
        let (theta, x) = (allTheta.selectRows(rows), allX.selectRows(rows))
        let parts = marginals.map { columns(theta, $0) }
        if classifiers.isEmpty {
            classifiers = marginals.enumerated().map { k, m in
                var config = configuration
                config.seed = configuration.seed &+ UInt64(k)
                let r = RatioClassifier(parameterDimension: m.count, observationDimension: c, configuration: config)
                r.fitStandardization(theta: parts[k], x: x)
                return r
            }
        }
        var rng = Philox(seed: settings.seed, stream: 0x746d_6e72)
        let (loss, classifiers) = (self.loss, self.classifiers)
        let result = HyloNN.train(classifiers.flatMap(\.parameters), count: rows.count, configuration: settings,
                                  optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
            let xb = x.selectRows(batch)
            return classifiers.indices.map { k in
                ratioLoss(loss, classifier: classifiers[k], theta: parts[k].selectRows(batch), x: xb, rng: &rng)
            }.reduce(Tensor(0), +)
        }, progress: progress)
        lastTraining = result
        if result.reason == .nonFinite {
            throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
        }
        return result
    }

    /// Up to n prior draws inside the box, proposing at most `maxProposals` (default max(100 n, 10⁶)).
    public func sampleTruncatedPrior(_ n: Int, maxProposals: Int? = nil, rng: inout Philox) -> (samples: Tensor, report: SamplingReport) {
        rejectionSample(n, dimension: prior.dimension, budget: maxProposals ?? Swift.max(100 * n, 1_000_000),
                        batch: (minimum: 64, maximum: 100_000), minimumRate: 0.001,
                        propose: { prior.sample($0, rng: &rng) }, accept: insideBox)
    }

    /// log r of marginal k at θ rows (all parameters) and one observation.
    public func logRatio(marginal k: Int, theta: Tensor, x: Tensor) -> [Double] {
        chunkedWithoutGradients(theta) { classifiers[k].logLikelihood(columns($0, marginals[k]), x: x) }
    }

    /// Shrinks the box for the observation x: for each parameter j with a 1-D marginal, to the range of
    /// `samples` truncated-prior draws whose log ratio is within log(1/threshold) of the largest.
    /// - Returns: the new box.
    @discardableResult
    public func truncate(at x: Tensor, threshold: Double = 1e-6, samples: Int = 100_000, rng: inout Philox) throws -> (low: [Double], high: [Double]) {
        guard !classifiers.isEmpty else { throw InferenceError.state("TMNRE has not been trained") }
        guard threshold > 0 && threshold < 1 else { throw InferenceError.state("the truncation threshold must lie in (0, 1)") }
        let (draws, report) = sampleTruncatedPrior(samples, rng: &rng)
        guard report.accepted > 0 else { throw InferenceError.state("no prior draw falls in the truncation box") }
        let d = prior.dimension
        for (k, m) in marginals.enumerated() where m.count == 1 {
            let j = m[0]
            let lr = logRatio(marginal: k, theta: draws, x: x)
            let cut = lr.max()! + Glibc.log(threshold)
            let values = lr.indices.filter { lr[$0] >= cut }.map { draws.scalars[$0 * d + j] }
            low[j] = Swift.max(low[j], values.min()!)
            high[j] = Swift.min(high[j], values.max()!)
        }
        return (low, high)
    }

    /// n draws of marginal k's parameters from the truncated prior with their normalized weights
    /// ∝ r(θ, x): a weighted sample of the marginal posterior at x.
    public func marginalSamples(_ k: Int, x: Tensor, n: Int, rng: inout Philox) throws -> (samples: Tensor, weights: [Double]) {
        guard classifiers.indices.contains(k) else { throw InferenceError.state("TMNRE has no trained marginal \(k)") }
        let (draws, report) = sampleTruncatedPrior(n, rng: &rng)
        guard report.status == .complete else { throw InferenceError.state("the truncated prior gave only \(report.accepted) of \(n) draws") }
        let lr = logRatio(marginal: k, theta: draws, x: x)
        let top = lr.max() ?? 0
        let w = lr.map { Glibc.exp($0 - top) }, total = w.reduce(0, +)
        return (columns(draws, marginals[k]), w.map { $0 / total })
    }
}

/// The columns `indices` of θ `[n, d]`.
func columns(_ theta: Tensor, _ indices: [Int]) -> Tensor {
    Tensor.concatenate(indices.map { theta.slice(axis: 1, start: $0, end: $0 + 1) }, axis: 1)
}

extension TMNRE {
    public static let checkpointKind = "tmnre"

    /// The prior, marginals, box and classifiers (not the simulations): enough to truncate and to
    /// sample marginals in another process, bit-identically.
    public func checkpoint() throws -> Checkpoint {
        guard !classifiers.isEmpty else { throw InferenceError.state("TMNRE has not been trained") }
        let (priorMeta, priorTensors) = try PriorCoding.encode(prior)
        var metadata = priorMeta
        switch loss {
        case .a: metadata["loss"] = "a"
        case .b(let atoms): metadata["loss"] = "b:\(atoms)"
        case .c(let k, let gamma): metadata["loss"] = "c:\(k):\(gamma)"
        case .balanced(let lambda): metadata["loss"] = "balanced:\(lambda)"
        }
        metadata["marginals"] = marginals.map { $0.map(String.init).joined(separator: ",") }.joined(separator: ";")
        metadata["box_low"] = low.map { "\($0)" }.joined(separator: ",")
        metadata["box_high"] = high.map { "\($0)" }.joined(separator: ",")
        var tensors = priorTensors.map { (name: "prior.\($0.0)", tensor: $0.1) }
        for (k, classifier) in classifiers.enumerated() {
            let (meta, weights) = classifier.checkpointContents()
            for (key, value) in meta { metadata["marginal\(k).\(key)"] = value }
            tensors += weights.map { (name: "marginal\(k).\($0.name)", tensor: $0.tensor) }
        }
        return Checkpoint(kind: TMNRE.checkpointKind, tensors: tensors, metadata: metadata)
    }

    public static func load(_ ck: Checkpoint) throws -> TMNRE {
        let reader = PosteriorFile.MetadataReader(checkpoint: ck)
        let prior = try PriorCoding.decode(ck.metadata, reader.values)
        let marginals = try reader.field("marginals").split(separator: ";").map { $0.split(separator: ",").compactMap { Int($0) } }
        let parts = (ck.metadata["loss"] ?? "").split(separator: ":").map(String.init)
        let loss: RatioLoss
        switch (parts.first, parts.count) {
        case ("a", 1): loss = .a
        case ("b", 2): loss = .b(atoms: Int(parts[1]) ?? 0)
        case ("c", 3): loss = .c(classes: Int(parts[1]) ?? 0, gamma: Double(parts[2]) ?? 0)
        case ("balanced", 2): loss = .balanced(regularization: Double(parts[1]) ?? -1)
        default: throw CheckpointError.inconsistent("metadata 'loss' is missing or invalid")
        }
        let t: TMNRE
        do { t = try TMNRE(prior: prior, marginals: marginals, loss: loss) } catch { throw CheckpointError.inconsistent("\(error)") }
        let low = try reader.field("box_low").split(separator: ",").compactMap { Double($0) }
        let high = try reader.field("box_high").split(separator: ",").compactMap { Double($0) }
        guard low.count == prior.dimension, high.count == prior.dimension else { throw CheckpointError.inconsistent("the truncation box does not fit the prior") }
        (t.low, t.high) = (low, high)
        t.classifiers = try marginals.indices.map { k in
            let prefix = "marginal\(k)."
            let sub = Checkpoint(kind: ck.kind,
                                 tensors: ck.tensors.filter { $0.name.hasPrefix(prefix) }.map { ("estimator." + $0.name.dropFirst(prefix.count), $0.tensor) },
                                 metadata: Dictionary(uniqueKeysWithValues: ck.metadata.filter { $0.key.hasPrefix(prefix) }
                                     .map { (String($0.key.dropFirst(prefix.count)), $0.value) }))
            let classifier = try PosteriorFile.loadClassifier(PosteriorFile.MetadataReader(checkpoint: sub))
            guard classifier.parameterDimension == marginals[k].count else {
                throw CheckpointError.inconsistent("marginal \(k)'s classifier has dimension \(classifier.parameterDimension), not \(marginals[k].count)")
            }
            return classifier
        }
        return t
    }
}
