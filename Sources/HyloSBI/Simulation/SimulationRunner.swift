import Dispatch
import Glibc
import HyloCore

/// What a batch of simulations produced.
public struct SimulationOutcome {
    /// `[n, d]`, as given.
    public var theta: Tensor
    /// `[n, outputs]`; rows of failed simulations hold NaN.
    public var x: Tensor
    /// Whether simulation i succeeded and returned only finite values.
    public var valid: [Bool]
    /// What each simulator call returned (0, or a positive code for a failed simulation).
    public var codes: [Int32]
    /// Simulations whose callback returned a positive code (marked invalid by the simulator).
    public var failedCount: Int
    /// Simulations that returned NaN or ±Inf.
    public var nonFiniteCount: Int

    public var validCount: Int { valid.filter { $0 }.count }
}

public enum SimulationError: Error, CustomStringConvertible {
    /// The simulator returned a negative code: the whole run stops.
    case aborted(index: Int, code: Int32)
    case cancelled(completed: Int)

    public var description: String {
        switch self {
        case .aborted(let i, let code): return "the simulator returned \(code) for simulation \(i); the run was aborted"
        case .cancelled(let n): return "cancelled after \(n) simulations"
        }
    }
}

/// Runs a simulator on every row of θ on a fixed pool of workers.
///
/// Simulation i receives its own generator `Philox(seed, stream: i)` (and its index), so results
/// are identical for a seed whatever the number of workers or the order they run in. A simulator
/// returns 0 on success, > 0 to mark that simulation invalid, < 0 to abort the run. `progress`
/// (called from one thread at a time, about every 1 % of the work) returning false cancels.
public func runSimulations(
    theta: Tensor, outputs: Int, workers: Int = 1, seed: UInt64,
    progress: ((Int, Int) -> Bool)? = nil,
    simulator: @escaping (_ index: Int, _ theta: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, _ rng: inout Philox) -> Int32
) throws -> SimulationOutcome {
    precondition(theta.rank == 2 && outputs > 0 && workers > 0, "runSimulations: θ must be [n, d], outputs > 0")
    let n = theta.shape[0], d = theta.shape[1]
    var x = [Double](repeating: .nan, count: n * outputs)
    var codes = [Int32](repeating: 0, count: n)
    let state = RunState()
    let reportEvery = Swift.max(1, n / 100)
    theta.scalars.withUnsafeBufferPointer { th in
        x.withUnsafeMutableBufferPointer { xs in
            codes.withUnsafeMutableBufferPointer { cs in
                let (thBase, xBase, cBase) = (th.baseAddress!, xs.baseAddress!, cs.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: Swift.min(workers, Swift.max(n, 1))) { _ in
                    while let i = state.next(below: n) {
                        var rng = Philox(seed: seed, stream: UInt64(i))
                        let code = simulator(i, UnsafeBufferPointer(start: thBase + i * d, count: d),
                                             UnsafeMutableBufferPointer(start: xBase + i * outputs, count: outputs), &rng)
                        cBase[i] = code
                        if code < 0 { state.abort(index: i, code: code) }
                        if let progress, state.finishOne() % reportEvery == 0, !state.reportProgress({ progress($0, n) }) {
                            state.cancel()
                        }
                    }
                }
            }
        }
    }
    if let (i, code) = state.abortion { throw SimulationError.aborted(index: i, code: code) }
    if state.cancelled { throw SimulationError.cancelled(completed: state.completed) }
    return summarize(theta: theta, x: &x, codes: codes, outputs: outputs)
}

