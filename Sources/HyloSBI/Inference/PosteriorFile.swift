import HyloCore
import HyloNN

/// Saving and loading posteriors: one safetensors checkpoint of kind `"posterior"` holding the
/// prior, the estimator's architecture, weights and z-scoring, and (metadata `posterior_type`)
/// whether the estimator is the posterior itself (`direct`, NPE), a likelihood (`likelihood`, NLE)
/// or a ratio classifier (`ratio`, NRE) — the last two with `model_theta = unbounded` when the model
/// sees θ in the prior's unbounded coordinates; an ensemble (`ensemble`) holds its members' checkpoints
/// under `member<k>.`. A loaded posterior samples bit-identically to the saved one for the same seed.
public enum PosteriorFile {
    public static let kind = "posterior"

    /// A checkpoint of an estimator, the prior and the posterior type.
    static func checkpoint(type: String, estimator: (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]),
                           prior: Prior) throws -> Checkpoint {
        let (priorMeta, priorTensors) = try PriorCoding.encode(prior)
        var metadata = estimator.metadata.merging(priorMeta) { a, _ in a }
        metadata["posterior_type"] = type
        return Checkpoint(kind: kind, tensors: estimator.tensors.map { ("estimator.\($0.name)", $0.tensor) }
                              + priorTensors.map { ("prior.\($0.0)", $0.1) },
                          metadata: metadata)
    }

    public static func load(_ ck: Checkpoint) throws -> Posterior {
        if ck.metadata["posterior_type"] == "ensemble" { return try EnsemblePosterior.load(ck) }
        let reader = MetadataReader(checkpoint: ck)
        let prior = try PriorCoding.decode(ck.metadata, reader.values)
        switch ck.metadata["posterior_type"] ?? "direct" {
        case "direct" where ck.metadata["estimator"] == "flow_matching":
            let field = try loadVelocityField(reader)
            guard field.parameterDimension == prior.dimension else {
                throw CheckpointError.inconsistent("the prior has dimension \(prior.dimension), the estimator \(field.parameterDimension)")
            }
            return DirectPosterior(estimator: field, prior: prior)
        case "direct":
            let flow = try loadFlow(reader, prior: prior)
            guard flow.parameterDimension == prior.dimension else {
                throw CheckpointError.inconsistent("the prior has dimension \(prior.dimension), the estimator \(flow.parameterDimension)")
            }
            return DirectPosterior(estimator: flow, prior: prior)
        case "likelihood":
            let flow = try loadFlow(reader, prior: nil)
            guard flow.contextDimension == prior.dimension else {
                throw CheckpointError.inconsistent("the prior has dimension \(prior.dimension), the likelihood is conditioned on \(flow.contextDimension)")
            }
            return PotentialPosterior(model: LikelihoodFlow(flow), prior: prior, unboundedTheta: try modelSeesUnboundedTheta(ck))
        case "ratio":
            let classifier = try loadClassifier(reader)
            guard classifier.parameterDimension == prior.dimension else {
                throw CheckpointError.inconsistent("the prior has dimension \(prior.dimension), the classifier \(classifier.parameterDimension)")
            }
            return PotentialPosterior(model: classifier, prior: prior, unboundedTheta: try modelSeesUnboundedTheta(ck))
        case let other:
            throw CheckpointError.inconsistent("posterior type '\(other)' is not supported")
        }
    }

    static func modelSeesUnboundedTheta(_ ck: Checkpoint) throws -> Bool {
        switch ck.metadata["model_theta"] {
        case nil: return false
        case "unbounded": return true
        case let other?: throw CheckpointError.inconsistent("metadata 'model_theta' is '\(other)', not 'unbounded'")
        }
    }

    /// Metadata fields and tensors of a checkpoint, read with errors that name what is wrong.
    struct MetadataReader {
        let checkpoint: Checkpoint
        let values: [String: Tensor]
        init(checkpoint: Checkpoint) {
            self.checkpoint = checkpoint
            values = Dictionary(checkpoint.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        }
        func field(_ k: String) throws -> String {
            guard let v = checkpoint.metadata[k] else { throw CheckpointError.inconsistent("metadata '\(k)' is missing") }
            return v
        }
        func int(_ k: String, in range: ClosedRange<Int>) throws -> Int {
            guard let v = Int(try field(k)), range.contains(v) else { throw CheckpointError.inconsistent("metadata '\(k)' is invalid") }
            return v
        }
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = values[name], t.shape == shape else { throw CheckpointError.inconsistent("'\(name)' is missing or not of shape \(shape)") }
            return t
        }
        /// The estimator's weights (tensors named `estimator.…`, prefix removed).
        var estimatorWeights: [String: Tensor] {
            var weights: [String: Tensor] = [:]
            for (name, t) in values where name.hasPrefix("estimator.") { weights[String(name.dropFirst("estimator.".count))] = t }
            return weights
        }
        func standardization(_ prefix: String, _ size: Int) throws -> Standardization {
            Standardization(mean: try tensor("estimator.\(prefix)_mean", [size]), std: try tensor("estimator.\(prefix)_std", [size]))
        }
    }

    /// A conditional flow; `prior` is the bijection of a flow over θ in unbounded space.
    static func loadFlow(_ r: MetadataReader, prior: Prior?) throws -> ConditionalFlow {
        guard let kind = FlowConfiguration.Kind(rawValue: try r.field("estimator")) else {
            throw CheckpointError.inconsistent("estimator '\(r.checkpoint.metadata["estimator"] ?? "")' is not supported")
        }
        let d = try r.int("parameter_dimension", in: 1...10_000_000), c = try r.int("context_dimension", in: 1...10_000_000)
        var config = FlowConfiguration(kind)
        config.hiddenFeatures = try r.int("hidden_features", in: 1...65536)
        config.transforms = try r.int("transforms", in: 1...256)
        config.blocks = try r.int("blocks", in: 1...64)
        config.bins = try r.int("bins", in: 1...1024)
        if kind == .mdn { config.components = try r.int("components", in: 1...1024) }
        config.unboundedTheta = r.checkpoint.metadata["unbounded_theta"] == "true"
        if config.unboundedTheta && prior?.dimension != d {
            throw CheckpointError.inconsistent("an estimator in unbounded coordinates needs the prior of its variable")
        }
        config.embeddingFeatures = try r.int("embedding_features", in: 0...65536)
        config.embeddingHiddenFeatures = try r.int("embedding_hidden_features", in: 1...65536)
        config.embeddingHiddenLayers = try r.int("embedding_hidden_layers", in: 0...64)
        guard let bound = Double(try r.field("tail_bound")), bound > 0, bound.isFinite else {
            throw CheckpointError.inconsistent("metadata 'tail_bound' is invalid")
        }
        config.tailBound = bound
        var permutations: [[Int]]?
        if kind == .maf {
            let stored = try r.field("permutations").split(separator: ";").map { $0.split(separator: ",").compactMap { Int($0) } }
            guard stored.count == config.transforms, stored.allSatisfy({ $0.sorted() == Array(0..<d) }) else {
                throw CheckpointError.inconsistent("the stored permutations do not fit \(config.transforms) transforms of dimension \(d)")
            }
            permutations = stored
        }
        let flow = ConditionalFlow(parameterDimension: d, contextDimension: c, configuration: config, prior: prior,
                                   permutations: permutations)
        do { try flow.loadStateDict(r.estimatorWeights) } catch { throw CheckpointError.inconsistent("\(error)") }
        flow.setStandardization(theta: try r.standardization("theta", d), context: try r.standardization("x", c))
        return flow
    }

    static func loadVelocityField(_ r: MetadataReader) throws -> FlowMatchingEstimator {
        var config = FlowMatchingEstimator.Configuration()
        config.hiddenFeatures = try r.int("hidden_features", in: 1...65536)
        config.blocks = try r.int("blocks", in: 1...64)
        config.frequencies = try r.int("frequencies", in: 0...30)
        config.steps = try r.int("steps", in: 1...100_000)
        guard let sigma = Double(try r.field("sigma_min")), sigma >= 0, sigma < 1 else {
            throw CheckpointError.inconsistent("metadata 'sigma_min' is invalid")
        }
        config.sigmaMin = sigma
        let d = try r.int("parameter_dimension", in: 1...10_000_000), c = try r.int("context_dimension", in: 1...10_000_000)
        let field = FlowMatchingEstimator(parameterDimension: d, contextDimension: c, configuration: config)
        do { try field.loadStateDict(r.estimatorWeights) } catch { throw CheckpointError.inconsistent("\(error)") }
        field.setStandardization(theta: try r.standardization("theta", d), x: try r.standardization("x", c))
        return field
    }

    static func loadClassifier(_ r: MetadataReader) throws -> RatioClassifier {
        guard let network = RatioClassifier.Configuration.Network(rawValue: try r.field("classifier")) else {
            throw CheckpointError.inconsistent("classifier '\(r.checkpoint.metadata["classifier"] ?? "")' is not supported")
        }
        var config = RatioClassifier.Configuration(network)
        config.hiddenFeatures = try r.int("hidden_features", in: 1...65536)
        config.blocks = try r.int("blocks", in: 1...64)
        config.legacyResidualForm = network == .resnet && r.checkpoint.metadata["residual_form"] == nil
        let d = try r.int("parameter_dimension", in: 1...10_000_000), c = try r.int("observation_dimension", in: 1...10_000_000)
        let classifier = RatioClassifier(parameterDimension: d, observationDimension: c, configuration: config)
        do { try classifier.loadStateDict(r.estimatorWeights) } catch { throw CheckpointError.inconsistent("\(error)") }
        classifier.setStandardization(theta: try r.standardization("theta", d), x: try r.standardization("x", c))
        return classifier
    }
}

