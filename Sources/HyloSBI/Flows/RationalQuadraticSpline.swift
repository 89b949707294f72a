import Glibc
import HyloCore

/// Monotonic rational-quadratic splines (Durkan et al., "Neural Spline Flows", 2019), elementwise,
/// on [−B, B] with identity ("linear") tails outside, as in nflows with `tails="linear"`.
///
/// Each of the `n` rows has K bins whose widths and heights are softmaxes of unnormalized
/// parameters (each at least `minBin` of the interval) and K − 1 interior knot derivatives
/// `minDerivative + softplus(·)`; the derivatives at ±B are 1 so the tails join smoothly. Inside
/// bin k with ξ = (x − xₖ)/wₖ and sₖ = hₖ/wₖ:
///   y = yₖ + hₖ [sₖ ξ² + dₖ ξ(1−ξ)] / [sₖ + (dₖ₊₁ + dₖ − 2sₖ) ξ(1−ξ)],
///   dy/dx = sₖ² [dₖ₊₁ ξ² + 2sₖ ξ(1−ξ) + dₖ (1−ξ)²] / [sₖ + (dₖ₊₁ + dₖ − 2sₖ) ξ(1−ξ)]².
/// The inverse solves the quadratic in ξ with the numerically stable root 2c / (−b − √(b² − 4ac)).
///
/// Evaluated by a fused kernel — one pass per row builds the knots, one per element finds the
/// bin and evaluates — with its vector–Jacobian product written out by hand; the same spline as
/// taped tensor ops (`ComposedRationalQuadraticSpline`, some fifty ops) made NSF training several
/// times slower than MAF. The inverse is for sampling and is not differentiable.
struct RationalQuadraticSpline {
    static let minBin = 1e-3, minDerivative = 1e-3
    /// softplus⁻¹(1 − minDerivative): zero parameters give interior derivatives 1 and, with equal
    /// bins, the identity.
    static let derivativeOffset = 0.5397424172369522

    let bins: Int
    let bound: Double

    /// Values per row of the parameters: K widths, K heights, K − 1 interior derivatives.
    var parametersPerRow: Int { 3 * bins - 1 }

    /// y and log |dy/dx| for x `[n]` (one spline per row) and unnormalized parameters `[n, 3K − 1]`.
    func forward(_ x: Tensor, _ parameters: Tensor) -> (y: Tensor, logDet: Tensor) {
        let n = x.shape[0]
        precondition(parameters.shape == [n, parametersPerRow], "spline parameters \(parameters.shape), expected [\(n), \(parametersPerRow)]")
        let geometry = self.geometry(parameters)
        var out = Tensor.zeros([2, n])
        out.withMutableScalars { o in
            x.scalars.withUnsafeBufferPointer { xs in
                geometry.withUnsafeBufferPointer { g in
                    for r in 0..<n {
                        guard let bin = evaluate(at: xs[r], row: g.baseAddress! + r * geometryStride) else {
                            o[r] = xs[r]; continue
                        }
                        o[r] = bin.y
                        o[n + r] = bin.logDerivative
                    }
                }
            }
        }
        let packed = Tensor.fused(out, inputs: [x, parameters]) { g in
            if isRecordingGradients { return composedVJP(x, parameters, g) }
            return vjp(x, geometry, g)
        }
        return (packed.slice(axis: 0, start: 0, end: 1).reshaped([n]), packed.slice(axis: 0, start: 1, end: 2).reshaped([n]))
    }

    /// x for y `[n]`: the inverse of `forward` with the same parameters (a constant, for sampling).
    func inverse(_ y: Tensor, _ parameters: Tensor) -> Tensor {
        let n = y.shape[0], k = bins
        precondition(parameters.shape == [n, parametersPerRow], "spline parameters \(parameters.shape), expected [\(n), \(parametersPerRow)]")
        let geometry = self.geometry(parameters)
        var out = y.detached()
        out.withMutableScalars { o in
            geometry.withUnsafeBufferPointer { gb in
                for r in 0..<n where o[r] >= -bound && o[r] <= bound {
                    let g = gb.baseAddress! + r * geometryStride
                    let (xk, yk, d) = (g, g + k + 1, g + 2 * (k + 1))
                    let b = locate(o[r], in: yk)
                    let w = xk[b + 1] - xk[b], h = yk[b + 1] - yk[b], s = h / w
                    let dy = o[r] - yk[b], slope = d[b + 1] + d[b] - 2 * s
                    let qa = h * (s - d[b]) + dy * slope, qb = h * d[b] - dy * slope, qc = -s * dy
                    let discriminant = Swift.max(qb * qb - 4 * qa * qc, 0)
                    o[r] = 2 * qc / (-qb - discriminant.squareRoot()) * w + xk[b]
                }
            }
        }
        return out
    }

