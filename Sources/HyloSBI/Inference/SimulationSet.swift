import HyloCore

/// The simulations (θᵢ, xᵢ) an estimator trains on. Rows whose x is not finite (failed
/// simulations) are counted and left out, as sbi's `exclude_invalid_x`; a non-finite θ is an error.
struct SimulationSet {
    let parameterDimension: Int
    private(set) var theta: [Double] = []
    private(set) var x: [Double] = []
    private(set) var count = 0
    private(set) var excluded = 0
    private(set) var observationDimension: Int?

    init(parameterDimension: Int) { self.parameterDimension = parameterDimension }

    /// Adds θ `[n, d]` and x `[n, c]`; c must match earlier simulations and `expected` (the
    /// observation dimension of an already trained estimator).
    mutating func append(theta t: Tensor, x s: Tensor, expected: Int?) throws -> (kept: Int, excluded: Int) {
        let d = parameterDimension
        guard t.rank == 2, t.shape[1] == d else {
            throw InferenceError.shape("theta has shape \(t.shape); the prior has dimension \(d)")
        }
        guard s.rank == 2, s.shape[0] == t.shape[0] else {
            throw InferenceError.shape("x has shape \(s.shape); expected \(t.shape[0]) rows like theta")
        }
        let c = s.shape[1]
        if let known = observationDimension ?? expected, known != c {
            throw InferenceError.shape("x has \(c) columns; earlier simulations had \(known)")
        }
        for i in 0..<t.shape[0] where t.scalars[(i * d)..<((i + 1) * d)].contains(where: { !$0.isFinite }) {
            throw InferenceError.shape("theta row \(i) is not finite")
        }
        var kept = 0
        for i in 0..<t.shape[0] {
            let row = s.scalars[(i * c)..<((i + 1) * c)]
            guard row.allSatisfy(\.isFinite) else { excluded += 1; continue }
            theta.append(contentsOf: t.scalars[(i * d)..<((i + 1) * d)])
            x.append(contentsOf: row)
            kept += 1
        }
        count += kept
        observationDimension = c
        return (kept, t.shape[0] - kept)
    }

    /// All kept simulations as tensors `[n, d]` and `[n, c]`.
    var tensors: (theta: Tensor, x: Tensor) {
        (Tensor(shape: [count, parameterDimension], scalars: theta), Tensor(shape: [count, observationDimension ?? 0], scalars: x))
    }
}
