import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_posterior_free(_ posterior: OpaquePointer?) { Handle.release(posterior, as: AnyObject.self) }

@c @implementation
public func hylo_posterior_dimensions(_ posterior: OpaquePointer?, _ dimTheta: UnsafeMutablePointer<Int>?,
                                      _ dimX: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_posterior_dimensions") {
        let p = try Handle.posterior(posterior)
        dimTheta?.pointee = p.parameterDimension
        dimX?.pointee = p.observationDimension
    }
}

@c @implementation
public func hylo_posterior_method(_ posterior: OpaquePointer?, _ method: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_posterior_method") {
        let p = try Handle.posterior(posterior)
        let name = p is EnsemblePosterior ? "ensemble"
            : (p as? DirectPosterior)?.estimator is FlowMatchingEstimator ? "fmpe"
            : p is DirectPosterior ? "npe" : (p as? PotentialPosterior)?.model is RatioClassifier ? "nre" : "nle"
        try Check.pointer(method, "method").pointee = staticCString(name)
    }
}

@c @implementation
public func hylo_posterior_ensemble_create(_ members: UnsafePointer<OpaquePointer?>?, _ count: Int, _ weights: UnsafePointer<Double>?,
                                           _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_posterior_ensemble_create") {
        let out = try Check.pointer(out, "out")
        try Check.positive(count, "n_members", max: 1000)
        let handles = try Check.pointer(members, "members")
        let posteriors = try (0..<count).map { try Handle.posterior(handles[$0], "members[\($0)]") }
        let w = try weights.map { try Check.array($0, count: count, "weights") }
        do { out.pointee = Handle.make(try EnsemblePosterior(members: posteriors, weights: w) as AnyObject) }
        catch let e as InferenceError { throw HyloError(HYLO_E_SHAPE, e.description) }
    }
}

/// Reads an observation, checking its length against the posterior.
private func observation(_ p: Posterior, _ x: UnsafePointer<Double>?, _ dimX: Int) throws -> Tensor {
    guard dimX == p.observationDimension else {
        throw HyloError(HYLO_E_SHAPE, "x has \(dimX) values; the posterior was trained on \(p.observationDimension)")
    }
    return Tensor(try Check.array(x, count: dimX, "x"))
}

/// The sampling options: "sample_with" and the options of that method (others are refused). An
/// ensemble without "sample_with" lets each member use its own default method, with the direct and
/// MCMC options given.
private func samplingSettings(_ o: inout OptionReader, _ p: Posterior, n: Int, mcmcOnly: Bool) throws -> SamplingSettings {
    let ensemble = p as? EnsemblePosterior
    let direct = p is DirectPosterior || ensemble?.isDirect == true
    var s = SamplingSettings()
    let methods = direct ? SamplingSettings.Method.allCases : [.mcmc, .importance]
    let chosen = mcmcOnly ? "mcmc" : try o.optionalChoice("sample_with", from: methods.map(\.rawValue))
    s.method = (chosen ?? (ensemble != nil ? nil : direct ? "direct" : "mcmc")).map { SamplingSettings.Method(rawValue: $0)! }
    if s.method == .direct || s.method == nil {
        s.maxProposals = try o.int("max_proposals", default: max(100 * n, 100_000), in: 1...(1 << 40))
    }
    if s.method == .importance {
        s.oversampling = try o.int("oversampling_factor", default: 32, in: 1...(1 << 20))
        _ = try Check.product(n, s.oversampling, "n × oversampling_factor")
    }
    if s.method == .mcmc || (s.method == nil && ensemble?.isDirect == false) {
        var m = MCMCSettings(MCMCSettings.Method(rawValue: try o.choice("mcmc_method", default: "slice",
                                                                         from: MCMCSettings.Method.allCases.map(\.rawValue)))!)
        m.chains = try o.int("num_chains", default: 20, in: 1...100_000)
        m.warmup = try o.int("warmup_steps", default: 200, in: 0...(1 << 30))
        m.thin = try o.int("thin", default: 1, in: 1...(1 << 20))
        let start = try o.choice("init_strategy", default: "resample", from: ["resample", "prior"])
        let candidates = try o.int("num_candidate_samples", default: 10_000, in: 1...(1 << 26))
        m.initialization = start == "prior" ? .prior : .resample(candidates: candidates)
        let seconds = try o.double("max_seconds", default: 0, in: 0...1e9)
        m.maxSeconds = seconds > 0 ? seconds : nil
        m.sliceWidth = try o.double("slice_width", default: 0.01, in: 0...1e6, excludingLower: true)
        m.leapfrogSteps = try o.int("num_leapfrog_steps", default: 10, in: 1...10_000)
        m.maxTreeDepth = try o.int("max_tree_depth", default: 10, in: 1...20)
        m.targetAcceptance = try o.double("target_acceptance", default: 0.8, in: 0.01...0.99)
        _ = try Check.product(n + m.chains * m.thin, p.parameterDimension, "n × dim_theta")
        s.mcmc = m
    }
    return s
}

