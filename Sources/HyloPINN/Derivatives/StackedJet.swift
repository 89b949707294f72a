import HyloCore

/// A jet with every component materialized and stacked along a leading axis, `[S, n, width]`:
/// slice 0 the value, then the first derivatives in `plan.firstOrder` order, then the second
/// derivatives in `plan.secondOrder` order, then the combinations. A dense layer is then one
/// matrix product and a `tanh`/`sin` layer one fused kernel (`Tensor.taylorActivation`).
struct StackedJet {
    let plan: DerivativePlan
    var stack: Tensor

    var slices: Int { plan.components }

    init(_ jet: Jet) {
        plan = jet.plan
        let shape = jet.value.shape
        func full(_ t: Tensor?) -> Tensor {
            guard let t else { return Tensor.zeros(shape) }
            return t.shape == shape ? t : t.expand(to: shape)
        }
        let parts = [jet.value] + plan.firstOrder.map { full(jet.first[$0]) } + jet.second.map(full) + jet.combined.map(full)
        stack = parts.count == 1 ? jet.value.unsqueezed(0) : Tensor.stack(parts, axis: 0)
    }

    /// The components as a `Jet` (derivatives that are not carried stay `nil`).
    var jet: Jet {
        let s = slices
        func slice(_ k: Int) -> Tensor {
            let t = s == 1 ? stack : stack.slice(axis: 0, start: k, end: k + 1)
            return t.reshaped(Array(stack.shape.dropFirst()))
        }
        var jet = Jet(plan: plan, value: slice(0))
        for (i, k) in plan.firstOrder.enumerated() { jet.first[k] = slice(1 + i) }
        for p in plan.secondOrder.indices { jet.second[p] = slice(1 + plan.firstOrder.count + p) }
        for c in plan.combinations.indices { jet.combined[c] = slice(1 + plan.firstOrder.count + plan.secondOrder.count + c) }
        return jet
    }

    /// `x W + b`, the bias added to the value slice only, in one matrix product.
    func linear(_ weight: Tensor, _ bias: Tensor) -> StackedJet {
        var out = self
        out.stack = Tensor.linear(stack, weight, bias, biasRows: stack.shape[1])
        return out
    }

    /// σ applied elementwise: fused for tanh and sin when derivatives are carried, else through `Jet`.
    func applying(_ f: Function) -> StackedJet {
        let fused: TaylorActivation? = f == .tanh ? .tanh : (f == .sin ? .sin : nil)
        var out = self
        if slices == 1 {
            out.stack = f.value(stack)
        } else if let fused {
            let index = { (k: Int) in plan.firstOrder.firstIndex(of: k) ?? 0 }
            let second = plan.secondOrder.map { [SecondOrderTerm(index($0.i), index($0.j))] }
                + plan.combinations.map { $0.secondOrder.map { SecondOrderTerm(index($0.pair.i), index($0.pair.j), weight: $0.weight) } }
            out.stack = stack.taylorActivation(fused, firstOrder: plan.firstOrder.count, secondOrder: second)
        } else {
            out = StackedJet(jet.applying(f))
        }
        return out
    }
}
