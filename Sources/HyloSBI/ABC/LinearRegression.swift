import HyloCore

/// Weighted least squares with an intercept, for the regressions of ABC (semi-automatic summaries
/// and regression adjustment): β minimizes Σᵢ wᵢ ‖yᵢ − β₀ − Bᵀ fᵢ‖², solved through the normal
/// equations by Cholesky with a tiny ridge (10⁻¹⁰ of the trace) so that collinear features do
/// not fail.
struct LinearRegression {
    /// `[p + 1, k]`: the intercept row, then one row per feature.
    let coefficients: [Double]
    let features: Int
    let targets: Int

    /// Fits `targets` (`[n, k]`) on `features` (`[n, p]`); `weights` (n, non-negative) default to 1.
    init(features f: Tensor, targets y: Tensor, weights: [Double]? = nil) throws {
        let (n, p, k) = (f.shape[0], f.shape[1], y.shape[1])
        let q = p + 1
        var gram = [Double](repeating: 0, count: q * q), rhs = [Double](repeating: 0, count: q * k)
        var row = [Double](repeating: 1, count: q)
        for i in 0..<n {
            let w = weights?[i] ?? 1
            guard w > 0 else { continue }
            for j in 0..<p { row[j + 1] = f.scalars[i * p + j] }
            for a in 0..<q {
                let wa = w * row[a]
                for b in 0...a { gram[a * q + b] += wa * row[b] }
                for c in 0..<k { rhs[a * k + c] += wa * y.scalars[i * k + c] }
            }
        }
        let trace = (0..<q).reduce(0) { $0 + gram[$1 * q + $1] }
        for a in 0..<q { gram[a * q + a] += 1e-10 * Swift.max(trace, 1e-300) }
        let l = try Tensor(shape: [q, q], scalars: gram).cholesky()
        let z = Tensor.solveTriangular(l, Tensor(shape: [q, k], scalars: rhs), lower: true)
        coefficients = Array(Tensor.solveTriangular(l, z, lower: true, transpose: true).scalars)
        features = p
        targets = k
    }

    /// Predictions `[n, k]` for features `[n, p]`.
    func predict(_ f: Tensor) -> Tensor {
        let n = f.shape[0]
        var out = [Double](repeating: 0, count: n * targets)
        for i in 0..<n {
            for c in 0..<targets {
                var s = coefficients[c]
                for j in 0..<features { s += f.scalars[i * features + j] * coefficients[(j + 1) * targets + c] }
                out[i * targets + c] = s
            }
        }
        return Tensor(shape: [n, targets], scalars: out)
    }

    /// The slope matrix applied to a feature difference: Bᵀ Δ for one row Δ of length p.
    func slopeTimes(_ delta: [Double]) -> [Double] {
        (0..<targets).map { c in (0..<features).reduce(0) { $0 + delta[$1] * coefficients[($1 + 1) * targets + c] } }
    }
}

/// Polynomial features without cross terms: x, x², …, x^degree per column (`[n, c · degree]`).
func polynomialFeatures(_ x: Tensor, degree: Int) -> Tensor {
    guard degree > 1 else { return x }
    let (n, c) = (x.shape[0], x.shape[1])
    var out = [Double](repeating: 0, count: n * c * degree)
    for i in 0..<n {
        for j in 0..<c {
            var power = 1.0
            for k in 0..<degree {
                power *= x.scalars[i * c + j]
                out[i * c * degree + k * c + j] = power
            }
        }
    }
    return Tensor(shape: [n, c * degree], scalars: out)
}