/// Runs a batched simulator on blocks of `batchSize` rows of θ on a pool of workers.
///
/// The simulator gets a block's θ rows, writes their x rows and a status per row (0 valid, > 0
/// invalid), and returns 0, or < 0 to abort the run. Row i's generator is `Philox(seed, stream: i)`
/// whatever the blocks, so results are identical for any batch size and number of workers when the
/// simulator draws row i's randomness from `seeds[i]`.
public func runBatchedSimulations(
    theta: Tensor, outputs: Int, batchSize: Int, workers: Int = 1, seed: UInt64,
    progress: ((Int, Int) -> Bool)? = nil,
    simulator: @escaping (_ rows: Range<Int>, _ theta: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>,
                          _ seeds: UnsafeBufferPointer<UInt64>, _ status: UnsafeMutableBufferPointer<Int32>) -> Int32
) throws -> SimulationOutcome {
    precondition(theta.rank == 2 && outputs > 0 && workers > 0 && batchSize > 0, "runBatchedSimulations: bad arguments")
    let n = theta.shape[0], d = theta.shape[1]
    let seeds = (0..<n).map { i -> UInt64 in var r = Philox(seed: seed, stream: UInt64(i)); return r.nextUInt64() }
    let blocks = (n + batchSize - 1) / batchSize
    var x = [Double](repeating: .nan, count: n * outputs)
    var codes = [Int32](repeating: 0, count: n)
    let state = RunState()
    theta.scalars.withUnsafeBufferPointer { th in
        x.withUnsafeMutableBufferPointer { xs in
            codes.withUnsafeMutableBufferPointer { cs in
                seeds.withUnsafeBufferPointer { sd in
                    let (thBase, xBase, cBase, sBase) = (th.baseAddress!, xs.baseAddress!, cs.baseAddress!, sd.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: Swift.min(workers, Swift.max(blocks, 1))) { _ in
                        while let b = state.next(below: blocks) {
                            let rows = (b * batchSize)..<Swift.min((b + 1) * batchSize, n)
                            let code = simulator(rows, UnsafeBufferPointer(start: thBase + rows.lowerBound * d, count: rows.count * d),
                                                 UnsafeMutableBufferPointer(start: xBase + rows.lowerBound * outputs, count: rows.count * outputs),
                                                 UnsafeBufferPointer(start: sBase + rows.lowerBound, count: rows.count),
                                                 UnsafeMutableBufferPointer(start: cBase + rows.lowerBound, count: rows.count))
                            if code < 0 { state.abort(index: rows.lowerBound, code: code) }
                            let done = state.finish(rows.count)
                            if let progress, !state.reportProgress({ _ in progress(done, n) }) { state.cancel() }
                        }
                    }
                }
            }
        }
    }
    if let (i, code) = state.abortion { throw SimulationError.aborted(index: i, code: code) }
    if state.cancelled { throw SimulationError.cancelled(completed: state.completed) }
    return summarize(theta: theta, x: &x, codes: codes, outputs: outputs)
}

/// Marks failed and non-finite rows and counts them.
private func summarize(theta: Tensor, x: inout [Double], codes: [Int32], outputs: Int) -> SimulationOutcome {
    let n = codes.count
    var valid = [Bool](repeating: true, count: n)
    var failed = 0, nonFinite = 0
    for i in 0..<n {
        if codes[i] > 0 {
            failed += 1; valid[i] = false
            for j in 0..<outputs { x[i * outputs + j] = .nan }
        } else if (0..<outputs).contains(where: { !x[i * outputs + $0].isFinite }) {
            nonFinite += 1; valid[i] = false
        }
    }
    return SimulationOutcome(theta: theta, x: Tensor(shape: [n, outputs], scalars: x), valid: valid, codes: codes,
                             failedCount: failed, nonFiniteCount: nonFinite)
}

/// Work distribution and early stopping shared by the workers of one run.
private final class RunState: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var nextIndex = 0
    private(set) var completed = 0
    private(set) var abortion: (Int, Int32)?
    private(set) var cancelled = false

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return body()
    }

    /// The next simulation to run, or nil when done, aborted or cancelled.
    func next(below n: Int) -> Int? {
        locked {
            guard nextIndex < n, abortion == nil, !cancelled else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func finishOne() -> Int { finish(1) }
    func finish(_ count: Int) -> Int { locked { completed += count; return completed } }

    func abort(index: Int, code: Int32) {
        locked {
            if let (first, _) = abortion, first <= index { return }
            abortion = (index, code)
        }
    }

    func cancel() { locked { cancelled = true } }

    /// Calls the progress callback under the lock, so it never runs on two threads at once.
    func reportProgress(_ report: (Int) -> Bool) -> Bool { locked { report(completed) } }
}
