import HyloCore
import HyloNN

/// The network of a PINN, evaluated on jets: one forward pass gives the outputs and their input
/// derivatives named by a `DerivativePlan`, all differentiable with respect to the parameters.
public final class PINNNetwork: Module {
    public let configuration: PINNNetworkConfiguration
    /// Fixed Fourier-feature frequencies `[embedded, count]`, already multiplied by 2π.
    let fourierFrequencies: Tensor?
    let encoders: [FactorizedLinear]
    let hidden: [FactorizedLinear]
    let output: FactorizedLinear

    public init(_ configuration: PINNNetworkConfiguration) {
        let c = configuration
        precondition(c.hiddenLayers >= 1 && c.hiddenFeatures >= 1, "a PINN network needs hidden layers")
        self.configuration = c
        var rng = Philox(seed: c.seed, stream: 0x91_77)
        fourierFrequencies = c.fourierFeatures > 0
            ? rng.normal([c.periodicEmbeddingWidth, c.fourierFeatures], std: c.fourierScale) * (2 * Double.pi) : nil
        let w = c.hiddenFeatures, rwf = c.weightFactorization
        encoders = c.architecture == .modifiedMLP
            ? (0..<2).map { _ in FactorizedLinear(c.embeddedWidth, w, factorization: rwf, rng: &rng) } : []
        hidden = (0..<c.hiddenLayers).map { i in
            FactorizedLinear(i == 0 ? c.embeddedWidth : w, w, factorization: rwf, rng: &rng)
        }
        output = FactorizedLinear(w, c.outputs, factorization: rwf, rng: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect(encoders.enumerated().map { ("encoder.\($0.offset)", $0.element) }
                + hidden.enumerated().map { ("hidden.\($0.offset)", $0.element) } + [("output", output)])
    }

    /// The outputs at `points` (`[n, inputs]`) with the derivatives `plan` asks for; one jet per output.
    public func callAsFunction(_ points: Tensor, plan: DerivativePlan) -> [Jet] {
        let raw = forward(embed(points, plan: plan))
        let n = configuration.outputs
        return (0..<n).map { k in n == 1 ? raw : raw.columns(k..<(k + 1)) }
    }

    /// Values only: `[n, outputs]`.
    public func callAsFunction(_ points: Tensor) -> Tensor {
        forward(embed(points, plan: .values(dimension: configuration.inputs))).value
    }

    /// Coordinates scaled to [−1, 1], periodic ones replaced by (cos, sin), then Fourier features.
    func embed(_ points: Tensor, plan: DerivativePlan) -> Jet {
        let c = configuration
        var parts: [Jet] = []
        for k in 0..<c.inputs {
            let x = Jet.coordinate(k, of: points, plan: plan)
            if let period = c.periods[k] {
                let phase = x.scaled(by: 2 * Double.pi / period)
                parts += [phase.applying(.cos), phase.applying(.sin)]
            } else {
                let mid = (c.lower[k] + c.upper[k]) / 2, half = (c.upper[k] - c.lower[k]) / 2
                parts.append(x.adding(.constant(-mid)).scaled(by: 1 / half))
            }
        }
        let x = Jet.concatenate(parts)
        guard let b = fourierFrequencies else { return x }
        let phase = x.linear(b, nil)
        return Jet.concatenate([phase.applying(.sin), phase.applying(.cos)])
    }

    func forward(_ input: Jet) -> Jet {
        let act = configuration.activation
        let x = StackedJet(input)
        var h = hidden[0](x).applying(act)
        if encoders.isEmpty {
            for layer in hidden.dropFirst() { h = layer(h).applying(act) }
        } else {
            // h ← u + z ⊙ (v − u), by the product rule on unstacked jets.
            let u = encoders[0](x).applying(act).jet, v = encoders[1](x).applying(act).jet
            let gap = v - u
            h = StackedJet(u + h.jet * gap)
            for layer in hidden.dropFirst() { h = StackedJet(u + layer(h).applying(act).jet * gap) }
        }
        return output(h).jet
    }
}

extension Jet {
    /// Columns `range` of every component.
    func columns(_ range: Range<Int>) -> Jet {
        func cut(_ t: Tensor) -> Tensor { t.slice(axis: 1, start: range.lowerBound, end: range.upperBound) }
        return Jet(plan: plan, value: cut(value), first: first.map { $0.map(cut) }, second: second.map { $0.map(cut) },
                   combined: combined.map { $0.map(cut) })
    }
}

/// A dense layer `x W + b`, with `W = V · diag(exp(s))` under random weight factorization.
final class FactorizedLinear: Module {
    let weight: Parameter
    let scale: Parameter?
    let bias: Parameter

    init(_ inFeatures: Int, _ outFeatures: Int, factorization: PINNNetworkConfiguration.WeightFactorization?,
         rng: inout Philox) {
        let w = Initializer.xavierNormal.make(fanIn: inFeatures, fanOut: outFeatures, rng: &rng)
        if let f = factorization {
            let s = rng.normal([outFeatures], mean: f.mean, std: f.std)
            scale = Parameter(s)
            weight = Parameter(w / s.exp())
        } else {
            scale = nil
            weight = Parameter(w)
        }
        bias = Parameter(Tensor.zeros([outFeatures]))
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (scale.map { [("scale", $0)] } ?? []) + [("bias", bias)]
    }

    var effectiveWeight: Tensor { scale.map { weight.value * $0.value.exp() } ?? weight.value }

    func callAsFunction(_ x: StackedJet) -> StackedJet { x.linear(effectiveWeight, bias.value) }
}