    // MARK: geometry of each row

    /// Per row: knots x (K + 1), knots y (K + 1), knot derivatives (K + 1), then for the backward
    /// pass the width and height softmax shares (K each) and softplus′ of the derivatives (K − 1).
    private var geometryStride: Int { 6 * bins + 2 }

    private func geometry(_ parameters: Tensor) -> [Double] {
        let n = parameters.shape[0], k = bins, rowStride = geometryStride, perRow = parametersPerRow
        // All exponentials at once, by the engine's vectorized kernel: bin sizes minus their row's
        // largest (the softmax), and −|z| for the derivatives (softplus and its slope share it).
        var arguments = [Double](repeating: 0, count: n * perRow)
        parameters.scalars.withUnsafeBufferPointer { pb in
            arguments.withUnsafeMutableBufferPointer { ab in
                for r in 0..<n {
                    let (u, a) = (pb.baseAddress! + r * perRow, ab.baseAddress! + r * perRow)
                    for part in stride(from: 0, to: 2 * k, by: k) {
                        var largest = -Double.infinity
                        for i in part..<(part + k) { largest = Swift.max(largest, u[i]) }
                        for i in part..<(part + k) { a[i] = u[i] - largest }
                    }
                    for j in (2 * k)..<perRow { a[j] = -abs(u[j] + Self.derivativeOffset) }
                }
            }
        }
        let exponentials = Tensor(shape: [n * perRow], scalars: arguments).exp()
        return [Double](unsafeUninitializedCapacity: n * rowStride) { g, count in
            parameters.scalars.withUnsafeBufferPointer { pb in exponentials.scalars.withUnsafeBufferPointer { eb in
                for r in 0..<n {
                    let (p, e, row) = (pb.baseAddress! + r * perRow, eb.baseAddress! + r * perRow, g.baseAddress! + r * rowStride)
                    let (d, shares) = (row + 2 * (k + 1), row + 3 * (k + 1))
                    knots(fromExponentials: e, shares: shares, into: row)
                    knots(fromExponentials: e + k, shares: shares + k, into: row + k + 1)
                    d[0] = 1; d[k] = 1
                    for j in 0..<(k - 1) {
                        let z = p[2 * k + j] + Self.derivativeOffset, ez = e[2 * k + j]
                        d[j + 1] = Self.minDerivative + Swift.max(z, 0) + Self.log1pOfUnit(ez)
                        shares[2 * k + j] = (z >= 0 ? 1 : ez) / (1 + ez)
                    }
                }
            } }
            count = n * rowStride
        }
    }

    /// log(1 + e) for 0 ≤ e ≤ 1 as 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + …) with s = e / (2 + e) ≤ 1/3;
    /// 18 terms reach double precision, and the loop it sits in vectorizes (glibc's `log1p` does not).
    @inline(__always)
    private static func log1pOfUnit(_ e: Double) -> Double {
        let s = e / (2 + e), s2 = s * s
        var sum = 1.0 / 35
        sum = (1.0 / 33).addingProduct(sum, s2)
        sum = (1.0 / 31).addingProduct(sum, s2)
        sum = (1.0 / 29).addingProduct(sum, s2)
        sum = (1.0 / 27).addingProduct(sum, s2)
        sum = (1.0 / 25).addingProduct(sum, s2)
        sum = (1.0 / 23).addingProduct(sum, s2)
        sum = (1.0 / 21).addingProduct(sum, s2)
        sum = (1.0 / 19).addingProduct(sum, s2)
        sum = (1.0 / 17).addingProduct(sum, s2)
        sum = (1.0 / 15).addingProduct(sum, s2)
        sum = (1.0 / 13).addingProduct(sum, s2)
        sum = (1.0 / 11).addingProduct(sum, s2)
        sum = (1.0 / 9).addingProduct(sum, s2)
        sum = (1.0 / 7).addingProduct(sum, s2)
        sum = (1.0 / 5).addingProduct(sum, s2)
        sum = (1.0 / 3).addingProduct(sum, s2)
        sum = (1.0 / 1).addingProduct(sum, s2)
        return 2 * s * sum
    }

