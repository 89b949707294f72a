import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_tmnre_create(_ prior: OpaquePointer?, _ pairs: UnsafePointer<Int>?, _ nPairs: Int, _ opts: OpaquePointer?,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_tmnre_create") {
        let out = try Check.pointer(out, "out")
        let p = try Handle.get(prior, "prior", as: PriorHandle.self).prior
        let d = p.dimension
        guard nPairs >= 0, nPairs <= 100_000 else { throw HyloError.invalid("n_pairs is \(UInt(bitPattern: nPairs)); it must be at most 100000") }
        var marginals = (0..<d).map { [$0] }
        if nPairs > 0 {
            let indices = try Check.pointer(pairs, "pairs (with n_pairs > 0)")
            for k in 0..<nPairs {
                let (i, j) = (indices[2 * k], indices[2 * k + 1])
                guard (0..<d).contains(i), (0..<d).contains(j), i != j else {
                    throw HyloError.invalid("pair \(k) is (\(i), \(j)); a pair holds two different parameter indices in 0…\(d - 1)")
                }
                marginals.append([i, j])
            }
        }
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let (loss, config) = try InferenceABI.ratioEstimator(&o, defaultLoss: "nre_a")
        try o.finish()
        out.pointee = Handle.make(try TMNRE(prior: p, marginals: marginals, configuration: config, loss: loss))
    }
}

@c @implementation
public func hylo_tmnre_free(_ tmnre: OpaquePointer?) { Handle.release(tmnre, as: TMNRE.self) }

@c @implementation
public func hylo_tmnre_append_simulations(_ tmnre: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                          _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_tmnre_append_simulations") {
        try InferenceABI.appendSimulations(try Handle.get(tmnre, "tmnre", as: TMNRE.self), theta, x, n, dimX, nExcluded)
    }
}

@c @implementation
public func hylo_tmnre_train(_ tmnre: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                             _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_tmnre_train") {
        try InferenceABI.train(try Handle.get(tmnre, "tmnre", as: TMNRE.self), "TMNRE", opts, progress, userData)
    }
}

/// A trained TMNRE and an observation of its dimension.
private func trainedAt(_ tmnre: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int) throws -> (TMNRE, Tensor) {
    let t = try Handle.get(tmnre, "tmnre", as: TMNRE.self)
    guard let c = t.classifiers.first?.observationDimension else { throw HyloError(HYLO_E_STATE, "TMNRE has not been trained") }
    guard dimX == c else { throw HyloError(HYLO_E_SHAPE, "x_o has \(dimX) values; TMNRE was trained on \(c)") }
    return (t, Tensor(try Check.array(x, count: dimX, "x_o")))
}

@c @implementation
public func hylo_tmnre_truncate(_ tmnre: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ opts: OpaquePointer?,
                                _ lowOut: UnsafeMutablePointer<Double>?, _ highOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_tmnre_truncate") {
        let (t, xo) = try trainedAt(tmnre, x, dimX)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let threshold = try o.double("threshold", default: 1e-6, in: 0...1, excludingLower: true)
        let samples = try o.int("num_samples", default: 100_000, in: 1...(1 << 26))
        var rng = Philox(seed: UInt64(try o.int("seed", default: 0, in: 0...Int.max)), stream: 0x7472_756e_63)
        try o.finish()
        guard threshold < 1 else { throw HyloError.option("option 'threshold' is 1; it must be below 1") }
        let (low, high): ([Double], [Double])
        do { (low, high) = try t.truncate(at: xo, threshold: threshold, samples: samples, rng: &rng) }
        catch let e as InferenceError { throw HyloError(HYLO_E_STATE, e.description) }
        lowOut.map { $0.update(from: low, count: low.count) }
        highOut.map { $0.update(from: high, count: high.count) }
    }
}

@c @implementation
public func hylo_tmnre_sample_truncated_prior(_ tmnre: OpaquePointer?, _ n: Int, _ seed: UInt64, _ out: UnsafeMutablePointer<Double>?,
                                              _ nOut: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_tmnre_sample_truncated_prior") {
        let t = try Handle.get(tmnre, "tmnre", as: TMNRE.self)
        try Check.positive(n, "n", max: 1 << 32)
        _ = try Check.product(n, t.prior.dimension, "n × dim_theta")
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x746d_7072)
        let (samples, report) = t.sampleTruncatedPrior(n, rng: &rng)
        if samples.count > 0 { samples.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) } }
        nOut?.pointee = report.accepted
        guard report.status == .complete else {
            throw HyloError(HYLO_E_BUDGET, "only \(report.accepted) of \(n) prior draws fell in the truncation box after \(report.proposed) proposals")
        }
    }
}

@c @implementation
public func hylo_tmnre_marginal_samples(_ tmnre: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ marginal: Int, _ n: Int,
                                        _ seed: UInt64, _ thetaOut: UnsafeMutablePointer<Double>?,
                                        _ weightsOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_tmnre_marginal_samples") {
        let (t, xo) = try trainedAt(tmnre, x, dimX)
        guard marginal >= 0, marginal < t.marginals.count else {
            throw HyloError.invalid("marginal is \(UInt(bitPattern: marginal)); this TMNRE has \(t.marginals.count) (0…\(t.marginals.count - 1))")
        }
        try Check.positive(n, "n", max: 1 << 28)
        let thetaOut = try Check.pointer(thetaOut, "theta_out")
        var rng = Philox(seed: seed, stream: 0x746d_6d73)
        var (samples, weights): (Tensor, [Double])
        do { (samples, weights) = try t.marginalSamples(marginal, x: xo, n: n, rng: &rng) }
        catch let e as InferenceError { throw HyloError(HYLO_E_BUDGET, e.description) }
        if let weightsOut {
            weightsOut.update(from: weights, count: n)
        } else {
            samples = samples.selectRows((0..<n).map { _ in rng.categorical(weights) })
        }
        samples.scalars.withUnsafeBufferPointer { thetaOut.update(from: $0.baseAddress!, count: $0.count) }
    }
}

@c @implementation
public func hylo_tmnre_save(_ tmnre: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_tmnre_save") {
        let t = try Handle.get(tmnre, "tmnre", as: TMNRE.self)
        guard !t.classifiers.isEmpty else { throw HyloError(HYLO_E_STATE, "TMNRE has not been trained") }
        try Files.save(path) { try t.checkpoint() }
    }
}

@c @implementation
public func hylo_tmnre_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_tmnre_load") {
        let out = try Check.pointer(out, "out")
        out.pointee = Handle.make(try Files.load(path, kind: TMNRE.checkpointKind) { try TMNRE.load($0) })
    }
}

@c @implementation
public func hylo_tmnre_marginal(_ tmnre: OpaquePointer?, _ k: Int, _ size: UnsafeMutablePointer<Int>?, _ indices: UnsafeMutablePointer<Int>?,
                                _ count: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_tmnre_marginal") {
        let t = try Handle.get(tmnre, "tmnre", as: TMNRE.self)
        count?.pointee = t.marginals.count
        guard k >= 0, k < t.marginals.count else {
            throw HyloError.invalid("k is \(UInt(bitPattern: k)); this TMNRE has \(t.marginals.count) marginals")
        }
        size?.pointee = t.marginals[k].count
        if let indices { for (i, j) in t.marginals[k].enumerated() { indices[i] = j } }
    }
}
