import CHylo
import HyloCore
import HyloSBI

/// An ABC run's result behind a `hylo_abc_result` handle.
final class ABCResultHandle {
    let result: ABCResult
    init(_ result: ABCResult) { self.result = result }
}

/// What both ABC entries share: the prior, the simulator (exactly one of the two callback kinds),
/// the observation and the options common to rejection ABC and SMC-ABC.
private struct ABCRequest {
    let prior: Prior
    let observation: [Double]
    let simulator: ABCSimulator
    var settings = ABCSettings()

    init(_ prior: OpaquePointer?, _ single: hylo_simulator_fn?, _ batched: hylo_batch_simulator_fn?, _ userData: UnsafeMutableRawPointer?,
         _ xo: UnsafePointer<Double>?, _ dimX: Int, _ o: inout OptionReader) throws {
        self.prior = try Handle.get(prior, "prior", as: PriorHandle.self).prior
        guard (single == nil) != (batched == nil) else {
            throw HyloError.invalid(single == nil ? "no simulator: give simulator or batch_simulator" : "give simulator or batch_simulator, not both")
        }
        try Check.positive(dimX, "dim_x", max: 1 << 24)
        observation = try Check.array(xo, count: dimX, "x_o")
        settings.distance = ABCSettings.Distance(rawValue: try o.choice("distance", default: "l2", from: ABCSettings.Distance.allCases.map(\.rawValue)))!
        settings.scale = ABCSettings.Scale(rawValue: try o.choice("scale", default: "none", from: ABCSettings.Scale.allCases.map(\.rawValue)))!
        let fraction = try o.double("sass_fraction", default: 0.25, in: 0...1, excludingLower: true)
        let degree = try o.int("sass_expansion_degree", default: 1, in: 1...10)
        if try o.bool("sass", default: false) { settings.summary = .semiAutomatic(fraction: fraction, degree: degree) }
        settings.regressionAdjustment = try o.bool("lra", default: false)
        settings.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        let seconds = try o.double("max_seconds", default: 0, in: 0...1e9)
        settings.maxSeconds = seconds > 0 ? seconds : nil
        let batchSize = try o.int("batch_size", default: 1000, in: 1...(1 << 24))
        settings.simulationBatch = batchSize
        let workers = try o.int("num_workers", default: 1, in: 1...1024)
        // The user data crosses threads as an address; the header makes reentrancy the caller's duty.
        let user = UInt(bitPattern: userData)
        if let single {
            simulator = { theta, seed in
                try runSimulations(theta: theta, outputs: dimX, workers: workers, seed: seed) { _, th, x, rng in
                    single(th.baseAddress, th.count, x.baseAddress, x.count, rng.nextUInt64(), UnsafeMutableRawPointer(bitPattern: user))
                }
            }
        } else {
            let batched = batched!
            simulator = { theta, seed in
                let d = theta.shape[1]
                return try runBatchedSimulations(theta: theta, outputs: dimX, batchSize: Swift.max(1, (theta.shape[0] + workers - 1) / workers),
                                                 workers: workers, seed: seed) { rows, th, x, seeds, status in
                    batched(th.baseAddress, rows.count, d, x.baseAddress, dimX, seeds.baseAddress, status.baseAddress,
                            UnsafeMutableRawPointer(bitPattern: user))
                }
            }
        }
    }

    /// Runs `body` with the progress closure (stage "abc") and maps ABC's errors to statuses.
    func run(_ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<OpaquePointer?>,
             _ body: (@escaping (Int, Int) -> Bool) throws -> ABCResult) throws {
        let result: ABCResult
        let stage = staticCString("abc")
        do {
            result = try body { done, total in
                guard let progress else { return true }
                return progress(stage, Int64(done), Int64(total), .nan, progressData) == 0
            }
        } catch let e as ABCError {
            throw HyloError.invalid(e.description)
        } catch let e as SimulationError {
            guard case .aborted(let i, let code) = e else { throw HyloError(HYLO_E_CANCELLED, e.description) }
            throw HyloError(HYLO_E_CALLBACK, "the simulator returned \(code) for simulation \(i) of a batch; ABC was aborted")
        }
        out.pointee = Handle.make(ABCResultHandle(result))
    }
}

@c @implementation
public func hylo_abc_rejection(_ prior: OpaquePointer?, _ simulator: hylo_simulator_fn?, _ batchSimulator: hylo_batch_simulator_fn?,
                               _ userData: UnsafeMutableRawPointer?, _ xo: UnsafePointer<Double>?, _ dimX: Int, _ opts: OpaquePointer?,
                               _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_abc_rejection") {
        let out = try Check.pointer(out, "out")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let request = try ABCRequest(prior, simulator, batchSimulator, userData, xo, dimX, &o)
        let simulations = try o.int("num_simulations", default: 0, in: 0...(1 << 34))
        guard simulations > 0 else { throw HyloError.option("option 'num_simulations' is required (the number of prior simulations)") }
        _ = try Check.product(simulations, Swift.max(dimX, request.prior.dimension), "num_simulations × dimension")
        let eps = try o.double("eps", default: .nan, in: 0...Double.greatestFiniteMagnitude)
        let quantile = try o.double("quantile", default: .nan, in: 0...1, excludingLower: true)
        let top = try o.int("num_top_samples", default: 0, in: 0...(1 << 34))
        try o.finish()
        let given = [!eps.isNaN, !quantile.isNaN, top > 0].filter { $0 }.count
        guard given == 1 else {
            throw HyloError.option("give exactly one of the options 'eps', 'quantile' and 'num_top_samples'; \(given) were given")
        }
        var abc = RejectionABC(simulations: simulations, acceptance: !eps.isNaN ? .epsilon(eps) : (top > 0 ? .count(top) : .quantile(quantile)))
        abc.settings = request.settings
        try request.run(progress, progressData, out) { progress in
            try abc.run(prior: request.prior, observation: request.observation, simulator: request.simulator, progress: progress)
        }
    }
}