extension DirectPosterior {
    public func checkpoint() throws -> Checkpoint {
        try PosteriorFile.checkpoint(type: "direct", estimator: estimator.checkpointContents(), prior: prior)
    }
}

extension PotentialPosterior {
    public func checkpoint() throws -> Checkpoint {
        var contents = model.checkpointContents()
        if unboundedTheta { contents.metadata["model_theta"] = "unbounded" }
        return try PosteriorFile.checkpoint(type: model is RatioClassifier ? "ratio" : "likelihood", estimator: contents, prior: prior)
    }
}

/// Priors as checkpoint metadata and tensors.
enum PriorCoding {
    static func encode(_ prior: Prior) throws -> ([String: String], [(String, Tensor)]) {
        if let p = prior as? IndependentPrior {
            let text = p.marginals.map { m -> String in
                switch m {
                case .uniform: return "uniform"
                case .normal: return "normal"
                case .logNormal: return "lognormal"
                case .gamma: return "gamma"
                case .beta: return "beta"
                }
            }.joined(separator: ",")
            let params = p.marginals.flatMap { m -> [Double] in
                switch m {
                case .uniform(let a, let b), .normal(let a, let b), .logNormal(let a, let b), .gamma(let a, let b), .beta(let a, let b): return [a, b]
                }
            }
            return (["prior": "independent", "prior_marginals": text], [("parameters", Tensor(shape: [p.dimension, 2], scalars: params))])
        }
        if let g = prior as? GaussianPrior {
            return (["prior": "gaussian"], [("mean", g.mean), ("covariance", g.covariance)])
        }
        throw InferenceError.state("this prior cannot be saved")
    }

