import Glibc
import HyloCore

/// Gaussian random fields on the periodic unit interval or square, the input functions of the
/// neural-operator benchmarks:
///
///     u(x) = Σ_k c_k (ξ_k cos 2πk·x + η_k sin 2πk·x),   c_k = √2 σ (|2πk|² + τ²)^(−γ/2),
///
/// ξ, η independent standard normals, k over the non-zero frequencies of one half of the lattice
/// (k = 1 … N/2 in 1-D) that the grid resolves. The field has mean zero and covariance
/// `Cov(u(x), u(y)) = Σ_k c_k² cos 2πk·(x − y)`: the law N(0, 2σ²(−Δ + τ²)^(−γ)) of the FNO papers
/// (σ = 25, τ = 5, γ = 2 for Burgers' initial conditions) restricted to the resolved modes.
public struct PeriodicGaussianField: Sendable {
    public var sigma: Double, tau: Double, gamma: Double

    public init(sigma: Double, tau: Double, gamma: Double) {
        self.sigma = sigma; self.tau = tau; self.gamma = gamma
    }

    /// c_k for a wave vector k (integer frequencies).
    public func coefficient(_ k: [Int]) -> Double {
        let squared = k.reduce(0.0) { $0 + 4 * Double.pi * Double.pi * Double($1 * $1) }
        return 2.squareRoot() * sigma * Glibc.pow(squared + tau * tau, -gamma / 2)
    }

    /// One field on a grid of `sizes` points (1 or 2 axes; x_j = j/N), row-major.
    public func sample(sizes: [Int], rng: inout Philox) -> [Double] {
        precondition((1...2).contains(sizes.count) && sizes.allSatisfy { $0 >= 2 }, "1-D or 2-D grids of ≥ 2 points")
        let points = Double(sizes.reduce(1, *))
        // Spectrum Z with irfft(Z) = u: a bin of multiplicity c holds (N/c)·c_k(ξ − iη) (see `Tensor.irfft`).
        if sizes.count == 1 {
            let n = sizes[0], m = n / 2 + 1
            var re = [Double](repeating: 0, count: m), im = re
            for k in 1..<m {
                let nyquist = n % 2 == 0 && k == n / 2
                let scale = coefficient([k]) * (nyquist ? points : points / 2)
                re[k] = scale * rng.normal()
                im[k] = -scale * rng.normal()
            }
            return Tensor.irfft(real: Tensor(re), imag: Tensor(im), count: n).scalars.array
        }
        let (n1, n2) = (sizes[0], sizes[1])
        let rowsKept = n1 / 2, columns = n2 / 2 + 1
        var re = [Double](repeating: 0, count: 2 * rowsKept * columns), im = re
        for r in 0..<(2 * rowsKept) { for k2 in 0..<columns {
            let k1 = r < rowsKept ? r : r - 2 * rowsKept
            // The half lattice: k₂ > 0, or k₂ = 0 and k₁ > 0; the zero and Nyquist columns count once.
            guard k2 > 0 || k1 > 0 else { continue }
            let edge = k2 == 0 || (n2 % 2 == 0 && k2 == n2 / 2)
            let scale = coefficient([k1, k2]) * (edge ? points : points / 2)
            re[r * columns + k2] = scale * rng.normal()
            im[r * columns + k2] = -scale * rng.normal()
        } }
        return Tensor.irfft(real: Tensor(shape: [2 * rowsKept, columns], scalars: re),
                            imag: Tensor(shape: [2 * rowsKept, columns], scalars: im), sizes: sizes).scalars.array
    }

    /// The covariance of a 1-D field on `n` points between points `offset` grid steps apart,
    /// Σ_k c_k² cos(2πk·offset/n) (on the Nyquist bin only the cosine term lives on the grid, and
    /// cos πj cos π(j+o) = cos πo, so it follows the same formula).
    public func covariance(points n: Int, offset: Int) -> Double {
        (1...(n / 2)).reduce(0.0) { sum, k in
            let c = coefficient([k])
            return sum + c * c * Glibc.cos(2 * Double.pi * Double(k * offset) / Double(n))
        }
    }
}
