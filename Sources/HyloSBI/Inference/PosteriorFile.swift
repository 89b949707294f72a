import HyloCore
import HyloNN

/// Saving and loading posteriors: one safetensors checkpoint of kind `"posterior"` holding the
/// prior, the estimator's architecture, weights and z-scoring, so that a loaded posterior samples
/// bit-identically to the saved one for the same seed.
extension Posterior {
    public static let checkpointKind = "posterior"

    public func checkpoint() throws -> Checkpoint {
        guard let flow = estimator as? ConditionalFlow else {
            throw InferenceError.state("only flow posteriors can be saved")
        }
        let (meta, tensors) = flow.checkpointContents()
        let (priorMeta, priorTensors) = try PriorCoding.encode(prior)
        return Checkpoint(kind: Posterior.checkpointKind,
                          tensors: tensors.map { ("estimator.\($0.name)", $0.tensor) } + priorTensors.map { ("prior.\($0.0)", $0.1) },
                          metadata: meta.merging(priorMeta) { a, _ in a })
    }

    public static func load(_ ck: Checkpoint) throws -> Posterior {
        func field(_ k: String) throws -> String {
            guard let v = ck.metadata[k] else { throw CheckpointError.inconsistent("metadata '\(k)' is missing") }
            return v
        }
        func int(_ k: String, in range: ClosedRange<Int>) throws -> Int {
            guard let v = Int(try field(k)), range.contains(v) else { throw CheckpointError.inconsistent("metadata '\(k)' is invalid") }
            return v
        }
        guard let kind = FlowConfiguration.Kind(rawValue: try field("estimator")) else {
            throw CheckpointError.inconsistent("estimator '\(ck.metadata["estimator"] ?? "")' is not supported")
        }
        let d = try int("parameter_dimension", in: 1...100_000), c = try int("context_dimension", in: 1...10_000_000)
        var config = FlowConfiguration(kind)
        config.hiddenFeatures = try int("hidden_features", in: 1...65536)
        config.transforms = try int("transforms", in: 1...256)
        config.blocks = try int("blocks", in: 1...64)
        config.bins = try int("bins", in: 1...1024)
        if kind == .mdn { config.components = try int("components", in: 1...1024) }
        config.unboundedTheta = ck.metadata["unbounded_theta"] == "true"
        config.embeddingFeatures = try int("embedding_features", in: 0...65536)
        config.embeddingHiddenFeatures = try int("embedding_hidden_features", in: 1...65536)
        config.embeddingHiddenLayers = try int("embedding_hidden_layers", in: 0...64)
        guard let bound = Double(try field("tail_bound")), bound > 0, bound.isFinite else {
            throw CheckpointError.inconsistent("metadata 'tail_bound' is invalid")
        }
        config.tailBound = bound
        var permutations: [[Int]]?
        if kind == .maf {
            let stored = try field("permutations").split(separator: ";").map { $0.split(separator: ",").compactMap { Int($0) } }
            guard stored.count == config.transforms, stored.allSatisfy({ $0.sorted() == Array(0..<d) }) else {
                throw CheckpointError.inconsistent("the stored permutations do not fit \(config.transforms) transforms of dimension \(d)")
            }
            permutations = stored
        }
        let values = Dictionary(ck.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = values[name], t.shape == shape else { throw CheckpointError.inconsistent("'\(name)' is missing or not of shape \(shape)") }
            return t
        }
        let prior = try PriorCoding.decode(ck.metadata, values)
        guard prior.dimension == d else { throw CheckpointError.inconsistent("the prior has dimension \(prior.dimension), the estimator \(d)") }
        let flow = ConditionalFlow(parameterDimension: d, contextDimension: c, configuration: config, prior: prior,
                                   permutations: permutations)
        var weights: [String: Tensor] = [:]
        for (name, t) in values where name.hasPrefix("estimator.") { weights[String(name.dropFirst("estimator.".count))] = t }
        do { try flow.loadStateDict(weights) } catch { throw CheckpointError.inconsistent("\(error)") }
        flow.setStandardization(theta: Standardization(mean: try tensor("estimator.theta_mean", [d]), std: try tensor("estimator.theta_std", [d])),
                                context: Standardization(mean: try tensor("estimator.x_mean", [c]), std: try tensor("estimator.x_std", [c])))
        return Posterior(estimator: flow, prior: prior)
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
