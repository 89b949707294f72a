import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_npe_create(_ prior: OpaquePointer?, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_npe_create") {
        let out = try Check.pointer(out, "out")
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var config = try InferenceABI.flowConfiguration(&o)
        config.unboundedTheta = try o.bool("unbounded_theta", default: false)
        try o.finish()
        try InferenceABI.checkMixtureSize(config, variables: p.prior.dimension)
        out.pointee = Handle.make(NPE(prior: p.prior, configuration: config))
    }
}

@c @implementation
public func hylo_npe_free(_ npe: OpaquePointer?) { Handle.release(npe, as: NPE.self) }

@c @implementation
public func hylo_npe_append_simulations(_ npe: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                        _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_npe_append_simulations") {
        try InferenceABI.appendSimulations(try Handle.get(npe, "npe", as: NPE.self), theta, x, n, dimX, nExcluded)
    }
}

@c @implementation
public func hylo_npe_append_proposal_simulations(_ npe: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                                 _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_npe_append_proposal_simulations") {
        try InferenceABI.appendSimulations(try Handle.get(npe, "npe", as: NPE.self), theta, x, n, dimX, nExcluded, fromProposal: true)
    }
}

@c @implementation
public func hylo_npe_append_npy(_ npe: OpaquePointer?, _ thetaPath: UnsafePointer<CChar>?, _ xPath: UnsafePointer<CChar>?,
                                _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_npe_append_npy") {
        try InferenceABI.appendNPY(try Handle.get(npe, "npe", as: NPE.self), thetaPath, xPath, nExcluded)
    }
}

@c @implementation
public func hylo_npe_train(_ npe: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?, _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_npe_train") {
        try InferenceABI.train(try Handle.get(npe, "npe", as: NPE.self), "NPE", opts, progress, userData)
    }
}

@c @implementation
public func hylo_npe_training_result(_ npe: OpaquePointer?, _ epochs: UnsafeMutablePointer<Int64>?, _ bestLoss: UnsafeMutablePointer<Double>?,
                                     _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_npe_training_result") {
        try InferenceABI.trainingResult(try Handle.get(npe, "npe", as: NPE.self), "NPE", epochs, bestLoss, stopReason)
    }
}

@c @implementation
public func hylo_npe_build_posterior(_ npe: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_npe_build_posterior") {
        try InferenceABI.buildPosterior(try Handle.get(npe, "npe", as: NPE.self), out)
    }
}
