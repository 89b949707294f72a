import Glibc
import HyloCore

/// The Allen–Cahn equation of the PINN benchmarks, u_t = ε u_xx + 5u − 5u³ (ε = 1e-4), periodic on
/// [−1, 1], u(0, x) = x² cos(πx), by the Fourier exponential time-differencing Runge–Kutta scheme
/// ETDRK4 (Cox & Matthews 2002) with the φ-function coefficients evaluated by contour integrals
/// (Kassam & Trefethen 2005): the stiff linear part L = −εk² + 5 exactly, the nonlinearity
/// N(u) = −5u³ by fourth-order stages. With 512 points (the 511 resolved modes of the benchmark)
/// and dt = 1e-5 this is the setting of the published reference.
public struct AllenCahnReference: Sendable {
    public let points: Int, step: Double, epsilon: Double

    public init(points: Int = 512, step: Double = 1e-5, epsilon: Double = 1e-4) {
        precondition(points >= 4 && points % 2 == 0, "an even number of points")
        self.points = points; self.step = step; self.epsilon = epsilon
    }

    /// x = −1 + 2j/points, j = 0…points−1 (x = 1 is x = −1).
    public var x: [Double] { (0..<points).map { -1 + 2 * Double($0) / Double(points) } }

    /// u at `times` (ascending, ≥ 0, each a multiple of the step); `u[k][j]` = u(times[k], x_j).
    public func solve(times: [Double]) -> [[Double]] {
        let n = points, m = n / 2 + 1, h = step
        let linear = (0..<m).map { k -> Double in
            let wave = Double.pi * Double(k)  // period 2
            return -epsilon * wave * wave + 5
        }
        let c = ETDRK4Coefficients(linear: linear, step: h)
        var (re, im) = Tensor(shape: [n], scalars: x.map { $0 * $0 * Glibc.cos(Double.pi * $0) }).rfft()
        var vr = re.scalars.array, vi = im.scalars.array
        /// The transform of −5u³ for the spectrum (r, i).
        func nonlinear(_ r: [Double], _ i: [Double]) -> ([Double], [Double]) {
            let u = Tensor.irfft(real: Tensor(r), imag: Tensor(i), count: n)
            let (nr, ni) = (u * u * u * -5).rfft()
            return (nr.scalars.array, ni.scalars.array)
        }
        func combine(_ terms: [(coefficient: [Double], r: [Double], i: [Double])]) -> ([Double], [Double]) {
            var r = [Double](repeating: 0, count: m), i = r
            for t in terms { for k in 0..<m { r[k] += t.coefficient[k] * t.r[k]; i[k] += t.coefficient[k] * t.i[k] } }
            return (r, i)
        }
        var out: [[Double]] = []
        var t = 0.0
        for target in times {
            let steps = Int(((target - t) / h).rounded())
            for _ in 0..<steps {
                let (nvr, nvi) = nonlinear(vr, vi)
                let (ar, ai) = combine([(c.halfExp, vr, vi), (c.q, nvr, nvi)])
                let (nar, nai) = nonlinear(ar, ai)
                let (br, bi) = combine([(c.halfExp, vr, vi), (c.q, nar, nai)])
                let (nbr, nbi) = nonlinear(br, bi)
                let (cr, ci) = combine([(c.halfExp, ar, ai), (c.q, nbr.indices.map { 2 * nbr[$0] - nvr[$0] }, nbi.indices.map { 2 * nbi[$0] - nvi[$0] })])
                let (ncr, nci) = nonlinear(cr, ci)
                (vr, vi) = combine([(c.exp, vr, vi), (c.f1, nvr, nvi), (c.f2, nar.indices.map { 2 * (nar[$0] + nbr[$0]) }, nai.indices.map { 2 * (nai[$0] + nbi[$0]) }),
                                    (c.f3, ncr, nci)])
            }
            t = target
            re = Tensor(vr); im = Tensor(vi)
            out.append(Tensor.irfft(real: re, imag: im, count: n).scalars.array)
        }
        return out
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
