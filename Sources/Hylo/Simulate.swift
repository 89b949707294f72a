import CHylo
import HyloCore
import HyloSBI

/// The arguments both simulation entries share, checked.
private struct SimulationRequest {
    let theta: Tensor, dimX: Int, workers: Int, seed: UInt64, batchSize: Int
    let xOut: UnsafeMutablePointer<Double>

    init(_ theta: UnsafePointer<Double>?, _ n: Int, _ dimTheta: Int, _ dimX: Int, _ opts: OpaquePointer?,
         _ xOut: UnsafeMutablePointer<Double>?, batched: Bool) throws {
        try Check.positive(n, "n", max: 1 << 36)
        try Check.positive(dimTheta, "dim_theta", max: 1 << 20)
        try Check.positive(dimX, "dim_x", max: 1 << 24)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        workers = try o.int("num_workers", default: 1, in: 1...1024)
        seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        batchSize = batched ? try o.int("batch_size", default: 1000, in: 1...(1 << 30)) : 1
        try o.finish()
        let t = try Check.array(theta, count: try Check.product(n, dimTheta, "n × dim_theta"), "theta")
        self.xOut = try Check.pointer(xOut, "x_out")
        _ = try Check.product(n, dimX, "n × dim_x")
        self.theta = Tensor(shape: [n, dimTheta], scalars: t)
        self.dimX = dimX
    }

    /// Runs the simulations and writes x, the statuses and the invalid count.
    func run(_ simulate: () throws -> SimulationOutcome, status: UnsafeMutablePointer<Int32>?, nInvalid: UnsafeMutablePointer<Int>?) throws {
        let outcome: SimulationOutcome
        do { outcome = try simulate() } catch let e as SimulationError {
            switch e {
            case .aborted(let i, let code):
                throw HyloError(HYLO_E_CALLBACK, "the simulator returned \(code) for simulation \(i); the run was aborted")
            case .cancelled(let done): throw HyloError(HYLO_E_CANCELLED, "cancelled by the progress callback after \(done) simulations")
            }
        }
        let n = theta.shape[0]
        outcome.x.scalars.withUnsafeBufferPointer { xOut.update(from: $0.baseAddress!, count: n * dimX) }
        if let status { for i in 0..<n { status[i] = outcome.valid[i] ? 0 : (outcome.codes[i] > 0 ? outcome.codes[i] : -1) } }
        nInvalid?.pointee = n - outcome.validCount
    }
}

/// The progress callback as the runner's closure, with the stage name kept alive for the call.
private func progressClosure(_ progress: hylo_progress_fn?, _ data: UnsafeMutableRawPointer?, _ stage: UnsafePointer<CChar>)
    -> ((Int, Int) -> Bool)?
{
    progress.map { p in { done, total in p(stage, Int64(done), Int64(total), .nan, data) == 0 } }
}

@c @implementation
public func hylo_simulate(_ simulator: hylo_simulator_fn?, _ userData: UnsafeMutableRawPointer?, _ theta: UnsafePointer<Double>?,
                          _ n: Int, _ dimTheta: Int, _ dimX: Int, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                          _ progressData: UnsafeMutableRawPointer?, _ xOut: UnsafeMutablePointer<Double>?,
                          _ statusOut: UnsafeMutablePointer<Int32>?, _ nInvalid: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_simulate") {
        let simulator = try Check.pointer(simulator, "simulator")
        let request = try SimulationRequest(theta, n, dimTheta, dimX, opts, xOut, batched: false)
        // The user data crosses threads as an address; the header makes reentrancy the caller's duty.
        let user = UInt(bitPattern: userData)
        try "simulate".withCString { stage in
            try request.run({
                try runSimulations(theta: request.theta, outputs: dimX, workers: request.workers, seed: request.seed,
                                   progress: progressClosure(progress, progressData, stage)) { _, th, x, rng in
                    simulator(th.baseAddress, th.count, x.baseAddress, x.count, rng.nextUInt64(), UnsafeMutableRawPointer(bitPattern: user))
                }
            }, status: statusOut, nInvalid: nInvalid)
        }
    }
}

@c @implementation
public func hylo_simulate_batched(_ simulator: hylo_batch_simulator_fn?, _ userData: UnsafeMutableRawPointer?,
                                  _ theta: UnsafePointer<Double>?, _ n: Int, _ dimTheta: Int, _ dimX: Int, _ opts: OpaquePointer?,
                                  _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                                  _ xOut: UnsafeMutablePointer<Double>?, _ statusOut: UnsafeMutablePointer<Int32>?,
                                  _ nInvalid: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_simulate_batched") {
        let simulator = try Check.pointer(simulator, "simulator")
        let request = try SimulationRequest(theta, n, dimTheta, dimX, opts, xOut, batched: true)
        let user = UInt(bitPattern: userData)
        try "simulate".withCString { stage in
            try request.run({
                try runBatchedSimulations(theta: request.theta, outputs: dimX, batchSize: request.batchSize, workers: request.workers,
                                          seed: request.seed, progress: progressClosure(progress, progressData, stage)) {
                    rows, th, x, seeds, status in
                    simulator(th.baseAddress, rows.count, dimTheta, x.baseAddress, dimX, seeds.baseAddress, status.baseAddress,
                              UnsafeMutableRawPointer(bitPattern: user))
                }
            }, status: statusOut, nInvalid: nInvalid)
        }
    }
}
