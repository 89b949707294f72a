import Glibc
import HyloCore

/// The antiderivative operator of the DeepONet paper, G: u ↦ s with s(x) = ∫₀ˣ u(t) dt on [0, 1]:
/// u drawn from a zero-mean Gaussian process with the kernel exp(−|x − y|²/(2ℓ²)) (ℓ = 0.2), seen by
/// the branch net at `sensors` equispaced points. Each field is sampled on a grid `refinement`
/// times finer than the sensors (Cholesky of the kernel matrix, with a 1e-10 diagonal jitter that
/// keeps the factorization stable) and integrated by fourth-order (cubic) cumulative quadrature.
public struct AntiderivativeData: Sendable {
    public var lengthScale = 0.2
    public var sensors = 100
    public var refinement = 10

    public init() {}

    /// Points of the fine grid, x_j = j/(points − 1).
    var finePoints: Int { (sensors - 1) * refinement + 1 }

    /// `count` fields on the fine grid and their antiderivatives there, each `[count, finePoints]`.
    func fields(count: Int, seed: UInt64) -> (u: [[Double]], s: [[Double]]) {
        let f = finePoints, x = (0..<f).map { Double($0) / Double(f - 1) }
        var kernel = [Double](repeating: 0, count: f * f)
        for i in 0..<f { for j in 0..<f {
            let d = x[i] - x[j]
            kernel[i * f + j] = Glibc.exp(-d * d / (2 * lengthScale * lengthScale)) + (i == j ? 1e-10 : 0)
        } }
        // The jittered kernel is positive definite, so the factorization succeeds.
        let factor = (try? Tensor(shape: [f, f], scalars: kernel).cholesky()) ?? Tensor.eye(f)
        var rng = Philox(seed: seed, stream: 0x616e_7469)
        let u = Tensor.matmul(rng.normal([count, f]), factor, transposeB: true)  // rows Lξ
        let h = 1 / Double(f - 1)
        var fields: [[Double]] = [], integrals: [[Double]] = []
        for n in 0..<count {
            let v = Array(u.scalars[(n * f)..<((n + 1) * f)])
            fields.append(v); integrals.append(Self.cumulativeIntegral(v, step: h))
        }
        return (fields, integrals)
    }

    /// Aligned ("Cartesian product") data: every function evaluated at the same `points` equispaced
    /// points of [0, 1]. Returns u at the sensors `[count, sensors]`, y `[points]`, s `[count, points]`.
    public func aligned(count: Int, points: Int, seed: UInt64) -> (u: [Double], y: [Double], s: [Double]) {
        precondition(sensors >= 4 && points >= 2, "at least 4 sensors and 2 points")
        let (u, s) = fields(count: count, seed: seed), f = finePoints
        let indices = (0..<points).map { Int((Double($0) * Double(f - 1) / Double(points - 1)).rounded()) }
        return (u.flatMap { row in (0..<sensors).map { row[$0 * refinement] } },
                indices.map { Double($0) / Double(f - 1) },
                s.flatMap { row in indices.map { row[$0] } })
    }

    /// Unaligned ("triplet") data: each function evaluated at one point drawn uniformly from the
    /// fine grid. Returns u `[count, sensors]`, y `[count]`, s `[count]`.
    public func unaligned(count: Int, seed: UInt64) -> (u: [Double], y: [Double], s: [Double]) {
        precondition(sensors >= 4, "at least 4 sensors")
        let (u, s) = fields(count: count, seed: seed), f = finePoints
        var rng = Philox(seed: seed, stream: 0x706f_696e74)
        let indices = (0..<count).map { _ in rng.integer(below: f) }
        return (u.flatMap { row in (0..<sensors).map { row[$0 * refinement] } },
                indices.map { Double($0) / Double(f - 1) },
                zip(s, indices).map { $0[$1] })
    }

    /// ∫ from the first point to each point of equispaced samples (at least 4), each interval
    /// integrated exactly for the cubic through the four nearest samples (fourth order):
    /// h/24 (−v₋₁ + 13v₀ + 13v₁ − v₂) inside, h/24 (9v₀ + 19v₁ − 5v₂ + v₃) at the ends.
    static func cumulativeIntegral(_ v: [Double], step h: Double) -> [Double] {
        let f = v.count
        var s = [Double](repeating: 0, count: f)
        for j in 0..<(f - 1) {
            let piece: Double
            if j == 0 { piece = 9 * v[0] + 19 * v[1] - 5 * v[2] + v[3] }
            else if j == f - 2 { piece = v[f - 4] - 5 * v[f - 3] + 19 * v[f - 2] + 9 * v[f - 1] }
            else { piece = -v[j - 1] + 13 * v[j] + 13 * v[j + 1] - v[j + 2] }
            s[j + 1] = s[j] + h / 24 * piece
        }
        return s
    }
}
