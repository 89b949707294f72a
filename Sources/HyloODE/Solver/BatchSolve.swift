import Dispatch

/// Solves one system from many initial states (and, optionally, parameter vectors), each with its
/// own step-size control, on `workers` threads; results do not depend on the number of workers.
/// The system must be safe to call from several threads at once when `workers > 1`.
public func solveBatch(_ system: ODESystem, y0: [[Double]], t0: Double, times: [Double], parameters: [[Double]],
                       options: SolverOptions = SolverOptions(), workers: Int = 1) throws -> [ODESolution] {
    let n = y0.count
    guard parameters.count == 1 || parameters.count == n else {
        throw ODEError.invalidArgument("give one parameter vector for all \(n) trajectories or one per trajectory, not \(parameters.count)")
    }
    var results = [Result<ODESolution, Error>?](repeating: nil, count: n)
    let lock = DispatchQueue(label: "hylo.ode.batch")
    var next = 0
    results.withUnsafeMutableBufferPointer { slots in
        let out = slots
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, n))) { _ in
            while true {
                let i: Int = lock.sync { defer { next += 1 }; return next }
                if i >= n { return }
                out[i] = Result {
                    try solve(system, y0: y0[i], t0: t0, times: times, parameters: parameters.count == 1 ? parameters[0] : parameters[i],
                              options: options)
                }
            }
        }
    }
    return try results.enumerated().map { i, r in
        do { return try r!.get() } catch { throw BatchError(index: i, error: error) }
    }
}

/// The first trajectory of a batch that failed, and why.
public struct BatchError: Error {
    public let index: Int
    public let error: Error
}
