import Glibc
import HyloCore
import HyloNN

/// The conditional density of a mixture density network (Bishop 1994), as sbi's `mdn`: an MLP
/// (ReLU) of the context gives, for each of K components, a mixture logit, a mean μₖ and the
/// upper-triangular Cholesky factor Uₖ of the precision (diagonal exp(·) > 0), so that
///
///     q(u | c) = Σₖ wₖ N(u; μₖ, (UₖᵀUₖ)⁻¹),
///     log N(u; μ, (UᵀU)⁻¹) = −d/2 log 2π + Σᵢ log Uᵢᵢ − ½ ‖U(u − μ)‖².
///
/// Full covariances, as in sbi; u is the z-scored θ.
final class MixtureDensityHead: Module {
    let network: MLP
    let components: Int
    let dimension: Int
    /// Entries above the diagonal of U, row by row.
    private var offDiagonalCount: Int { dimension * (dimension - 1) / 2 }
    /// For each of the d·d entries of U (row-major), its column in [diagonal | upper | 0].
    private let unpacking: [Int]

    init(features d: Int, contextFeatures c: Int, hiddenFeatures h: Int, hiddenLayers: Int, components k: Int, rng: inout Philox) {
        dimension = d
        components = k
        let outputs = k * (1 + 2 * d + d * (d - 1) / 2)
        network = MLP(.init(widths: [c] + Array(repeating: h, count: hiddenLayers) + [outputs], activation: .relu), rng: &rng)
        // As sbi's MDN starts: the outputs other than the means scaled down to ~0, so that every
        // component starts near weight 1/K and precision I; the random means break the symmetry.
        if let weight = network.namedParameters.first(where: { $0.name == "output.weight" })?.parameter {
            let means = k..<(k + k * d)
            weight.value.assignValues(weight.value.scalars.enumerated().map { means.contains($0.offset % outputs) ? $0.element : 0.01 * $0.element })
        }
        var map = [Int](repeating: d + d * (d - 1) / 2, count: d * d), next = d
        for i in 0..<d {
            map[i * d + i] = i
            for j in (i + 1)..<Swift.max(d, i + 1) { map[i * d + j] = next; next += 1 }
        }
        unpacking = map
    }

    var namedParameters: [(name: String, parameter: Parameter)] { collect([("network", network)]) }

    /// Per row and component: log-weights `[n, K]`, means `[n, K, d]`, log of U's diagonal
    /// `[n, K, d]` and U itself `[n·K, d, d]`.
    private func mixture(_ c: Tensor) -> (logWeights: Tensor, means: Tensor, logDiagonal: Tensor, factors: Tensor) {
        let n = c.shape[0], k = components, d = dimension, m = offDiagonalCount
        let out = network(c)
        let logits = out.slice(axis: 1, start: 0, end: k)
        let means = out.slice(axis: 1, start: k, end: k + k * d).reshaped([n, k, d])
        let logDiagonal = out.slice(axis: 1, start: k + k * d, end: k + 2 * k * d).reshaped([n, k, d])
        let upper = out.slice(axis: 1, start: k + 2 * k * d, end: k + 2 * k * d + k * m).reshaped([n, k, m])
        let packed = Tensor.concatenate([logDiagonal.exp(), upper, Tensor.zeros([n, k, 1])], axis: 2)
        let index = IndexTensor(shape: [n, k, d * d], indices: Array([[Int]](repeating: unpacking, count: n * k).joined()))
        let factors = packed.gather(axis: 2, index: index).reshaped([n * k, d, d])
        return (logits.logSoftmax(axis: 1), means, logDiagonal, factors)
    }

    /// log q(uᵢ | cᵢ) for u `[n, d]`, c `[n, c]`; `[n]`.
    func logProb(_ u: Tensor, _ c: Tensor) -> Tensor {
        let n = u.shape[0], k = components, d = dimension
        let (logWeights, means, logDiagonal, factors) = mixture(c)
        let residual = (u.reshaped([n, 1, d]) - means).reshaped([n * k, d, 1])
        let whitened = Tensor.matmul(factors, residual).reshaped([n, k, d])
        let logNormal = logDiagonal.sum(axis: 2) - whitened.squared().sum(axis: 2) * 0.5 - Double(d) * halfLog2Pi
        return (logWeights + logNormal).logSumExp(axis: 1)
    }

    /// `n` draws of u for one context c `[1, c]`: a component by its weight, then μₖ + Uₖ⁻¹ z with
    /// z standard normal (back substitution).
    func sample(_ n: Int, _ c: Tensor, rng: inout Philox) -> Tensor {
        let d = dimension
        let (logWeights, means, _, factors) = mixture(c)
        let weights = logWeights.exp().scalars.array, mu = means.scalars.array, u = factors.scalars.array
        var out = [Double](repeating: 0, count: n * d)
        for s in 0..<n {
            let j = rng.categorical(weights)
            var z = (0..<d).map { _ in rng.normal() }
            for i in stride(from: d - 1, through: 0, by: -1) {
                var value = z[i]
                for l in (i + 1)..<Swift.max(d, i + 1) { value -= u[j * d * d + i * d + l] * z[l] }
                z[i] = value / u[j * d * d + i * d + i]
            }
            for i in 0..<d { out[s * d + i] = mu[j * d + i] + z[i] }
        }
        return Tensor(shape: [n, d], scalars: out)
    }
}
