import Glibc
import HyloCore

/// Positions, momenta, log-densities and gradients of a batch of Hamiltonian trajectories, with
/// a diagonal inverse mass matrix M⁻¹ per row: H(z, p) = −log p(z) + ½ Σⱼ M⁻¹ⱼ pⱼ².
struct PhaseState {
    var z: [Double]
    var p: [Double]
    var logDensity: [Double]
    var gradient: [Double]

    var rows: Int { logDensity.count }

    /// The energy of row r.
    func energy(_ r: Int, inverseMass: [Double]) -> Double {
        let d = z.count / rows
        var kinetic = 0.0
        for j in 0..<d { kinetic += inverseMass[r * d + j] * p[r * d + j] * p[r * d + j] }
        return -logDensity[r] + 0.5 * kinetic
    }

    /// Row r of the velocity M⁻¹ p (the "sharp" momentum of the no-U-turn criterion).
    func velocity(_ r: Int, inverseMass: [Double]) -> [Double] {
        let d = z.count / rows
        return (0..<d).map { inverseMass[r * d + $0] * p[r * d + $0] }
    }

    /// One leapfrog step of size ε_r for every row: p ← p + ε/2 ∇, z ← z + ε M⁻¹ p, p ← p + ε/2 ∇.
    mutating func leapfrog(_ target: LogDensity, stepSizes: [Double], inverseMass: [Double]) {
        let d = target.dimension
        for r in 0..<rows {
            for j in 0..<d {
                let k = r * d + j
                p[k] += 0.5 * stepSizes[r] * gradient[k]
                z[k] += stepSizes[r] * inverseMass[k] * p[k]
            }
        }
        (logDensity, gradient) = target.valuesAndGradients(z, rows: rows)
        for r in 0..<rows { for j in 0..<d { p[r * d + j] += 0.5 * stepSizes[r] * gradient[r * d + j] } }
    }

    /// Fresh momenta p ~ N(0, M).
    mutating func resampleMomenta(inverseMass: [Double], rngs: inout [Philox]) {
        let d = z.count / rows
        for r in 0..<rows { for j in 0..<d { p[r * d + j] = rngs[r].normal() / inverseMass[r * d + j].squareRoot() } }
    }
}

/// Dual averaging of log ε towards a target mean acceptance (Hoffman & Gelman 2014, Algorithm 5;
/// γ = 0.05, t₀ = 10, κ = 0.75, shrinking towards μ = log 10 ε₀).
struct StepSizeAdaptation {
    let target: Double
    private var mu = 0.0, averageError = 0.0, logAverage = 0.0, t = 0
    private(set) var stepSize: Double

    init(target: Double, initial: Double) {
        self.target = target
        stepSize = initial
        restart(from: initial)
    }

    mutating func restart(from epsilon: Double) {
        mu = Glibc.log(10 * epsilon)
        averageError = 0
        logAverage = 0
        t = 0
        stepSize = epsilon
    }

    mutating func update(acceptance: Double) {
        t += 1
        let a = acceptance.isFinite ? acceptance : 0
        let w = 1 / (Double(t) + 10)
        averageError = (1 - w) * averageError + w * (target - a)
        let logEpsilon = mu - Double(t).squareRoot() / 0.05 * averageError
        let eta = Glibc.pow(Double(t), -0.75)
        logAverage = eta * logEpsilon + (1 - eta) * logAverage
        stepSize = Glibc.exp(logEpsilon)
    }

    /// The averaged step size used after warm-up.
    var adapted: Double { t == 0 ? stepSize : Glibc.exp(logAverage) }
}

/// Warm-up of a diagonal mass matrix, in Stan's spirit with a single window: the first 15 % of
/// warm-up tune only the step size; steps in [15 %, 90 %) also collect the variance of the visited
/// positions; at 90 % M⁻¹ becomes that variance (shrunk towards 10⁻³ as Stan does) and the step
/// size adaptation restarts; the last 10 % tune the step size for the new metric.
struct MassMatrixAdaptation {
    let d: Int
    private var count = 0
    private var mean: [Double]
    private var squares: [Double]

    init(dimension d: Int) {
        self.d = d
        mean = [Double](repeating: 0, count: d)
        squares = mean
    }

    static func collects(step: Int, of warmup: Int) -> Bool {
        step >= warmup * 15 / 100 && step < warmup * 90 / 100
    }

    static func isWindowEnd(step: Int, of warmup: Int) -> Bool {
        warmup >= 20 && step == warmup * 90 / 100
    }

    mutating func add(_ z: ArraySlice<Double>) {
        count += 1
        for (j, x) in z.enumerated() {
            let delta = x - mean[j]
            mean[j] += delta / Double(count)
            squares[j] += delta * (x - mean[j])
        }
    }

    /// The regularized variance, or nil with fewer than 3 points.
    var inverseMass: [Double]? {
        guard count >= 3 else { return nil }
        let n = Double(count)
        return squares.map { s in
            let v = (n / (n + 5)) * s / (n - 1) + 1e-3 * 5 / (n + 5)
            return v.isFinite && v > 0 ? v : 1
        }
    }
}

/// A starting step size for each row (Hoffman & Gelman 2014, Algorithm 4): from ε = 1, double or
/// halve until one leapfrog step's acceptance ratio crosses ½. Also returns the rows evaluated.
func initialStepSizes(_ target: LogDensity, at state: PhaseState, inverseMass: [Double],
                      rngs: inout [Philox]) -> (stepSizes: [Double], evaluations: Int) {
    let rows = state.rows
    var epsilon = [Double](repeating: 1, count: rows)
    var start = state
    start.resampleMomenta(inverseMass: inverseMass, rngs: &rngs)
    let h0 = (0..<rows).map { start.energy($0, inverseMass: inverseMass) }
    var evaluations = 0
    func logRatios() -> [Double] {
        evaluations += rows
        var s = start
        s.leapfrog(target, stepSizes: epsilon, inverseMass: inverseMass)
        return (0..<rows).map { r in let v = h0[r] - s.energy(r, inverseMass: inverseMass); return v.isNaN ? -.infinity : v }
    }
    let direction = logRatios().map { $0 > Glibc.log(0.5) ? 1.0 : -1.0 }
    var done = [Bool](repeating: false, count: rows)
    for _ in 0..<60 where done.contains(false) {
        for r in 0..<rows where !done[r] { epsilon[r] *= Glibc.pow(2, direction[r]) }
        let ratios = logRatios()
        for r in 0..<rows where !done[r] {
            if direction[r] * ratios[r] <= direction[r] * Glibc.log(0.5) { done[r] = true }
        }
    }
    return (epsilon, evaluations)
}