    static func decode(_ meta: [String: String], _ values: [String: Tensor]) throws -> Prior {
        switch meta["prior"] {
        case "independent":
            let kinds = (meta["prior_marginals"] ?? "").split(separator: ",").map(String.init)
            guard let p = values["prior.parameters"], p.shape == [kinds.count, 2], !kinds.isEmpty else {
                throw CheckpointError.inconsistent("the prior's parameters do not match its marginals")
            }
            let marginals = try kinds.enumerated().map { i, k -> Marginal in
                let (a, b) = (p.scalars[2 * i], p.scalars[2 * i + 1])
                let m: Marginal
                switch k {
                case "uniform": m = .uniform(low: a, high: b)
                case "normal": m = .normal(mean: a, std: b)
                case "lognormal": m = .logNormal(mu: a, sigma: b)
                case "gamma": m = .gamma(shape: a, rate: b)
                case "beta": m = .beta(a: a, b: b)
                default: throw CheckpointError.inconsistent("unknown marginal '\(k)'")
                }
                if let why = m.invalidReason { throw CheckpointError.inconsistent("prior marginal \(i): \(why)") }
                return m
            }
            return IndependentPrior(marginals)
        case "gaussian":
            guard let mean = values["prior.mean"], mean.rank == 1, let cov = values["prior.covariance"],
                  cov.shape == [mean.count, mean.count] else {
                throw CheckpointError.inconsistent("the Gaussian prior's mean or covariance is missing")
            }
            let rows = (0..<mean.count).map { i in Array(cov.scalars[(i * mean.count)..<((i + 1) * mean.count)]) }
            do { return try GaussianPrior(mean: mean.scalars.array, covariance: rows) } catch {
                throw CheckpointError.inconsistent("the Gaussian prior's covariance is not positive definite")
            }
        default:
            throw CheckpointError.inconsistent("unknown prior '\(meta["prior"] ?? "")'")
        }
    }
}
