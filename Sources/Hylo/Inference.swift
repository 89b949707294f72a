import CHylo
import HyloCore
import HyloNN
import HyloSBI

/// The ABI entries NPE, NLE, NRE, FMPE (and, but for the posterior, TMNRE) share: simulations in,
/// training, the posterior out.
enum InferenceABI {
    /// The flow options of NPE and NLE (sbi's names and defaults).
    static func flowConfiguration(_ o: inout OptionReader) throws -> FlowConfiguration {
        let kind = FlowConfiguration.Kind(rawValue: try o.choice("density_estimator", default: "maf",
                                                                 from: FlowConfiguration.Kind.allCases.map(\.rawValue)))!
        var config = FlowConfiguration(kind)
        config.hiddenFeatures = try o.int("hidden_features", default: 50, in: 1...4096)
        config.transforms = try o.int("num_transforms", default: 5, in: 1...64)
        config.blocks = try o.int("num_blocks", default: 2, in: 1...16)
        config.bins = try o.int("num_bins", default: 10, in: 2...256)
        config.tailBound = try o.double("tail_bound", default: 3, in: 0...1e6, excludingLower: true)
        config.components = try o.int("num_components", default: 10, in: 1...256)
        config.embeddingFeatures = try o.int("embedding_features", default: 0, in: 0...65536)
        config.embeddingHiddenFeatures = try o.int("embedding_hidden_features", default: 50, in: 1...65536)
        config.embeddingHiddenLayers = try o.int("embedding_hidden_layers", default: 2, in: 0...64)
        config.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        return config
    }

    /// The loss and classifier options of NRE and TMNRE (sbi's names).
    static func ratioEstimator(_ o: inout OptionReader, defaultLoss: String) throws -> (RatioLoss, RatioClassifier.Configuration) {
        let lossName = try o.choice("loss", default: defaultLoss, from: ["nre_a", "nre_b", "nre_c", "bnre"])
        let loss: RatioLoss
        switch lossName {
        case "nre_a": loss = .a
        case "nre_c": loss = .c(classes: try o.int("num_classes", default: 5, in: 1...10_000),
                                gamma: try o.double("gamma", default: 1, in: 0...1e12, excludingLower: true))
        case "bnre": loss = .balanced(regularization: try o.double("regularization_strength", default: 100, in: 0...1e12))
        default: loss = .b(atoms: try o.int("num_atoms", default: 10, in: 2...10_000))
        }
        var config = RatioClassifier.Configuration(RatioClassifier.Configuration.Network(
            rawValue: try o.choice("classifier", default: "resnet", from: RatioClassifier.Configuration.Network.allCases.map(\.rawValue)))!)
        config.hiddenFeatures = try o.int("hidden_features", default: 50, in: 1...4096)
        config.blocks = try o.int("num_blocks", default: 2, in: 1...64)
        config.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        return (loss, config)
    }

    /// The calibration options of NPE and NRE training (none by default).
    static func coverageRegularizer(_ o: inout OptionReader) throws -> CoverageRegularizer? {
        let target = try o.choice("calibration", default: "none", from: ["none"] + CoverageRegularizer.Target.allCases.map(\.rawValue))
        let strength = try o.double("calibration_strength", default: 20, in: 0...1e6)
        let samples = try o.int("calibration_samples", default: 16, in: 1...4096)
        let pairs = try o.int("calibration_pairs", default: 64, in: 2...1 << 20)
        let temperature = try o.double("calibration_temperature", default: 0.5, in: 0...1e6, excludingLower: true)
        guard let t = CoverageRegularizer.Target(rawValue: target) else { return nil }
        var r = CoverageRegularizer(t)
        (r.strength, r.samples, r.pairs, r.temperature) = (strength, samples, pairs, temperature)
        return r
    }

    /// Refuses an MDN whose output layer would exceed 2^28 weights.
    static func checkMixtureSize(_ config: FlowConfiguration, variables d: Int) throws {
        guard config.kind == .mdn else { return }
        // The mixture head's output layer: K (1 + 2d + d(d − 1)/2) units per hidden unit.
        let outputs = config.components * (1 + 2 * d + d * (d - 1) / 2)
        guard outputs.multipliedReportingOverflow(by: config.hiddenFeatures).partialValue <= 1 << 28, outputs <= 1 << 28 else {
            throw HyloError.option("an MDN of \(config.components) components over \(d) variables needs \(outputs) outputs per hidden unit; "
                                   + "with \(config.hiddenFeatures) hidden features that exceeds 2^28 weights (use maf or nsf, or fewer components)")
        }
    }