/// Samples with the options and writes what was drawn.
private func drawSamples(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ n: Int, _ seed: UInt64,
                         _ opts: OpaquePointer?, mcmcOnly: Bool, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?,
                         _ out: UnsafeMutablePointer<Double>?, _ nOut: UnsafeMutablePointer<Int>?,
                         _ acceptanceRate: UnsafeMutablePointer<Double>?) throws -> SamplingReport {
    let p = try Handle.posterior(posterior)
    let xo = try observation(p, x, dimX)
    try Check.positive(n, "n", max: 1 << 32)
    _ = try Check.product(n, p.parameterDimension, "n × dim_theta")
    var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
    let settings = try samplingSettings(&o, p, n: n, mcmcOnly: mcmcOnly)
    try o.finish()
    let out = try Check.pointer(out, "out")
    var rng = Philox(seed: seed, stream: 0x706f_7374)
    let (samples, report): (Tensor, SamplingReport)
    do {
        (samples, report) = try "mcmc".withCString { stage in
            try p.sample(n, x: xo, settings: settings, rng: &rng) { done, total in
                guard let progress else { return true }
                return progress(stage, Int64(done), Int64(total), .nan, userData) == 0
            }
        }
    } catch let e as InferenceError { throw HyloError(HYLO_E_STATE, e.description) }
    if samples.count > 0 { samples.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) } }
    nOut?.pointee = report.accepted
    acceptanceRate?.pointee = report.acceptanceRate
    return report
}

/// The error of an incomplete sampling run.
private func checkComplete(_ report: SamplingReport, _ n: Int) throws {
    switch report.status {
    case .complete: return
    case .cancelled:
        throw HyloError(HYLO_E_CANCELLED, "cancelled by the progress callback after \(report.accepted) of \(n) samples")
    case .budgetExhausted where report.mcmc != nil:
        throw HyloError(HYLO_E_BUDGET, "only \(report.accepted) of \(n) samples within max_seconds; raise it or ask for fewer samples")
    case .budgetExhausted:
        throw HyloError(HYLO_E_BUDGET, "only \(report.accepted) of \(n) samples after \(report.proposed) proposals (acceptance rate \(report.acceptanceRate)): the estimator puts little mass inside the prior's support; raise max_proposals or train on more simulations")
    }
}

@c @implementation
public func hylo_posterior_sample(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ n: Int, _ seed: UInt64,
                                  _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ nOut: UnsafeMutablePointer<Int>?,
                                  _ acceptanceRate: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_sample") {
        let report = try drawSamples(posterior, x, dimX, n, seed, opts, mcmcOnly: false, nil, nil, out, nOut, acceptanceRate)
        try checkComplete(report, n)
    }
}

@c @implementation
public func hylo_posterior_sample_mcmc(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ n: Int, _ seed: UInt64,
                                       _ opts: OpaquePointer?, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?,
                                       _ out: UnsafeMutablePointer<Double>?, _ nOut: UnsafeMutablePointer<Int>?,
                                       _ rHat: UnsafeMutablePointer<Double>?, _ ess: UnsafeMutablePointer<Double>?,
                                       _ acceptanceRate: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_sample_mcmc") {
        let p = try Handle.posterior(posterior)
        let report = try drawSamples(posterior, x, dimX, n, seed, opts, mcmcOnly: true, progress, userData, out, nOut, acceptanceRate)
        for j in 0..<p.parameterDimension {
            rHat?[j] = report.mcmc?.rHat[j] ?? .nan
            ess?[j] = report.mcmc?.effectiveSampleSize[j] ?? .nan
        }
        try checkComplete(report, n)
    }
}