@c @implementation
public func hylo_abc_smc(_ prior: OpaquePointer?, _ simulator: hylo_simulator_fn?, _ batchSimulator: hylo_batch_simulator_fn?,
                         _ userData: UnsafeMutableRawPointer?, _ xo: UnsafePointer<Double>?, _ dimX: Int, _ opts: OpaquePointer?,
                         _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                         _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_abc_smc") {
        let out = try Check.pointer(out, "out")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let request = try ABCRequest(prior, simulator, batchSimulator, userData, xo, dimX, &o)
        let particles = try o.int("num_particles", default: 0, in: 0...(1 << 24))
        let simulations = try o.int("num_simulations", default: 0, in: 0...(1 << 34))
        guard particles >= 2, simulations > 0 else {
            throw HyloError.option("options 'num_particles' (at least 2) and 'num_simulations' (the budget) are required")
        }
        let initial = try o.int("num_initial_pop", default: 5 * particles, in: 1...(1 << 34))
        _ = try Check.product(Swift.max(initial, particles), Swift.max(dimX, request.prior.dimension), "num_initial_pop × dimension")
        var smc = SMCABC(particles: particles, initialPopulation: initial, simulations: simulations)
        smc.epsilonDecay = try o.double("epsilon_decay", default: 0.5, in: 0...1, excludingLower: true)
        smc.distanceBasedDecay = try o.bool("distance_based_decay", default: false)
        smc.kernel = SMCABC.Kernel(rawValue: try o.choice("kernel", default: "gaussian", from: SMCABC.Kernel.allCases.map(\.rawValue)))!
        smc.kernelVarianceScale = try o.double("kernel_variance_scale", default: 2, in: 0...1e12, excludingLower: true)
        let ess = try o.double("ess_min", default: 0, in: 0...1)
        smc.essMin = ess > 0 ? ess : nil
        let target = try o.double("target_epsilon", default: -1, in: -1...Double.greatestFiniteMagnitude)
        smc.targetEpsilon = target >= 0 ? target : nil
        smc.useLastPopulation = try o.bool("use_last_pop_samples", default: true)
        try o.finish()
        smc.settings = request.settings
        try request.run(progress, progressData, out) { progress in
            try smc.run(prior: request.prior, observation: request.observation, simulator: request.simulator, progress: progress)
        }
    }
}

@c @implementation
public func hylo_abc_result_free(_ result: OpaquePointer?) { Handle.release(result, as: ABCResultHandle.self) }

@c @implementation
public func hylo_abc_result_info(_ result: OpaquePointer?, _ nSamples: UnsafeMutablePointer<Int>?, _ dimTheta: UnsafeMutablePointer<Int>?,
                                 _ epsilon: UnsafeMutablePointer<Double>?, _ numSimulations: UnsafeMutablePointer<Int>?,
                                 _ numInvalid: UnsafeMutablePointer<Int>?, _ numPopulations: UnsafeMutablePointer<Int>?,
                                 _ status: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> hylo_status {
    abiCall("hylo_abc_result_info") {
        let r = try Handle.get(result, "result", as: ABCResultHandle.self).result
        nSamples?.pointee = r.samples.shape[0]
        dimTheta?.pointee = r.samples.shape[1]
        epsilon?.pointee = r.epsilon
        numSimulations?.pointee = r.simulations
        numInvalid?.pointee = r.invalidSimulations
        numPopulations?.pointee = r.epsilons.count
        status?.pointee = staticCString(r.status.rawValue)
    }
}

@c @implementation
public func hylo_abc_result_samples(_ result: OpaquePointer?, _ thetaOut: UnsafeMutablePointer<Double>?, _ weightsOut: UnsafeMutablePointer<Double>?,
                                    _ distancesOut: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_abc_result_samples") {
        let r = try Handle.get(result, "result", as: ABCResultHandle.self).result
        let n = r.samples.shape[0]
        guard capacity >= n else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "capacity is \(capacity); the result has \(n) samples") }
        guard thetaOut != nil || weightsOut != nil || distancesOut != nil else { throw HyloError.null("theta_out, weights_out and distances_out") }
        if let thetaOut, n > 0 { r.samples.scalars.withUnsafeBufferPointer { thetaOut.update(from: $0.baseAddress!, count: $0.count) } }
        if let weightsOut { weightsOut.update(from: r.weights, count: n) }
        if let distancesOut { distancesOut.update(from: r.distances, count: n) }
    }
}

@c @implementation
public func hylo_abc_result_epsilons(_ result: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_abc_result_epsilons") {
        let r = try Handle.get(result, "result", as: ABCResultHandle.self).result
        try copyValues(r.epsilons, to: out, capacity: capacity, "the run had \(r.epsilons.count) populations")
    }
}

@c @implementation
public func hylo_abc_result_resample(_ result: OpaquePointer?, _ n: Int, _ seed: UInt64, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_abc_result_resample") {
        let r = try Handle.get(result, "result", as: ABCResultHandle.self).result
        try Check.positive(n, "n", max: 1 << 32)
        guard r.samples.shape[0] > 0 else { throw HyloError(HYLO_E_STATE, "the result has no samples to resample (no simulation was accepted)") }
        let out = try Check.pointer(out, "out")
        _ = try Check.product(n, r.samples.shape[1], "n × dim_theta")
        var rng = Philox(seed: seed, stream: 0x7265_7361)
        let drawn = r.resampled(n, rng: &rng)
        drawn.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
}
