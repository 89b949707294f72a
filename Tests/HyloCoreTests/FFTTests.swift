import Glibc
import Testing
@testable import HyloCore

/// The truncated real transforms against a direct DFT, their inverses against the formula they
/// implement, and their gradients against finite differences.
@Suite struct FFTTests {
    /// Σₙ xₙ e^{−2πi k·n/N} by direct summation over a 1-D or 2-D grid.
    func directDFT(_ x: [Double], sizes: [Int], k: [Int]) -> (Double, Double) {
        let n1 = sizes.count == 2 ? sizes[0] : 1, n2 = sizes[sizes.count - 1]
        let k1 = sizes.count == 2 ? k[0] : 0, k2 = k[k.count - 1]
        var a = 0.0, b = 0.0
        for i in 0..<n1 { for j in 0..<n2 {
            let phase = 2 * Double.pi * (Double(k1 * i) / Double(n1) + Double(k2 * j) / Double(n2))
            a += x[i * n2 + j] * cos(phase); b -= x[i * n2 + j] * sin(phase)
        } }
        return (a, b)
    }

    @Test(arguments: [7, 8])
    func halfSpectrumMatchesDirectDFTAndInverts(n: Int) {
        let x = randn([2, n], seed: 11)
        let (re, im) = x.rfft()
        for r in 0..<2 { for k in 0...(n / 2) {
            let (a, b) = directDFT(Array(x.scalars[(r * n)..<(r * n + n)]), sizes: [n], k: [k])
            #expect(abs(re.scalars[r * (n / 2 + 1) + k] - a) < 1e-12 && abs(im.scalars[r * (n / 2 + 1) + k] - b) < 1e-12)
        } }
        let back = Tensor.irfft(real: re, imag: im, count: n)
        for (p, q) in zip(back.scalars, x.scalars) { #expect(abs(p - q) < 1e-13) }
    }

    @Test(arguments: [[9, 8], [8, 7], [10, 10]])
    func truncatedTwoDimensionalSpectrumMatchesDirectDFT(sizes: [Int]) {
        let modes = [3, 3], x = randn([2] + sizes, seed: 13)
        let (re, im) = x.rfft(modes: modes)
        #expect(re.shape == [2, 6, 3])
        let points = sizes[0] * sizes[1]
        for b in 0..<2 { for r in 0..<6 { for k in 0..<3 {
            let row = r < 3 ? r : sizes[0] - 6 + r
            let (a, c) = directDFT(Array(x.scalars[(b * points)..<((b + 1) * points)]), sizes: sizes, k: [row, k])
            let i = (b * 6 + r) * 3 + k
            #expect(abs(re.scalars[i] - a) < 1e-12 && abs(im.scalars[i] - c) < 1e-12)
        } } }
    }

    /// y = 1/(N₁N₂) Σ_k c_k Re(Z_k e^{2πi k·n/N}) for any Z, Hermitian or not.
    @Test(arguments: [[7], [8], [9, 8], [8, 9]])
    func inverseOfTruncatedSpectrumIsTheDocumentedSum(sizes: [Int]) {
        let modes = sizes.count == 2 ? [2, sizes[1] / 2 + 1] : [sizes[0] / 2 + 1]
        let spectrum = sizes.count == 2 ? [4, modes[1]] : modes
        let zr = randn(spectrum, seed: 14), zi = randn(spectrum, seed: 15)
        let y = Tensor.irfft(real: zr, imag: zi, sizes: sizes)
        let n1 = sizes.count == 2 ? sizes[0] : 1, n2 = sizes[sizes.count - 1], kLast = modes[modes.count - 1]
        for i in 0..<n1 { for j in 0..<n2 {
            var sum = 0.0
            for r in 0..<(sizes.count == 2 ? 4 : 1) { for k in 0..<kLast {
                let row = sizes.count == 2 ? (r < 2 ? r : n1 - 4 + r) : 0
                let c = k == 0 || (n2 % 2 == 0 && k == n2 / 2) ? 1.0 : 2.0
                let phase = 2 * Double.pi * (Double(row * i) / Double(n1) + Double(k * j) / Double(n2))
                let z = r * kLast + k
                sum += c * (zr.scalars[z] * cos(phase) - zi.scalars[z] * sin(phase))
            } }
            #expect(abs(y.scalars[i * n2 + j] - sum / Double(n1 * n2)) < 1e-12)
        } }
    }

    @Test func twoDimensionalTransformInvertsWhenEveryModeIsKept() {
        let x = randn([3, 6, 5], seed: 16)
        let (re, im) = x.rfft(modes: [3, 3])
        let back = Tensor.irfft(real: re, imag: im, sizes: [6, 5])
        for (p, q) in zip(back.scalars, x.scalars) { #expect(abs(p - q) < 1e-13) }
    }

    @Test(arguments: [[7], [8], [6, 8], [7, 5]])
    func gradients(sizes: [Int]) {
        let modes = sizes.count == 2 ? [2, 3] : [3]
        let check = GradientCheck.run(at: [randn([2] + sizes, seed: 12)]) { xs in
            let (re, im) = xs[0].rfft(modes: modes)
            return Tensor.irfft(real: re.squared(), imag: im * re, sizes: sizes)
        }
        #expect(check.firstOrderError < 1e-6 && check.secondOrderError < 1e-5)
    }
}
