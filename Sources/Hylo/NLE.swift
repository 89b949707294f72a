import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_nle_create(_ prior: OpaquePointer?, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_nle_create") {
        let out = try Check.pointer(out, "out")
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var config = try InferenceABI.flowConfiguration(&o)
        config.unboundedTheta = try o.bool("unbounded_theta", default: false)
        try o.finish()
        out.pointee = Handle.make(NLE(prior: p.prior, configuration: config))
    }
}

@c @implementation
public func hylo_nle_free(_ nle: OpaquePointer?) { Handle.release(nle, as: NLE.self) }

@c @implementation
public func hylo_nle_append_simulations(_ nle: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                        _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_nle_append_simulations") {
        let model = try Handle.get(nle, "nle", as: NLE.self)
        if model.configuration.kind == .mdn { try InferenceABI.checkMixtureSize(model.configuration, variables: dimX) }
        try InferenceABI.appendSimulations(model, theta, x, n, dimX, nExcluded)
    }
}

@c @implementation
public func hylo_nle_append_npy(_ nle: OpaquePointer?, _ thetaPath: UnsafePointer<CChar>?, _ xPath: UnsafePointer<CChar>?,
                                _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_nle_append_npy") {
        try InferenceABI.appendNPY(try Handle.get(nle, "nle", as: NLE.self), thetaPath, xPath, nExcluded)
    }
}

@c @implementation
public func hylo_nle_train(_ nle: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_nle_train") {
        try InferenceABI.train(try Handle.get(nle, "nle", as: NLE.self), "NLE", opts, progress, userData)
    }
}

@c @implementation
public func hylo_nle_training_result(_ nle: OpaquePointer?, _ epochs: UnsafeMutablePointer<Int64>?, _ bestLoss: UnsafeMutablePointer<Double>?,
                                     _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_nle_training_result") {
        try InferenceABI.trainingResult(try Handle.get(nle, "nle", as: NLE.self), "NLE", epochs, bestLoss, stopReason)
    }
}

@c @implementation
public func hylo_nle_build_posterior(_ nle: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_nle_build_posterior") {
        try InferenceABI.buildPosterior(try Handle.get(nle, "nle", as: NLE.self), out)
    }
}
