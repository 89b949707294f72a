import HyloCore

/// A batched, unnormalized log-density on ℝᵈ: what the MCMC samplers sample.
///
/// The closure maps z `[n, d]` to log p(zᵢ) `[n]` with differentiable ops, so the gradient-based
/// samplers (HMC, NUTS) get ∇ log p from the engine. NaN values are read as −∞ (zero density).
public struct LogDensity: @unchecked Sendable {
    public let dimension: Int
    let function: (Tensor) -> Tensor

    public init(dimension: Int, _ function: @escaping (Tensor) -> Tensor) {
        self.dimension = dimension
        self.function = function
    }

    /// log p at each row of `z` (rows × d values, row-major).
    func values(_ z: [Double], rows: Int) -> [Double] {
        guard rows > 0 else { return [] }
        let v = withoutGradients { function(Tensor(shape: [rows, dimension], scalars: z)) }
        return v.scalars.map { $0.isNaN ? -.infinity : $0 }
    }

    /// log p and ∇ log p at each row of `z`; a row whose value or gradient is not finite gets −∞
    /// and a zero gradient.
    func valuesAndGradients(_ z: [Double], rows: Int) -> (values: [Double], gradients: [Double]) {
        let input = Tensor(shape: [rows, dimension], scalars: z).requiringGrad()
        let v = function(input)
        let g = gradients(of: v.sum(), wrt: [input])[0].scalars
        var values = Array(v.scalars), grads = Array(g)
        for i in 0..<rows {
            let row = (i * dimension)..<((i + 1) * dimension)
            if !values[i].isFinite || grads[row].contains(where: { !$0.isFinite }) {
                values[i] = -.infinity
                for j in row { grads[j] = 0 }
            }
        }
        return (values, grads)
    }
}