    /// Knots −B = κ₀ < … < κ_K = B from the exponentials of K bin sizes (shifted by their largest);
    /// the softmax shares are kept.
    private func knots(fromExponentials e: UnsafePointer<Double>, shares: UnsafeMutablePointer<Double>,
                       into knot: UnsafeMutablePointer<Double>) {
        let k = bins
        var total = 0.0
        for i in 0..<k { total += e[i] }
        let scale = 1 - Self.minBin * Double(k)
        var cumulative = 0.0
        knot[0] = -bound
        for i in 0..<k {
            shares[i] = e[i] / total
            cumulative += shares[i] * scale + Self.minBin
            knot[i + 1] = cumulative * (2 * bound) - bound
        }
        knot[k] = bound  // B up to rounding; pinned exactly
    }

    /// The bin of v among sorted knots: the last k < K with κ_k ≤ v.
    private func locate(_ v: Double, in knot: UnsafePointer<Double>) -> Int {
        var b = 0
        while b + 1 < bins && knot[b + 1] <= v { b += 1 }
        return b
    }

    // MARK: one element

    /// The spline at x inside its bin, with the intermediate values its derivatives need.
    private struct BinEvaluation {
        var bin: Int
        var xi, s, w, h, d0, d1, t, numerator, denominator, slopeNumerator: Double
        var y: Double
        var logDerivative: Double { 2 * log(s) + log(slopeNumerator) - 2 * log(denominator) }
    }

    /// `nil` outside [−B, B], where the spline is the identity.
    private func evaluate(at x: Double, row g: UnsafePointer<Double>) -> BinEvaluation? {
        guard x >= -bound && x <= bound else { return nil }
        let k = bins
        let (xk, yk, d) = (g, g + k + 1, g + 2 * (k + 1))
        let b = locate(x, in: xk)
        let w = xk[b + 1] - xk[b], h = yk[b + 1] - yk[b], s = h / w
        let xi = (x - xk[b]) / w, t = xi * (1 - xi)
        let (d0, d1) = (d[b], d[b + 1])
        let numerator = s * xi * xi + d0 * t
        let denominator = s + (d1 + d0 - 2 * s) * t
        let slopeNumerator = d1 * xi * xi + 2 * s * t + d0 * (1 - xi) * (1 - xi)
        return BinEvaluation(bin: b, xi: xi, s: s, w: w, h: h, d0: d0, d1: d1, t: t, numerator: numerator,
                             denominator: denominator, slopeNumerator: slopeNumerator,
                             y: yk[b] + h * numerator / denominator)
    }

    // MARK: vector–Jacobian product