@c @implementation
public func hylo_posterior_sample_truncated_prior(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ n: Int,
                                                  _ seed: UInt64, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?,
                                                  _ nOut: UnsafeMutablePointer<Int>?, _ acceptanceRate: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_sample_truncated_prior") {
        let p = try Handle.posterior(posterior)
        let xo = try observation(p, x, dimX)
        try Check.positive(n, "n", max: 1 << 32)
        _ = try Check.product(n, p.parameterDimension, "n × dim_theta")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let quantile = try o.double("quantile", default: 1e-4, in: 0...0.999)
        let reference = try o.int("num_samples_to_estimate_support", default: 10_000, in: 1...(1 << 26))
        let maxProposals = try o.int("max_proposals", default: max(100 * n, 1_000_000), in: 1...(1 << 40))
        try o.finish()
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x7472_756e)
        let region: TruncatedPrior
        do { region = try TruncatedPrior(posterior: p, observation: xo, quantile: quantile, referenceSamples: reference, rng: &rng) }
        catch let e as InferenceError { throw HyloError(HYLO_E_STATE, e.description) }
        let (samples, report) = region.sample(n, maxProposals: maxProposals, rng: &rng)
        if samples.count > 0 { samples.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) } }
        nOut?.pointee = report.accepted
        acceptanceRate?.pointee = report.acceptanceRate
        guard report.status == .complete else {
            throw HyloError(HYLO_E_BUDGET, "only \(report.accepted) of \(n) samples in the region after \(report.proposed) prior draws (its prior mass is about \(report.acceptanceRate)); raise max_proposals or quantile")
        }
    }
}

@c @implementation
public func hylo_posterior_log_prob(_ posterior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ n: Int, _ x: UnsafePointer<Double>?,
                                    _ dimX: Int, _ seed: UInt64, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_log_prob") {
        let p = try Handle.posterior(posterior)
        let xo = try observation(p, x, dimX)
        let d = p.parameterDimension
        let t = try Check.array(theta, count: try Check.product(n, d, "n × dim_theta"), "theta")
        guard n > 0 else { return }
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x6c65_616b)
        let lp = p.logProb(Tensor(shape: [n, d], scalars: t), x: xo, rng: &rng)
        lp.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: n) }
    }
}

@c @implementation
public func hylo_posterior_save(_ posterior: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_posterior_save") {
        let p = try Handle.posterior(posterior)
        try Files.save(path) { try p.checkpoint() }
    }
}

@c @implementation
public func hylo_posterior_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_posterior_load") {
        let out = try Check.pointer(out, "out")
        out.pointee = Handle.make(try Files.load(path, kind: PosteriorFile.kind) { try PosteriorFile.load($0) } as AnyObject)
    }
}

@c @implementation
public func hylo_posterior_map(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ seed: UInt64,
                               _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?,
                               _ logProb: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_map") {
        let p = try Handle.posterior(posterior)
        let xo = try observation(p, x, dimX)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let initial = try o.int("num_init_samples", default: 1000, in: 1...10_000_000)
        let starts = try o.int("num_starts", default: 10, in: 1...10_000)
        let iterations = try o.int("num_iter", default: 1000, in: 0...10_000_000)
        let rate = try o.double("learning_rate", default: 0.01, in: 0...100, excludingLower: true)
        try o.finish()
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x6d61_70)
        let (theta, value) = p.map(x: xo, rng: &rng, initialSamples: initial, starts: starts, iterations: iterations, learningRate: rate)
        guard value.isFinite else {
            throw HyloError(HYLO_E_NUMERICAL, "no posterior draw fell inside the prior's support; the estimator does not fit this observation")
        }
        for (i, v) in theta.enumerated() { out[i] = v }
        logProb?.pointee = value
    }
}
