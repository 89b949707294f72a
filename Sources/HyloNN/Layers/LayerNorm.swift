import HyloCore

/// Normalizes the last axis to zero mean and unit variance, then scales and shifts (Ba et al. 2016).
public final class LayerNorm: Layer {
    public let gain: Parameter
    public let shift: Parameter
    public let epsilon: Double

    public init(_ features: Int, epsilon: Double = 1e-5) {
        gain = Parameter(Tensor.ones([features]))
        shift = Parameter(Tensor.zeros([features]))
        self.epsilon = epsilon
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [("gain", gain), ("shift", shift)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let centered = x - x.mean(axis: -1, keepDims: true)
        let variance = centered.squared().mean(axis: -1, keepDims: true)
        return centered / (variance + epsilon).sqrt() * gain.value + shift.value
    }
}