    /// Cotangents of x `[n]` and the parameters `[n, 3K − 1]` for the cotangent g `[2, n]` of
    /// (y, log dy/dx). With a = d₁ + d₀ − 2s, N = sξ² + d₀t, D = s + a t and S = d₁ξ² + 2st + d₀(1−ξ)²:
    ///   y = y₀ + hN/D,  log dy/dx = 2 log s + log S − 2 log D,
    /// differentiated by ξ, s, h, y₀, d₀, d₁; then ξ = (x − x₀)/w and s = h/w carry them to x and
    /// the bin's knots, the cumulative sums to the softmax shares and the softmax and softplus
    /// to the unnormalized parameters.
    private func vjp(_ x: Tensor, _ geometry: [Double], _ g: Tensor) -> [Tensor?] {
        let n = x.shape[0], k = bins, stride = geometryStride, perRow = parametersPerRow
        var gx = Tensor.zeros([n]), gp = Tensor.zeros([n, perRow])
        let scale = 1 - Self.minBin * Double(k)
        gx.withMutableScalars { gxs in gp.withMutableScalars { gps in
            x.scalars.withUnsafeBufferPointer { xs in g.scalars.withUnsafeBufferPointer { gs in
                geometry.withUnsafeBufferPointer { gb in
                    for r in 0..<n {
                        let row = gb.baseAddress! + r * stride
                        let gy = gs[r], gl = gs[n + r]
                        guard let e = evaluate(at: xs[r], row: row) else { gxs[r] = gy; continue }
                        let a = e.d1 + e.d0 - 2 * e.s, oneMinus2xi = 1 - 2 * e.xi
                        // y through N and D
                        let yN = e.h / e.denominator, yD = -e.h * e.numerator / (e.denominator * e.denominator)
                        let yXi = yN * (2 * e.s * e.xi + e.d0 * oneMinus2xi) + yD * a * oneMinus2xi
                        let yS = yN * e.xi * e.xi + yD * (1 - 2 * e.t)
                        // log dy/dx through s, S and D
                        let (invS, invD) = (1 / e.slopeNumerator, 1 / e.denominator)
                        let lXi = (2 * e.d1 * e.xi + 2 * e.s * oneMinus2xi - 2 * e.d0 * (1 - e.xi)) * invS - 2 * a * oneMinus2xi * invD
                        let lS = 2 / e.s + 2 * e.t * invS - 2 * (1 - 2 * e.t) * invD
                        let gXi = gy * yXi + gl * lXi, gS = gy * yS + gl * lS
                        gxs[r] = gXi / e.w
                        let gX0 = -gXi / e.w, gW = -(gXi * e.xi + gS * e.s) / e.w
                        let gH = gy * e.numerator / e.denominator + gS / e.w
                        let gD0 = gy * (yN + yD) * e.t + gl * ((1 - e.xi) * (1 - e.xi) * invS - 2 * e.t * invD)
                        let gD1 = gy * yD * e.t + gl * (e.xi * e.xi * invS - 2 * e.t * invD)
                        // knots → shares → unnormalized parameters
                        let shares = row + 3 * (k + 1), p = gps.baseAddress! + r * perRow, b = e.bin
                        binsCotangent(lower: gX0 - gW, upper: gW, bin: b, shares: shares, scale: scale, into: p)
                        binsCotangent(lower: gy - gH, upper: gH, bin: b, shares: shares + k, scale: scale, into: p + k)
                        if b >= 1 { p[2 * k + b - 1] = gD0 * shares[2 * k + b - 1] }
                        if b + 1 <= k - 1 { p[2 * k + b] = gD1 * shares[2 * k + b] }
                    }
                }
            } }
        } }
        return [gx, gp]
    }

    /// The cotangent of K unnormalized bin sizes given those of the two knots κ_b (`lower`) and
    /// κ_{b+1} (`upper`) of one bin. Interior knot j is −B + 2B Σ_{i<j} (shareᵢ·scale + minBin), so
    /// share i collects 2B·scale times the cotangents of the interior knots j > i; the softmax
    /// then gives uᵢ: shareᵢ (ḡᵢ − Σⱼ shareⱼ ḡⱼ).
    private func binsCotangent(lower: Double, upper: Double, bin b: Int, shares: UnsafePointer<Double>, scale: Double,
                               into out: UnsafeMutablePointer<Double>) {
        let k = bins, factor = 2 * bound * scale
        let knotCotangent = { (j: Int) -> Double in
            guard j >= 1 && j <= k - 1 else { return 0 }  // κ₀ and κ_K are fixed
            return j == b ? lower : (j == b + 1 ? upper : 0)
        }
        var suffix = 0.0, dot = 0.0
        for i in stride(from: k - 1, through: 0, by: -1) {
            suffix += knotCotangent(i + 1)
            out[i] = factor * suffix
            dot += shares[i] * out[i]
        }
        for i in 0..<k { out[i] = shares[i] * (out[i] - dot) }
    }

    /// The vector–Jacobian product through the composed spline, recorded: what higher derivatives use.
    private func composedVJP(_ x: Tensor, _ parameters: Tensor, _ g: Tensor) -> [Tensor?] {
        let n = x.shape[0]
        let (y, logDet) = ComposedRationalQuadraticSpline.forward(x, parameters, bins: bins, bound: bound)
        let packed = Tensor.concatenate([y.reshaped([1, n]), logDet.reshaped([1, n])], axis: 0)
        return gradients(of: packed, wrt: [x, parameters], seed: g, createGraph: true)
    }
}
