import CHylo
import HyloCore
import HyloNN
import HyloSBI

@c @implementation
public func hylo_fmpe_create(_ prior: OpaquePointer?, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_fmpe_create") {
        let out = try Check.pointer(out, "out")
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var config = FlowMatchingEstimator.Configuration()
        config.hiddenFeatures = try o.int("hidden_features", default: 64, in: 1...4096)
        config.blocks = try o.int("num_blocks", default: 5, in: 1...64)
        config.frequencies = try o.int("num_frequencies", default: 3, in: 0...30)
        config.steps = try o.int("num_steps", default: 50, in: 1...100_000)
        config.sigmaMin = try o.double("sigma_min", default: 1e-4, in: 0...0.5)
        config.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        out.pointee = Handle.make(FMPE(prior: p.prior, configuration: config))
    }
}

@c @implementation
public func hylo_fmpe_free(_ fmpe: OpaquePointer?) { Handle.release(fmpe, as: FMPE.self) }

@c @implementation
public func hylo_fmpe_append_simulations(_ fmpe: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                         _ n: Int, _ dimX: Int, _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_fmpe_append_simulations") {
        try InferenceABI.appendSimulations(try Handle.get(fmpe, "fmpe", as: FMPE.self), theta, x, n, dimX, nExcluded)
    }
}

@c @implementation
public func hylo_fmpe_append_npy(_ fmpe: OpaquePointer?, _ thetaPath: UnsafePointer<CChar>?, _ xPath: UnsafePointer<CChar>?,
                                 _ nExcluded: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_fmpe_append_npy") {
        try InferenceABI.appendNPY(try Handle.get(fmpe, "fmpe", as: FMPE.self), thetaPath, xPath, nExcluded)
    }
}

@c @implementation
public func hylo_fmpe_train(_ fmpe: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                            _ userData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_fmpe_train") {
        try InferenceABI.train(try Handle.get(fmpe, "fmpe", as: FMPE.self), "FMPE", opts, progress, userData)
    }
}

@c @implementation
public func hylo_fmpe_training_result(_ fmpe: OpaquePointer?, _ epochs: UnsafeMutablePointer<Int64>?, _ bestLoss: UnsafeMutablePointer<Double>?,
                                      _ stopReason: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_fmpe_training_result") {
        try InferenceABI.trainingResult(try Handle.get(fmpe, "fmpe", as: FMPE.self), "FMPE", epochs, bestLoss, stopReason)
    }
}

@c @implementation
public func hylo_fmpe_build_posterior(_ fmpe: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_fmpe_build_posterior") {
        try InferenceABI.buildPosterior(try Handle.get(fmpe, "fmpe", as: FMPE.self), out)
    }
}