    /// Appends checked simulations; `fromProposal`: θ drawn from a proposal other than the prior (NPE only).
    static func appendSimulations(_ model: SimulationTrainer, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                  _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?, fromProposal: Bool = false) throws {
        try Check.positive(n, "n", max: 1 << 36)
        try Check.positive(dimX, "dim_x", max: 1 << 24)
        let d = model.prior.dimension
        let t = try Check.array(theta, count: try Check.product(n, d, "n × dim_theta"), "theta")
        let xs = try Check.array(x, count: try Check.product(n, dimX, "n × dim_x"), "x", finite: false)
        try append(model, Tensor(shape: [n, d], scalars: t), Tensor(shape: [n, dimX], scalars: xs), nExcluded, fromProposal: fromProposal)
    }

    static func append(_ model: SimulationTrainer, _ theta: Tensor, _ x: Tensor, _ nExcluded: UnsafeMutablePointer<Int>?,
                       fromProposal: Bool = false) throws {
        // Not `nExcluded?.pointee = try …`: optional chaining would skip the call when the pointer is NULL.
        let excluded: Int
        do {
            if fromProposal, let npe = model as? NPE {
                excluded = try npe.appendProposalSimulations(theta: theta, x: x).excluded
            } else {
                excluded = try model.appendSimulations(theta: theta, x: x).excluded
            }
        } catch let e as InferenceError {
            throw HyloError(HYLO_E_SHAPE, e.description)
        }
        nExcluded?.pointee = excluded
    }

    static func train(_ model: SimulationTrainer, _ name: String, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                      _ userData: UnsafeMutableRawPointer?) throws {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var c = NPE.defaultTraining
        c.batchSize = try o.int("training_batch_size", default: 200, in: 1...(1 << 30))
        c.learningRate = try o.double("learning_rate", default: 5e-4, in: 0...10, excludingLower: true)
        c.validationFraction = try o.double("validation_fraction", default: 0.1, in: 0...0.5)
        c.patience = try o.int("stop_after_epochs", default: 20, in: 1...(1 << 30))
        c.maxEpochs = try o.int("max_num_epochs", default: Int(Int32.max), in: 1...Int(Int32.max))
        let clip = try o.double("clip_max_norm", default: 5, in: 0...1e300)
        c.clipNorm = clip > 0 ? clip : nil
        c.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        if let npe = model as? NPE { npe.atoms = try o.int("num_atoms", default: 10, in: 2...10_000) }
        if model is NPE || model is NRE {
            let regularizer = try coverageRegularizer(&o)
            (model as? NPE)?.coverageRegularizer = regularizer
            (model as? NRE)?.coverageRegularizer = regularizer
        }
        try o.finish()
        let result: TrainingResult
        do {
            result = try "train".withCString { stage in
                try model.train(c) { r in
                    guard let progress else { return true }
                    return progress(stage, Int64(r.epoch), Int64(r.maxEpochs), r.validationLoss, userData) == 0
                }
            }
        } catch let e as InferenceError {
            switch e {
            case .numerical: throw HyloError(HYLO_E_NUMERICAL, e.description + "; lower learning_rate")
            default: throw HyloError(HYLO_E_STATE, e.description)
            }
        }
        if result.reason == .cancelled {
            throw HyloError(HYLO_E_CANCELLED, "cancelled by the progress callback after \(result.epochs) epochs; the best weights so far are kept")
        }
    }

    static func trainingResult(_ model: SimulationTrainer, _ name: String, _ epochs: UnsafeMutablePointer<Int64>?,
                               _ bestLoss: UnsafeMutablePointer<Double>?,
                               _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) throws {
        guard let r = model.lastTraining else { throw HyloError(HYLO_E_STATE, "\(name) has not been trained") }
        epochs?.pointee = Int64(r.epochs)
        bestLoss?.pointee = r.bestValidationLoss
        stopReason?.pointee = staticCString(r.reason.rawValue)
    }

    /// An independent copy of the model's posterior: later training must not change it.
    static func buildPosterior(_ model: NeuralInference, _ out: UnsafeMutablePointer<OpaquePointer?>?) throws {
        let out = try Check.pointer(out, "out")
        let posterior: Posterior
        do { posterior = try PosteriorFile.load(try model.buildPosterior().checkpoint()) } catch let e as InferenceError {
            throw HyloError(HYLO_E_STATE, e.description)
        }
        out.pointee = Handle.make(posterior as AnyObject)
    }

    static func appendNPY(_ model: SimulationTrainer, _ thetaPath: UnsafePointer<CChar>?, _ xPath: UnsafePointer<CChar>?,
                          _ nExcluded: UnsafeMutablePointer<Int>?) throws {
        let theta = try readNPY(thetaPath, "theta_path"), x = try readNPY(xPath, "x_path")
        if let i = theta.scalars.firstIndex(where: { !$0.isFinite }) {
            throw HyloError(HYLO_E_NOT_FINITE, "theta[\(i)] in the file is \(theta.scalars[i]); values must be finite")
        }
        try append(model, theta, x, nExcluded)
    }
}
