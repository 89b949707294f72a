import HyloCore

/// Standardizes each channel of channel-first fields `[batch, channels, spatial…]` by its mean and
/// standard deviation over the training samples and points. One number per channel, so unlike a
/// pointwise normalizer it applies at any resolution.
public struct ChannelNormalizer: Equatable, Sendable {
    public var mean: [Double], std: [Double]

    /// Statistics of `data`; a constant channel keeps standard deviation 1.
    public init(fitting data: Tensor) {
        let channels = data.shape[1], per = data.count / Swift.max(data.shape[0] * channels, 1)
        var mean = [Double](repeating: 0, count: channels), std = mean
        for c in 0..<channels {
            var sum = 0.0, squares = 0.0, n = 0.0
            for b in 0..<data.shape[0] { for j in 0..<per {
                let x = data.scalars[(b * channels + c) * per + j]
                sum += x; squares += x * x; n += 1
            } }
            mean[c] = sum / Swift.max(n, 1)
            let variance = Swift.max(squares / Swift.max(n, 1) - mean[c] * mean[c], 0)
            std[c] = variance > 1e-24 ? variance.squareRoot() : 1
        }
        self.mean = mean; self.std = std
    }

    public init(mean: [Double], std: [Double]) { self.mean = mean; self.std = std }

    func shaped(_ values: [Double], rank: Int) -> Tensor {
        Tensor(shape: [1, values.count] + [Int](repeating: 1, count: rank - 2), scalars: values)
    }

    public func encode(_ x: Tensor) -> Tensor { (x - shaped(mean, rank: x.rank)) / shaped(std, rank: x.rank) }
    public func decode(_ x: Tensor) -> Tensor { x * shaped(std, rank: x.rank) + shaped(mean, rank: x.rank) }
}
