import HyloCore
import HyloNN

/// One invertible, conditional step of a normalizing flow, in the density direction (data → noise).
protocol FlowLayer: Module {
    /// z and log |det ∂z/∂u| `[n]` for u `[n, d]` and standardized context c `[n, c]`.
    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor)
    /// u for z.
    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor
}

/// A fixed permutation of the features: column j of the output is column `order[j]` of the input.
final class Permutation: FlowLayer {
    let order: [Int]
    let inverseOrder: [Int]
    init(_ order: [Int]) {
        self.order = order
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, j) in order.enumerated() { inverse[j] = i }
        inverseOrder = inverse
    }
    var namedParameters: [(name: String, parameter: Parameter)] { [] }
    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) { (u.selectColumns(order), Tensor.zeros([u.shape[0]])) }
    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor { z.selectColumns(inverseOrder) }
}

/// A prior's bijection from its support to unbounded space, θ ↦ z, as a flow layer without
/// parameters: log |det ∂z/∂θ| = −log |det ∂θ/∂z| at z.
final class SupportTransform: FlowLayer {
    let prior: Prior
    init(_ prior: Prior) { self.prior = prior }
    var namedParameters: [(name: String, parameter: Parameter)] { [] }
    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        let z = prior.toUnbounded(u)
        return (z, -prior.logDetJacobianFromUnbounded(z))
    }
    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor { prior.fromUnbounded(z) }
}

extension Tensor {
    /// Columns of a matrix picked by index: column j of the result is column `columns[j]`.
    func selectColumns(_ columns: [Int]) -> Tensor {
        let n = shape[0]
        var idx = [Int](repeating: 0, count: n * columns.count)
        for i in 0..<n { for (j, c) in columns.enumerated() { idx[i * columns.count + j] = c } }
        return gather(axis: 1, index: IndexTensor(shape: [n, columns.count], indices: idx))
    }
}
