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
struct RationalQuadraticSpline {
    static let minBin = 1e-3, minDerivative = 1e-3

    /// Knot positions `[n, K+1]` from unnormalized bin sizes `[n, K]`.
    static func knots(_ unnormalized: Tensor, bound: Double) -> Tensor {
        let k = unnormalized.shape[1]
        let sizes = unnormalized.softmax(axis: 1) * (1 - minBin * Double(k)) + minBin
        let cumulative = sizes.cumulativeSum(axis: 1) * (2 * bound) - bound
        let left = Tensor.filled([unnormalized.shape[0], 1], -bound)
        // The last knot is B up to rounding; pin it there exactly.
        let inner = cumulative.slice(axis: 1, start: 0, end: k - 1)
        return Tensor.concatenate([left, inner, Tensor.filled([unnormalized.shape[0], 1], bound)], axis: 1)
    }

    /// Knot derivatives `[n, K+1]`: 1 at both ends, `minDerivative + softplus(· + c)` inside, with
    /// c = softplus⁻¹(1 − minDerivative) so that zero parameters give derivative 1 (with equal bins,
    /// the identity).
    static func derivatives(_ unnormalized: Tensor) -> Tensor {
        let one = Tensor.ones([unnormalized.shape[0], 1])
        return Tensor.concatenate([one, (unnormalized + 0.5397424172369522).softplus() + minDerivative, one], axis: 1)
    }

    /// Bin parameters gathered at each element's bin: (x_k, w_k, y_k, h_k, d_k, d_{k+1}), each `[n, 1]`.
    static func bin(of v: Tensor, knotsOfV: Tensor, xKnots: Tensor, yKnots: Tensor, d: Tensor)
        -> (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)
    {
        let n = v.shape[0], k = xKnots.shape[1] - 1
        let located = knotsOfV.detached().searchSorted(v.detached().reshaped([n, 1]), right: true)
        let index = located.indices.map { Swift.min(Swift.max($0 - 1, 0), k - 1) }
        let lo = IndexTensor(shape: [n, 1], indices: index), hi = IndexTensor(shape: [n, 1], indices: index.map { $0 + 1 })
        let x0 = xKnots.gather(axis: 1, index: lo), y0 = yKnots.gather(axis: 1, index: lo)
        return (x0, xKnots.gather(axis: 1, index: hi) - x0, y0, yKnots.gather(axis: 1, index: hi) - y0,
                d.gather(axis: 1, index: lo), d.gather(axis: 1, index: hi))
    }

    /// y and log |dy/dx| for x `[n]` (one spline per row); parameters `[n, K]`, `[n, K]`, `[n, K−1]`.
    static func forward(_ x: Tensor, widths: Tensor, heights: Tensor, derivatives dRaw: Tensor, bound: Double) -> (Tensor, Tensor) {
        let n = x.shape[0]
        let xk = knots(widths, bound: bound), yk = knots(heights, bound: bound), d = derivatives(dRaw)
        let inside = Tensor(shape: [n], scalars: x.scalars.map { $0 >= -bound && $0 <= bound ? 1 : 0 })
        let xc = Tensor.where(inside, x, Tensor.zeros([n])).reshaped([n, 1])   // safe point outside
        let (x0, w, y0, h, d0, d1) = bin(of: xc, knotsOfV: xk, xKnots: xk, yKnots: yk, d: d)
        let xi = (xc - x0) / w, s = h / w
        let t = xi * (1 - xi)
        let denominator = s + (d1 + d0 - s * 2) * t
        let y = y0 + h * (s * xi.squared() + d0 * t) / denominator
        let derivative = s.squared() * (d1 * xi.squared() + s * t * 2 + d0 * (1 - xi).squared()) / denominator.squared()
        let out = Tensor.where(inside, y.reshaped([n]), x)
        let logDet = Tensor.where(inside, derivative.log().reshaped([n]), Tensor.zeros([n]))
        return (out, logDet)
    }

    /// x for y `[n]` (the inverse of `forward` with the same parameters).
    static func inverse(_ y: Tensor, widths: Tensor, heights: Tensor, derivatives dRaw: Tensor, bound: Double) -> Tensor {
        let n = y.shape[0]
        let xk = knots(widths, bound: bound), yk = knots(heights, bound: bound), d = derivatives(dRaw)
        let inside = Tensor(shape: [n], scalars: y.scalars.map { $0 >= -bound && $0 <= bound ? 1 : 0 })
        let yc = Tensor.where(inside, y, Tensor.zeros([n])).reshaped([n, 1])
        let (x0, w, y0, h, d0, d1) = bin(of: yc, knotsOfV: yk, xKnots: xk, yKnots: yk, d: d)
        let s = h / w, dy = yc - y0, slope = d1 + d0 - s * 2
        let a = h * (s - d0) + dy * slope
        let b = h * d0 - dy * slope
        let c = -(s * dy)
        let discriminant = Tensor.where((b.squared() - a * c * 4).greater(0), b.squared() - a * c * 4, Tensor.zeros([n, 1]))
        let xi = (c * 2) / (-b - discriminant.sqrt())
        return Tensor.where(inside, (xi * w + x0).reshaped([n]), y)
    }
}
