/// The architecture of a PINN's network: everything needed to rebuild it from a checkpoint.
public struct PINNNetworkConfiguration: Codable, Equatable, Sendable {
    public enum Architecture: String, Codable, CaseIterable, Sendable {
        /// Dense layers `σ(h W + b)`.
        case mlp
        /// Wang, Teng & Perdikaris 2021: two encoders `U = σ(x W_u)`, `V = σ(x W_v)` and layers
        /// `h ← (1 − z) ⊙ U + z ⊙ V` with `z = σ(h W + b)`, which eases stiff gradient flow.
        case modifiedMLP = "modified_mlp"
    }

    /// Number of input coordinates and of output fields.
    public var inputs: Int, outputs: Int
    public var hiddenLayers = 4, hiddenFeatures = 50
    /// A smooth activation (its second derivative is used).
    public var activation = Function.tanh
    public var architecture = Architecture.mlp
    /// Coordinates are mapped affinely from `[lower, upper]` to `[−1, 1]` before the network.
    public var lower: [Double], upper: [Double]
    /// Hard periodicity: coordinate index ↦ period. Such a coordinate enters as
    /// `cos(2πx/P), sin(2πx/P)`, so every output is exactly P-periodic in it.
    public var periods: [Int: Double] = [:]
    /// Random Fourier features `[sin(2π x B), cos(2π x B)]`, `B ~ N(0, scale²)`, after the
    /// embedding (0 = none).
    public var fourierFeatures = 0
    public var fourierScale = 1.0
    /// Random weight factorization (Wang et al. 2022): each weight is `V · diag(exp(s))` with
    /// trainable `s ~ N(mean, std²)` per output unit; `nil` for plain weights.
    public var weightFactorization: WeightFactorization?
    public var seed: UInt64 = 0

    public struct WeightFactorization: Codable, Equatable, Sendable {
        public var mean: Double, std: Double
        public init(mean: Double = 1, std: Double = 0.1) { self.mean = mean; self.std = std }
    }

    public init(inputs: Int, outputs: Int, lower: [Double], upper: [Double]) {
        self.inputs = inputs; self.outputs = outputs; self.lower = lower; self.upper = upper
    }

    /// Width of the coordinates after the periodic embedding (a periodic one becomes cos, sin).
    var periodicEmbeddingWidth: Int { inputs + periods.count }

    /// Width of the embedded input the first dense layer sees.
    var embeddedWidth: Int { fourierFeatures > 0 ? 2 * fourierFeatures : periodicEmbeddingWidth }
}
