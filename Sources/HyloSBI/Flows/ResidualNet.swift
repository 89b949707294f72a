import HyloCore
import HyloNN

/// nflows' `ResidualNet`, the network behind sbi's spline-flow conditioners and its `resnet`
/// classifier: a linear map of the input (with the context, if any) to the hidden width, residual
/// blocks h ← h + W₂ relu(W₁ relu(h)), and a linear output. The residual stream is never passed
/// through an activation, so the output keeps a linear path from the input. With context, each
/// block's update is gated by it (a GLU: h ← h + (W₂ relu(W₁ relu(h))) ⊙ σ(W_c c)), so every block
/// sees the context, not only the first layer. The blocks start at the identity; an output layer
/// initialized at zero (the flows' choice) makes an untrained network output zeros.
final class ResidualNet: Module {
    final class Block: Module {
        let first: Linear, second: Linear, gate: Linear?
        init(width: Int, contextFeatures: Int, rng: inout Philox) {
            first = Linear(width, width, initializer: .heUniform, rng: &rng)
            second = Linear(width, width, initializer: .zeros, rng: &rng)
            gate = contextFeatures > 0 ? Linear(contextFeatures, width, initializer: .xavierUniform, rng: &rng) : nil
        }
        var namedParameters: [(name: String, parameter: Parameter)] {
            collect([("first", first), ("second", second)] + (gate.map { [("gate", $0 as Module)] } ?? []))
        }
        func callAsFunction(_ h: Tensor, _ c: Tensor?) -> Tensor {
            let update = second(first(h.relu()).relu())
            guard let gate, let c else { return h + update }
            return ResidualNet.gatedUpdate(h, update, gate(c))
        }
    }

    /// h + u ⊙ σ(v) as one fused op (the three taped ops it replaces were a tenth of NSF training);
    /// its VJP (ḡ, ḡ σ(v), ḡ u σ(v)(1 − σ(v))) is one pass too. Higher derivatives go through the
    /// composed form.
    static func gatedUpdate(_ h: Tensor, _ u: Tensor, _ v: Tensor) -> Tensor {
        precondition(h.shape == u.shape && u.shape == v.shape, "gated update: shapes \(h.shape), \(u.shape), \(v.shape)")
        let gate = v.detached().sigmoid()
        var out = h.detached()
        out.withMutableScalars { o in
            u.scalars.withUnsafeBufferPointer { ub in gate.scalars.withUnsafeBufferPointer { sb in
                for i in 0..<o.count { o[i] += ub[i] * sb[i] }
            } }
        }
        return Tensor.fused(out, inputs: [h, u, v]) { g in
            if isRecordingGradients { return gradients(of: h + u * v.sigmoid(), wrt: [h, u, v], seed: g, createGraph: true) }
            var gu = g, gv = g
            g.scalars.withUnsafeBufferPointer { gb in u.scalars.withUnsafeBufferPointer { ub in gate.scalars.withUnsafeBufferPointer { sb in
                gu.withMutableScalars { a in gv.withMutableScalars { b in
                    for i in 0..<gb.count {
                        a[i] = gb[i] * sb[i]
                        b[i] = gb[i] * ub[i] * sb[i] * (1 - sb[i])
                    }
                } }
            } } }
            return [g, gu, gv]
        }
    }

    let initial: Linear, blocks: [Block], final: Linear

    /// `contextFeatures` 0: no context, no gates.
    init(inputs: Int, contextFeatures c: Int, hiddenFeatures h: Int, blocks count: Int, outputs: Int,
         outputInitializer: Initializer = .zeros, rng: inout Philox) {
        precondition(inputs + c > 0, "a residual net needs inputs or context")
        initial = Linear(inputs + c, h, initializer: .xavierUniform, rng: &rng)
        var blocks: [Block] = []
        for _ in 0..<count { blocks.append(Block(width: h, contextFeatures: c, rng: &rng)) }
        self.blocks = blocks
        final = Linear(h, outputs, initializer: outputInitializer, rng: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("initial", initial as Module)] + blocks.enumerated().map { ("blocks.\($0.offset)", $0.element as Module) }
                + [("final", final as Module)])
    }

    /// Outputs for input u `[n, inputs]` (nil when there are no input columns) and context c `[n, c]` (nil without context).
    func callAsFunction(_ u: Tensor?, _ c: Tensor?) -> Tensor {
        let input = [u, c].compactMap { $0 }
        var h = initial(input.count == 1 ? input[0] : Tensor.concatenate(input, axis: 1))
        for block in blocks { h = block(h, c) }
        return final(h)
    }
}

/// Without context, a layer of its input alone (sbi's residual classifier).
extension ResidualNet: Layer {
    func callAsFunction(_ x: Tensor) -> Tensor { self(x, nil) }
}
