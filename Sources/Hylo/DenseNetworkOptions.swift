import CHylo
import HyloNN
import HyloODE

/// The network options of hylo_hybrid_create and hylo_corrector_create: "hidden_features",
/// "hidden_layers", "activation", "seed" and "output_scale".
struct DenseNetworkOptions {
    let hidden: Int, layers: Int
    let activation: Activation
    let seed: UInt64
    let outputScale: Double

    init(_ o: inout OptionReader, hiddenFeatures: Int, outputScale: Double) throws {
        hidden = try o.int("hidden_features", default: hiddenFeatures, in: 1...4096)
        layers = try o.int("hidden_layers", default: 2, in: 0...32)
        activation = Activation(rawValue: try o.choice("activation", default: "tanh",
                                                       from: Activation.allCases.map(\.rawValue).filter { $0 != "identity" }))!
        seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        self.outputScale = try o.double("output_scale", default: outputScale, in: 0...1e6)
    }

    /// The network from `inputs` to `outputs`; more than 2^26 weights is refused before anything is allocated.
    func network(inputs: Int, outputs: Int) throws -> DenseNetwork {
        let network = DenseNetwork(widths: [inputs] + Array(repeating: hidden, count: layers) + [outputs], activation: activation)
        guard network.parameterCount <= 1 << 26 else {
            throw HyloError(HYLO_E_OPTION, "a network of \(network.parameterCount) weights is more than 2^26; use fewer hidden features or layers")
        }
        return network
    }

    func initialWeights(_ network: DenseNetwork) -> [Double] { network.initialParameters(seed: seed, outputScale: outputScale) }
}
