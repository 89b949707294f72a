/// Compares reverse-mode derivatives with central finite differences.
///
/// The first-order check compares `∇F` with finite differences of `F`, where
/// `F(x) = Σ w ⊙ f(x)` for fixed random weights `w` (so non-scalar outputs are covered).
/// The second-order check differentiates `H(x) = Σᵢ ⟨∇ᵢF(x), vᵢ⟩` — a Hessian–vector product —
/// and compares `∇H` with finite differences of `H`, which exercises every backward rule's own
/// backward rule (create-graph).
public struct GradientCheck {
    /// Largest `|analytic − numeric| / max(1, |numeric|)` over all input elements.
    public var firstOrderError: Double = 0
    public var secondOrderError: Double = 0

    public static func run(at inputs: [Tensor], secondOrder: Bool = true, step: Double = 1e-6, seed: UInt64 = 7,
                           _ f: @escaping ([Tensor]) -> Tensor) -> GradientCheck {
        var rng = Philox(seed: seed, stream: 99)
        let probe = withoutGradients { f(inputs) }
        let w = rng.normal(probe.shape)
        let F: ([Tensor]) -> Tensor = { xs in (f(xs) * w).sum() }
        var result = GradientCheck()

        let leaves = inputs.map { $0.detached().requiringGrad() }
        let analytic = gradients(of: F(leaves), wrt: leaves)
        let numeric = finiteDifferences(inputs, step: step) { F($0).scalar }
        result.firstOrderError = maxError(analytic, numeric)

        if secondOrder {
            let v = inputs.map { rng.normal($0.shape) }
            /// H at the given leaves, recorded so that it can be differentiated again.
            func hessianVectorObjective(_ leaves: [Tensor]) -> Tensor {
                let g = gradients(of: F(leaves), wrt: leaves, createGraph: true)
                return zip(g, v).map { ($0 * $1).sum() }.reduce(Tensor(0), +)
            }
            let leaves = inputs.map { $0.detached().requiringGrad() }
            let analytic2 = gradients(of: hessianVectorObjective(leaves), wrt: leaves)
            let numeric2 = finiteDifferences(inputs, step: step) { xs in
                hessianVectorObjective(xs.map { $0.detached().requiringGrad() }).scalar
            }
            result.secondOrderError = maxError(analytic2, numeric2)
        }
        return result
    }

    /// Central differences of a scalar function, one input element at a time.
    public static func finiteDifferences(_ inputs: [Tensor], step: Double, _ f: ([Tensor]) -> Double) -> [Tensor] {
        inputs.indices.map { i in
            var grad = [Double](repeating: 0, count: inputs[i].count)
            for j in 0..<inputs[i].count {
                var plus = inputs, minus = inputs
                let x = inputs[i].scalars[j]
                let h = step * Swift.max(1, Swift.abs(x))
                plus[i] = plus[i].detached(); plus[i].scalars[j] = x + h
                minus[i] = minus[i].detached(); minus[i].scalars[j] = x - h
                grad[j] = (f(plus) - f(minus)) / (2 * h)
            }
            return Tensor(shape: inputs[i].shape, scalars: grad)
        }
    }

    static func maxError(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var worst = 0.0
        for (x, y) in zip(a, b) {
            precondition(x.shape == y.shape, "gradient shape \(x.shape) ≠ \(y.shape)")
            for (p, q) in zip(x.scalars, y.scalars) {
                let e = Swift.abs(p - q) / Swift.max(1, Swift.abs(q))
                if !(e <= worst) { worst = e }
            }
        }
        return worst
    }
}
