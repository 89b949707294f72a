import HyloCore
import HyloNN

/// The conditioner of sbi's spline flows (nflows' `ResidualNet`): a linear map of (input, context)
/// to the hidden width, residual blocks h ← h + (W₂ relu(W₁ relu(h))) ⊙ σ(W_c c) whose update is
/// gated by the context (a GLU), and a linear output. The gate lets every block see the context,
/// not only the first layer. The blocks and the output layer start at zero, so an untrained
/// network outputs zeros (the identity spline).
final class ContextGatedResidualNet: Module {
    final class Block: Module {
        let first: Linear, second: Linear, gate: Linear
        init(width: Int, contextFeatures: Int, rng: inout Philox) {
            first = Linear(width, width, initializer: .heUniform, rng: &rng)
            second = Linear(width, width, initializer: .zeros, rng: &rng)
            gate = Linear(contextFeatures, width, initializer: .xavierUniform, rng: &rng)
        }
        var namedParameters: [(name: String, parameter: Parameter)] {
            collect([("first", first), ("second", second), ("gate", gate)])
        }
        func callAsFunction(_ h: Tensor, _ c: Tensor) -> Tensor {
            gatedUpdate(h, second(first(h.relu()).relu()), gate(c))
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

    init(inputs: Int, contextFeatures c: Int, hiddenFeatures h: Int, blocks count: Int, outputs: Int, rng: inout Philox) {
        initial = Linear(inputs + c, h, initializer: .xavierUniform, rng: &rng)
        var blocks: [Block] = []
        for _ in 0..<count { blocks.append(Block(width: h, contextFeatures: c, rng: &rng)) }
        self.blocks = blocks
        final = Linear(h, outputs, initializer: .zeros, rng: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("initial", initial as Module)] + blocks.enumerated().map { ("blocks.\($0.offset)", $0.element as Module) }
                + [("final", final as Module)])
    }

    /// Outputs for input u `[n, inputs]` (possibly no columns: pass nil) and context c `[n, c]`.
    func callAsFunction(_ u: Tensor?, _ c: Tensor) -> Tensor {
        var h = initial(u.map { Tensor.concatenate([$0, c], axis: 1) } ?? c)
        for block in blocks { h = block(h, c) }
        return final(h)
    }
}
