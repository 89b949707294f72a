import Glibc
import HyloCore
import HyloSBI

/// The exact likelihoods of two sbibm tasks, for `hylo bench sbi TASK … --method exact`: sampling the
/// true posterior with the MCMC settings NLE and NRE use shows how much of their C2ST is the sampler's.
final class ExactLikelihood: LikelihoodModel {
    let task: String
    let parameterDimension: Int
    let observationDimension: Int

    /// gaussian_mixture or slcp; nil for other tasks.
    init?(task: String) {
        switch task {
        case "gaussian_mixture": (parameterDimension, observationDimension) = (2, 2)
        case "slcp": (parameterDimension, observationDimension) = (5, 8)
        default: return nil
        }
        self.task = task
    }

    func logLikelihood(_ theta: Tensor, x: Tensor) -> Tensor {
        let n = theta.shape[0]
        func column(_ t: Tensor, _ j: Int) -> Tensor { t.slice(axis: 1, start: j, end: j + 1).reshaped([n]) }
        let xs = x.reshaped([observationDimension]).scalars
        let log2pi = Glibc.log(2 * Double.pi)
        if task == "gaussian_mixture" {
            // ½ N(x; θ, I) + ½ N(x; θ, 0.01 I)
            let squared = ((theta - Tensor(shape: [1, 2], scalars: xs)).squared()).sum(axis: 1)
            let wide = squared * -0.5 - log2pi, narrow = squared * -50 - log2pi - 2 * Glibc.log(0.1)
            return Tensor.stack([wide, narrow], axis: 1).logSumExp(axis: 1) + Glibc.log(0.5)
        }
        // slcp: four draws from N((θ₁, θ₂), S), S = [[s₁² + ε, ρ s₁ s₂], [ρ s₁ s₂, s₂² + ε]], s = θ₃², θ₄², ρ = tanh θ₅.
        let s1 = column(theta, 2).squared(), s2 = column(theta, 3).squared(), rho = column(theta, 4).tanh()
        let a = s1.squared() + 1e-6, c = s2.squared() + 1e-6, b = rho * s1 * s2
        let det = a * c - b.squared()
        var total = (det.log() * -0.5 - log2pi) * 4
        for k in 0..<4 {
            let d1 = -column(theta, 0) + xs[2 * k], d2 = -column(theta, 1) + xs[2 * k + 1]
            total = total - (c * d1.squared() - b * d1 * d2 * 2 + a * d2.squared()) / det * 0.5
        }
        return total
    }

    func checkpointContents() -> (metadata: [String: String], tensors: [(name: String, tensor: Tensor)]) { ([:], []) }
}
