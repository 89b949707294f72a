import HyloCore

/// The rational-quadratic spline of `RationalQuadraticSpline` written with ordinary tensor ops:
/// slower (some fifty taped ops per call), but differentiable to any order. It serves the fused
/// kernel's higher derivatives (`createGraph`) and is the reference the tests compare it with.
enum ComposedRationalQuadraticSpline {
    /// Knot positions `[n, K+1]` from unnormalized bin sizes `[n, K]`.
    static func knots(_ unnormalized: Tensor, bound: Double) -> Tensor {
        let k = unnormalized.shape[1], minBin = RationalQuadraticSpline.minBin
        let sizes = unnormalized.softmax(axis: 1) * (1 - minBin * Double(k)) + minBin
        let cumulative = sizes.cumulativeSum(axis: 1) * (2 * bound) - bound
        let left = Tensor.filled([unnormalized.shape[0], 1], -bound)
        // The last knot is B up to rounding; pin it there exactly.
        let inner = cumulative.slice(axis: 1, start: 0, end: k - 1)
        return Tensor.concatenate([left, inner, Tensor.filled([unnormalized.shape[0], 1], bound)], axis: 1)
    }

    /// Knot derivatives `[n, K+1]`: 1 at both ends, `minDerivative + softplus(· + c)` inside.
    static func derivatives(_ unnormalized: Tensor) -> Tensor {
        let one = Tensor.ones([unnormalized.shape[0], 1])
        let inside = (unnormalized + RationalQuadraticSpline.derivativeOffset).softplus() + RationalQuadraticSpline.minDerivative
        return Tensor.concatenate([one, inside, one], axis: 1)
    }

    /// y and log |dy/dx| for x `[n]` and unnormalized parameters `[n, 3K − 1]`.
    static func forward(_ x: Tensor, _ parameters: Tensor, bins k: Int, bound: Double) -> (Tensor, Tensor) {
        let n = x.shape[0]
        let xk = knots(parameters.slice(axis: 1, start: 0, end: k), bound: bound)
        let yk = knots(parameters.slice(axis: 1, start: k, end: 2 * k), bound: bound)
        let d = derivatives(parameters.slice(axis: 1, start: 2 * k, end: 3 * k - 1))
        let inside = Tensor(shape: [n], scalars: x.scalars.map { $0 >= -bound && $0 <= bound ? 1 : 0 })
        let xc = Tensor.where(inside, x, Tensor.zeros([n])).reshaped([n, 1])   // safe point outside
        let located = xk.detached().searchSorted(xc.detached(), right: true)
        let index = located.indices.map { Swift.min(Swift.max($0 - 1, 0), k - 1) }
        let lo = IndexTensor(shape: [n, 1], indices: index), hi = IndexTensor(shape: [n, 1], indices: index.map { $0 + 1 })
        let x0 = xk.gather(axis: 1, index: lo), y0 = yk.gather(axis: 1, index: lo)
        let w = xk.gather(axis: 1, index: hi) - x0, h = yk.gather(axis: 1, index: hi) - y0
        let d0 = d.gather(axis: 1, index: lo), d1 = d.gather(axis: 1, index: hi)
        let xi = (xc - x0) / w, s = h / w
        let t = xi * (1 - xi)
        let denominator = s + (d1 + d0 - s * 2) * t
        let y = y0 + h * (s * xi.squared() + d0 * t) / denominator
        let derivative = s.squared() * (d1 * xi.squared() + s * t * 2 + d0 * (1 - xi).squared()) / denominator.squared()
        let out = Tensor.where(inside, y.reshaped([n]), x)
        let logDet = Tensor.where(inside, derivative.log().reshaped([n]), Tensor.zeros([n]))
        return (out, logDet)
    }
}
