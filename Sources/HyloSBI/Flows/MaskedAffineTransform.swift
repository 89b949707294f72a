import Glibc
import HyloCore
import HyloNN

/// One masked affine autoregressive transform (Papamakarios et al. 2017), conditioned on a
/// context: a MADE network maps (u, c) to a scale and shift per dimension, with output i seeing
/// only u₁…uᵢ₋₁, and z = scale · u + shift.
///
/// As in nflows (the flows behind sbi): the MADE has an input masked layer plus a dense context
/// layer, then `blocks` masked hidden layers, tanh activations; `scale = softplus(s) + 10⁻³` keeps
/// every scale positive (here `softplus(s + log(e − 1))`, so that an untrained transform starts
/// near scale 1). Unlike nflows, the context also feeds the output layer directly: otherwise the
/// first dimension of every transform (which sees no hidden unit) could not depend on x at all.
final class MaskedAffineTransform: FlowLayer {
    let input: MaskedLinear
    let context: Linear
    let hidden: [MaskedLinear]
    let output: MaskedLinear
    let contextOutput: Linear
    let features: Int

    init(features d: Int, contextFeatures c: Int, hiddenFeatures h: Int, blocks: Int, rng: inout Philox) {
        let masks = MaskedLinear.madeMasks(features: d, hidden: Array(repeating: h, count: blocks + 1), outputMultiplier: 2)
        features = d
        input = MaskedLinear(mask: masks[0], rng: &rng)
        context = Linear(c, h, rng: &rng)
        hidden = (1...blocks).map { MaskedLinear(mask: masks[$0], rng: &rng) }
        output = MaskedLinear(mask: masks[blocks + 1], rng: &rng)
        contextOutput = Linear(c, 2 * d, bias: false, rng: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("input", input), ("context", context)] + hidden.enumerated().map { ("hidden.\($0.offset)", $0.element) }
                + [("output", output), ("context_output", contextOutput)])
    }

    /// (scale, shift), each `[n, d]`.
    func scaleAndShift(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        var h = (input(u) + context(c)).tanh()
        for layer in hidden { h = layer(h).tanh() }
        let params = output(h) + contextOutput(c)
        let scale = (params.slice(axis: 1, start: 0, end: features) + 0.5413248546129181).softplus() + 1e-3
        return (scale, params.slice(axis: 1, start: features, end: 2 * features))
    }

    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        let (scale, shift) = scaleAndShift(u, c)
        return (scale * u + shift, scale.log().sum(axis: 1))
    }

    /// d sequential passes, each fixing one more dimension.
    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor {
        var u = Tensor.zeros(z.shape)
        for _ in 0..<features {
            let (scale, shift) = scaleAndShift(u, c)
            u = (z - shift) / scale
        }
        return u
    }
}
