import Glibc
import HyloCore

/// The Fourier exponential time-differencing Runge–Kutta scheme ETDRK4 (Cox & Matthews 2002) for
/// a periodic semilinear equation u_t = L u + N(u) on `points` equispaced points: L is diagonal in
/// Fourier space (one real factor per bin of the half spectrum) and integrated exactly, N(u) is
/// evaluated pointwise in physical space by fourth-order stages. The φ-function coefficients come
/// from contour integrals (Kassam & Trefethen 2005), so stiff and non-stiff modes are equally
/// accurate. The state is the half spectrum (real and imaginary parts, n/2+1 bins each).
public struct PeriodicETDRK4 {
    public let points: Int, step: Double
    let coefficients: ETDRK4Coefficients
    /// The transform of N(u), given u.
    let nonlinear: ([Double], [Double]) -> ([Double], [Double])

    /// - Parameters:
    ///   - linear: L's factor on each bin k = 0…points/2.
    ///   - nonlinearity: N(u) from u, in physical space.
    ///   - spectralNonlinearity: turns the transform of N(u) into the right-hand side's transform
    ///     (for example multiplies it by −ik for a conservative term −∂ₓ f(u)); identity by default.
    public init(points: Int, linear: [Double], step: Double, nonlinearity: @escaping (Tensor) -> Tensor,
                spectralNonlinearity: ((inout [Double], inout [Double]) -> Void)? = nil) {
        precondition(points >= 2 && linear.count == points / 2 + 1, "one linear factor per bin of the half spectrum")
        self.points = points; self.step = step
        coefficients = ETDRK4Coefficients(linear: linear, step: step)
        nonlinear = { re, im in
            let u = Tensor.irfft(real: Tensor(re), imag: Tensor(im), count: points)
            let (nr, ni) = nonlinearity(u).rfft()
            var r = nr.scalars.array, i = ni.scalars.array
            spectralNonlinearity?(&r, &i)
            return (r, i)
        }
    }

    /// The half spectrum of `u` (values at the grid points).
    public func spectrum(of u: [Double]) -> (re: [Double], im: [Double]) {
        let (re, im) = Tensor(u).rfft()
        return (re.scalars.array, im.scalars.array)
    }

    /// The grid values of a half spectrum.
    public func signal(of state: (re: [Double], im: [Double])) -> [Double] {
        Tensor.irfft(real: Tensor(state.re), imag: Tensor(state.im), count: points).scalars.array
    }

    /// Advances the state by `steps` steps.
    public func advance(_ state: inout (re: [Double], im: [Double]), steps: Int) {
        let c = coefficients, m = points / 2 + 1
        /// Σ coefficient ⊙ (r, i) over the terms.
        func combine(_ terms: [(coefficient: [Double], r: [Double], i: [Double])]) -> ([Double], [Double]) {
            var r = [Double](repeating: 0, count: m), i = r
            for t in terms { for k in 0..<m { r[k] += t.coefficient[k] * t.r[k]; i[k] += t.coefficient[k] * t.i[k] } }
            return (r, i)
        }
        func axpy(_ a: Double, _ x: [Double], _ b: Double, _ y: [Double]) -> [Double] { (0..<m).map { a * x[$0] + b * y[$0] } }
        var (vr, vi) = state
        for _ in 0..<steps {
            let (nvr, nvi) = nonlinear(vr, vi)
            let (ar, ai) = combine([(c.halfExp, vr, vi), (c.q, nvr, nvi)])
            let (nar, nai) = nonlinear(ar, ai)
            let (br, bi) = combine([(c.halfExp, vr, vi), (c.q, nar, nai)])
            let (nbr, nbi) = nonlinear(br, bi)
            let (cr, ci) = combine([(c.halfExp, ar, ai), (c.q, axpy(2, nbr, -1, nvr), axpy(2, nbi, -1, nvi))])
            let (ncr, nci) = nonlinear(cr, ci)
            (vr, vi) = combine([(c.exp, vr, vi), (c.f1, nvr, nvi), (c.f2, axpy(2, nar, 2, nbr), axpy(2, nai, 2, nbi)),
                                (c.f3, ncr, nci)])
        }
        state = (vr, vi)
    }
}

/// ETDRK4's per-mode coefficients for a diagonal linear part L and step h: e^{hL}, e^{hL/2}, and
/// Q, f₁, f₂, f₃ (h times φ-function combinations), each the mean over M = 64 points of a circle of
/// radius 1 around hL, which avoids the cancellation of the closed forms for small |hL|.
struct ETDRK4Coefficients {
    let exp: [Double], halfExp: [Double], q: [Double], f1: [Double], f2: [Double], f3: [Double]

    init(linear: [Double], step h: Double, contourPoints: Int = 64) {
        var exp: [Double] = [], halfExp: [Double] = [], q: [Double] = [], f1: [Double] = [], f2: [Double] = [], f3: [Double] = []
        for l in linear {
            exp.append(Glibc.exp(h * l)); halfExp.append(Glibc.exp(h * l / 2))
            var sums = [0.0, 0.0, 0.0, 0.0]
            for j in 1...contourPoints {
                let angle = Double.pi * (Double(j) - 0.5) / Double(contourPoints)
                let z = Complex(h * l + Glibc.cos(angle), Glibc.sin(angle))
                let ez = z.exp, ez2 = (z * 0.5).exp, z3 = z * z * z
                sums[0] += ((ez2 - 1) / z).re
                sums[1] += ((-4 - z + ez * (4 - 3 * z + z * z)) / z3).re
                sums[2] += ((2 + z + ez * (z - 2)) / z3).re
                sums[3] += ((-4 - 3 * z - z * z + ez * (4 - z)) / z3).re
            }
            // The contour is symmetric about the real axis: the mean over the upper half is real.
            let mean = sums.map { h * $0 / Double(contourPoints) }
            q.append(mean[0]); f1.append(mean[1]); f2.append(mean[2]); f3.append(mean[3])
        }
        self.exp = exp; self.halfExp = halfExp; self.q = q; self.f1 = f1; self.f2 = f2; self.f3 = f3
    }
}

/// Just enough complex arithmetic for the contour integrals.
struct Complex {
    var re: Double, im: Double
    init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }
    var exp: Complex { let r = Glibc.exp(re); return Complex(r * Glibc.cos(im), r * Glibc.sin(im)) }
    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    static func + (a: Double, b: Complex) -> Complex { Complex(a) + b }
    static func - (a: Double, b: Complex) -> Complex { Complex(a) - b }
    static func - (a: Complex, b: Double) -> Complex { a - Complex(b) }
    static func * (a: Double, b: Complex) -> Complex { Complex(a * b.re, a * b.im) }
    static func * (a: Complex, b: Double) -> Complex { b * a }
}
