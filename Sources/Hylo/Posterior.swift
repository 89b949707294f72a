import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_posterior_free(_ posterior: OpaquePointer?) { Handle.release(posterior, as: Posterior.self) }

@c @implementation
public func hylo_posterior_dimensions(_ posterior: OpaquePointer?, _ dimTheta: UnsafeMutablePointer<Int>?,
                                      _ dimX: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_posterior_dimensions") {
        let p = try Handle.get(posterior, "posterior", as: Posterior.self)
        dimTheta?.pointee = p.estimator.parameterDimension
        dimX?.pointee = p.estimator.contextDimension
    }
}

/// Reads an observation, checking its length against the posterior.
private func observation(_ p: Posterior, _ x: UnsafePointer<Double>?, _ dimX: Int) throws -> Tensor {
    guard dimX == p.estimator.contextDimension else {
        throw HyloError(HYLO_E_SHAPE, "x has \(dimX) values; the posterior was trained on \(p.estimator.contextDimension)")
    }
    return Tensor(try Check.array(x, count: dimX, "x"))
}

@c @implementation
public func hylo_posterior_sample(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ n: Int, _ seed: UInt64,
                                  _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ nOut: UnsafeMutablePointer<Int>?,
                                  _ acceptanceRate: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_sample") {
        let p = try Handle.get(posterior, "posterior", as: Posterior.self)
        let xo = try observation(p, x, dimX)
        try Check.positive(n, "n", max: 1 << 32)
        _ = try Check.product(n, p.estimator.parameterDimension, "n × dim_theta")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let budget = try o.int("max_proposals", default: max(100 * n, 100_000), in: 1...(1 << 40))
        try o.finish()
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x706f_7374)
        let (samples, report) = p.sample(n, x: xo, rng: &rng, maxProposals: budget)
        if samples.count > 0 { samples.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) } }
        nOut?.pointee = report.accepted
        acceptanceRate?.pointee = report.acceptanceRate
        if report.status == .budgetExhausted {
            throw HyloError(HYLO_E_BUDGET, "only \(report.accepted) of \(n) samples after \(report.proposed) proposals (acceptance rate \(report.acceptanceRate)): the estimator puts little mass inside the prior's support; raise max_proposals or train on more simulations")
        }
    }
}

@c @implementation
public func hylo_posterior_log_prob(_ posterior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ n: Int, _ x: UnsafePointer<Double>?,
                                    _ dimX: Int, _ seed: UInt64, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_log_prob") {
        let p = try Handle.get(posterior, "posterior", as: Posterior.self)
        let xo = try observation(p, x, dimX)
        let d = p.estimator.parameterDimension
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
        let p = try Handle.get(posterior, "posterior", as: Posterior.self)
        try Files.save(path) { try p.checkpoint() }
    }
}

@c @implementation
public func hylo_posterior_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_posterior_load") {
        let out = try Check.pointer(out, "out")
        out.pointee = Handle.make(try Files.load(path, kind: Posterior.checkpointKind) { try Posterior.load($0) })
    }
}

@c @implementation
public func hylo_posterior_map(_ posterior: OpaquePointer?, _ x: UnsafePointer<Double>?, _ dimX: Int, _ seed: UInt64,
                               _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?,
                               _ logProb: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_map") {
        let p = try Handle.get(posterior, "posterior", as: Posterior.self)
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
