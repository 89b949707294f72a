import Glibc
import HyloCore
import HyloSBI

/// A benchmark problem of simulation-based inference: a prior, a simulator, and (for the sbibm
/// tasks) reference posteriors stored as files.
public protocol SBITask: AnyObject {
    var name: String { get }
    var prior: Prior { get }
    var dataDimension: Int { get }
    /// Writes one simulation of θ into `x`; returns 0, or > 0 for a failed simulation.
    func simulate(_ theta: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32
}

extension SBITask {
    /// θ from the prior and x from the simulator, deterministic for a seed whatever `workers`.
    public func simulations(_ n: Int, seed: UInt64, workers: Int = 1) throws -> (theta: Tensor, x: Tensor) {
        var rng = Philox(seed: seed, stream: 0x7461_736b)
        let theta = prior.sample(n, rng: &rng)
        return (theta, try simulate(theta, seed: seed, workers: workers))
    }

    /// x for given θ (`[n, d]`, e.g. drawn from a posterior); failed simulations give rows of NaN.
    public func simulate(_ theta: Tensor, seed: UInt64, workers: Int = 1) throws -> Tensor {
        try runSimulations(theta: theta, outputs: dataDimension, workers: workers, seed: seed) { _, th, x, rng in
            self.simulate(th, x, rng: &rng)
        }.x
    }
}

/// The built-in tasks by name.
public func makeTask(_ name: String) -> SBITask? {
    switch name {
    case "two_moons": return TwoMoons()
    case "gaussian_linear": return GaussianLinear(uniformPrior: false)
    case "gaussian_linear_uniform": return GaussianLinear(uniformPrior: true)
    case "gaussian_mixture": return GaussianMixture()
    case "slcp": return SLCP()
    case "bernoulli_glm": return BernoulliGLM()
    case "sir": return SIR()
    case "lotka_volterra": return LotkaVolterra()
    default: return nil
    }
}

public let builtInTaskNames = ["two_moons", "gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture", "slcp", "bernoulli_glm",
                                     "sir", "lotka_volterra"]

/// Reads a headerless CSV of numbers (the sbibm reference files) as an `[rows, columns]` tensor.
public func readCSV(_ path: String) throws -> Tensor {
    guard let f = fopen(path, "r") else { throw CSVError(path: path, reason: String(cString: strerror(errno))) }
    defer { fclose(f) }
    var rows: [[Double]] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, f) > 0, let line {
        let text = String(cString: line).trimmingWhitespace
        if text.isEmpty { continue }
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters) }
        guard values.allSatisfy({ $0 != nil }) else { throw CSVError(path: path, reason: "row \(rows.count + 1) is not numeric") }
        rows.append(values.map { $0! })
    }
    guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else {
        throw CSVError(path: path, reason: "rows are empty or of unequal length")
    }
    return Tensor(rows: rows)
}

public struct CSVError: Error, CustomStringConvertible {
    public let path: String, reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
    var trimmingCharacters: String { trimmingWhitespace }
}

/// The observation and reference posterior samples of an sbibm task, from `root/<task>/obs<k>/`.
public func sbibmReference(root: String, task: String, observation k: Int) throws -> (observation: Tensor, samples: Tensor) {
    let dir = "\(root)/\(task)/obs\(k)"
    return (try readCSV("\(dir)/observation.csv"), try readCSV("\(dir)/reference_posterior_samples.csv"))
}
