import HyloCore

/// A multilayer perceptron.
///
/// `widths = [in, h₁, …, hₖ, out]`. Plain: `act(Linear(h))` for every hidden layer, then a linear
/// output. Residual: after a first `act(Linear(in, h₁))`, each further hidden layer (of equal
/// width) is a block `h + Linear(act(Linear(h)))`, as in sbi's residual nets. With `layerNorm`,
/// pre-activations are normalized before the nonlinearity.
public final class MLP: Layer {
    public struct Configuration: Equatable, Sendable {
        public var widths: [Int]
        public var activation: Activation = .tanh
        public var residual = false
        public var layerNorm = false
        public var initializer: Initializer?
        /// The output layer's initializer; `.zeros` makes the untrained network output 0 (flows
        /// use it to start at the identity).
        public var outputInitializer = Initializer.xavierUniform
        /// Start each residual block at the identity (its second layer at zero), as nflows' ResidualNet.
        public var identityResidualBlocks = false
        public init(widths: [Int], activation: Activation = .tanh, residual: Bool = false,
                    layerNorm: Bool = false, initializer: Initializer? = nil, outputInitializer: Initializer = .xavierUniform,
                    identityResidualBlocks: Bool = false) {
            self.widths = widths; self.activation = activation; self.residual = residual
            self.layerNorm = layerNorm; self.initializer = initializer; self.outputInitializer = outputInitializer
            self.identityResidualBlocks = identityResidualBlocks
        }
    }

    public let configuration: Configuration
    private var input: Linear?
    private var inputNorm: LayerNorm?
    private var hidden: [Layer] = []
    private let output: Linear

    public init(_ configuration: Configuration, rng: inout Philox) {
        let w = configuration.widths
        precondition(w.count >= 2 && w.allSatisfy { $0 > 0 }, "MLP widths \(w) need ≥ 2 positive entries")
        let widths = Array(w.dropFirst().dropLast())
        if configuration.residual {
            precondition(Set(widths).count <= 1, "a residual MLP needs equal hidden widths, got \(w)")
        }
        self.configuration = configuration
        let initializer = configuration.initializer ?? configuration.activation.defaultInitializer
        let act = configuration.activation, norm = configuration.layerNorm
        if let h = widths.first {
            input = Linear(w[0], h, initializer: initializer, rng: &rng)
            inputNorm = norm ? LayerNorm(h) : nil
        }
        for i in 1..<max(widths.count, 1) {
            hidden.append(configuration.residual
                ? ResidualBlock(widths[i], activation: act, layerNorm: norm, initializer: initializer,
                                startsAtIdentity: configuration.identityResidualBlocks, rng: &rng)
                : DenseBlock(widths[i - 1], widths[i], activation: act, layerNorm: norm, initializer: initializer, rng: &rng))
        }
        output = Linear(w[w.count - 2], w[w.count - 1], initializer: configuration.outputInitializer, rng: &rng)
    }

    public convenience init(widths: [Int], activation: Activation = .tanh, rng: inout Philox) {
        self.init(Configuration(widths: widths, activation: activation), rng: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        var children: [(String, Module)] = []
        if let input { children.append(("input", input)) }
        if let inputNorm { children.append(("input_norm", inputNorm)) }
        children += hidden.enumerated().map { ("hidden.\($0.offset)", $0.element) }
        children.append(("output", output))
        return collect(children)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        if let input {
            h = inputNorm.map { configuration.activation($0(input(h))) } ?? input(h, activation: configuration.activation)
        }
        for block in hidden { h = block(h) }
        return output(h)
    }
}

/// `act(norm(Linear(h)))`.
final class DenseBlock: Layer {
    let linear: Linear, norm: LayerNorm?, activation: Activation
    init(_ i: Int, _ o: Int, activation: Activation, layerNorm: Bool, initializer: Initializer, rng: inout Philox) {
        linear = Linear(i, o, initializer: initializer, rng: &rng)
        norm = layerNorm ? LayerNorm(o) : nil
        self.activation = activation
    }
    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("linear", linear)] + (norm.map { [("norm", $0)] } ?? []))
    }
    func callAsFunction(_ h: Tensor) -> Tensor {
        norm.map { activation($0(linear(h))) } ?? linear(h, activation: activation)
    }
}

/// `h + Linear₂(act(norm(Linear₁(h))))`.
final class ResidualBlock: Layer {
    let first: Linear, second: Linear, norm: LayerNorm?, activation: Activation
    init(_ width: Int, activation: Activation, layerNorm: Bool, initializer: Initializer, startsAtIdentity: Bool,
         rng: inout Philox) {
        first = Linear(width, width, initializer: initializer, rng: &rng)
        second = Linear(width, width, initializer: startsAtIdentity ? .zeros : initializer, rng: &rng)
        norm = layerNorm ? LayerNorm(width) : nil
        self.activation = activation
    }
    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("first", first), ("second", second)] + (norm.map { [("norm", $0)] } ?? []))
    }
    func callAsFunction(_ h: Tensor) -> Tensor {
        h + second(norm.map { activation($0(first(h))) } ?? first(h, activation: activation))
    }
}
