import HyloCore

/// The loss between predicted and true output functions, per sample, averaged over a batch.
public enum OperatorLoss: String, Codable, CaseIterable, Sendable {
    /// ‖G(a) − u‖₂ / ‖u‖₂ over each sample's points and channels (the FNO papers' metric).
    case relativeL2 = "relative_l2"
    /// The mean squared error over all points (DeepONet's).
    case mse

    /// `prediction` and `target` of shape `[batch, …]`.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        switch self {
        case .mse: return (prediction - target).squared().mean()
        case .relativeL2:
            let batch = target.shape[0]
            let error = (prediction - target).reshaped([batch, -1]).squared().sum(axis: 1).sqrt()
            let norm = target.reshaped([batch, -1]).squared().sum(axis: 1).sqrt()
            return (error / norm).mean()
        }
    }
}
