import CHylo
import HyloCore
import HyloSBI

@c @implementation
public func hylo_simulate(_ simulator: hylo_simulator_fn?, _ userData: UnsafeMutableRawPointer?, _ theta: UnsafePointer<Double>?,
                          _ n: Int, _ dimTheta: Int, _ dimX: Int, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                          _ progressData: UnsafeMutableRawPointer?, _ xOut: UnsafeMutablePointer<Double>?,
                          _ statusOut: UnsafeMutablePointer<Int32>?, _ nInvalid: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_simulate") {
        let simulator = try Check.pointer(simulator, "simulator")
        try Check.positive(n, "n", max: 1 << 36)
        try Check.positive(dimTheta, "dim_theta", max: 1 << 20)
        try Check.positive(dimX, "dim_x", max: 1 << 24)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let workers = try o.int("num_workers", default: 1, in: 1...1024)
        let seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let t = try Check.array(theta, count: try Check.product(n, dimTheta, "n × dim_theta"), "theta")
        let xOut = try Check.pointer(xOut, "x_out")
        _ = try Check.product(n, dimX, "n × dim_x")
        // The user data crosses threads as an address; the header makes reentrancy the caller's duty.
        let user = UInt(bitPattern: userData)
        let outcome: SimulationOutcome
        do {
            outcome = try "simulate".withCString { stage in
                try runSimulations(theta: Tensor(shape: [n, dimTheta], scalars: t), outputs: dimX, workers: workers, seed: seed,
                                   progress: progress.map { p in { done, total in p(stage, Int64(done), Int64(total), .nan, progressData) == 0 } }) {
                    _, th, x, rng in
                    simulator(th.baseAddress, th.count, x.baseAddress, x.count, rng.nextUInt64(), UnsafeMutableRawPointer(bitPattern: user))
                }
            }
        } catch let e as SimulationError {
            switch e {
            case .aborted(let i, let code): throw HyloError(HYLO_E_CALLBACK, "the simulator returned \(code) for simulation \(i); the run was aborted")
            case .cancelled(let done): throw HyloError(HYLO_E_CANCELLED, "cancelled by the progress callback after \(done) simulations")
            }
        }
        outcome.x.scalars.withUnsafeBufferPointer { xOut.update(from: $0.baseAddress!, count: n * dimX) }
        if let statusOut {
            for i in 0..<n { statusOut[i] = outcome.valid[i] ? 0 : (outcome.codes[i] > 0 ? outcome.codes[i] : -1) }
        }
        nInvalid?.pointee = n - outcome.validCount
    }
}
