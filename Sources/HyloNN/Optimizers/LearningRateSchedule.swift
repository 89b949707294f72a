import Glibc

/// The learning rate as a function of the epoch (0-based), relative to a base rate.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant
    /// `base · γ^epoch`.
    case exponential(gamma: Double)
    /// Cosine annealing from `base` to `minimum` over `period` epochs, then held at `minimum`.
    case cosine(period: Int, minimum: Double)
    /// `base · γ^⌊epoch / every⌋`.
    case step(every: Int, gamma: Double)

    public func rate(base: Double, epoch: Int) -> Double {
        switch self {
        case .constant: return base
        case .exponential(let g): return base * Glibc.pow(g, Double(epoch))
        case .cosine(let period, let minimum):
            let t = Double(Swift.min(epoch, period)) / Double(Swift.max(period, 1))
            return minimum + (base - minimum) * 0.5 * (1 + Glibc.cos(Double.pi * t))
        case .step(let every, let g): return base * Glibc.pow(g, Double(epoch / Swift.max(every, 1)))
        }
    }
}
