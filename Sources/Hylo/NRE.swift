import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_nre_create(_ prior: OpaquePointer?, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_nre_create") {
        let out = try Check.pointer(out, "out")
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let (loss, config) = try InferenceABI.ratioEstimator(&o, defaultLoss: "nre_b")
        let unbounded = try o.bool("unbounded_theta", default: false)
        try o.finish()
        out.pointee = Handle.make(try NRE(prior: p.prior, configuration: config, loss: loss, unboundedTheta: unbounded))
    }
}

@c @implementation
public func hylo_nre_free(_ nre: OpaquePointer?) { Handle.release(nre, as: NRE.self) }

@c @implementation
public func hylo_nre_append_simulations(_ nre: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                        _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_nre_append_simulations") {
        try InferenceABI.appendSimulations(try Handle.get(nre, "nre", as: NRE.self), theta, x, n, dimX, nExcluded)
    }
}

@c @implementation
public func hylo_nre_append_npy(_ nre: OpaquePointer?, _ thetaPath: UnsafePointer<CChar>?, _ xPath: UnsafePointer<CChar>?,
                                _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_nre_append_npy") {
        try InferenceABI.appendNPY(try Handle.get(nre, "nre", as: NRE.self), thetaPath, xPath, nExcluded)
    }
}

@c @implementation
public func hylo_nre_train(_ nre: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_nre_train") {
        try InferenceABI.train(try Handle.get(nre, "nre", as: NRE.self), "NRE", opts, progress, userData)
    }
}

@c @implementation
public func hylo_nre_training_result(_ nre: OpaquePointer?, _ epochs: UnsafeMutablePointer<Int64>?, _ bestLoss: UnsafeMutablePointer<Double>?,
                                     _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_nre_training_result") {
        try InferenceABI.trainingResult(try Handle.get(nre, "nre", as: NRE.self), "NRE", epochs, bestLoss, stopReason)
    }
}

@c @implementation
public func hylo_nre_build_posterior(_ nre: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_nre_build_posterior") {
        try InferenceABI.buildPosterior(try Handle.get(nre, "nre", as: NRE.self), out)
    }
}
