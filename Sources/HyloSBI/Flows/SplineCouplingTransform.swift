import HyloCore
import HyloNN

/// A rational-quadratic spline coupling transform (Durkan et al. 2019), as in sbi's `nsf`: the
/// features are split by an alternating mask; the spline parameters of the transformed features
/// come from a context-gated residual network of the untouched features and the context. With a
/// single feature the network sees the context only. The network's output layer starts at zero,
/// which (with `RationalQuadraticSpline.derivativeOffset`) makes an untrained transform
/// the identity.
final class SplineCouplingTransform: FlowLayer {
    let identity: [Int], transformed: [Int]
    let conditioner: ResidualNet
    let spline: RationalQuadraticSpline

    init(features d: Int, contextFeatures c: Int, hiddenFeatures h: Int, blocks: Int, bins: Int, tailBound: Double,
         even: Bool, rng: inout Philox) {
        let all = Array(0..<d)
        transformed = d == 1 ? [0] : all.filter { ($0 % 2 == 0) == even }
        identity = d == 1 ? [] : all.filter { ($0 % 2 == 0) != even }
        spline = RationalQuadraticSpline(bins: bins, bound: tailBound)
        conditioner = ResidualNet(inputs: identity.count, contextFeatures: c, hiddenFeatures: h, blocks: blocks,
                                  outputs: transformed.count * spline.parametersPerRow, rng: &rng)
    }

    var namedParameters: [(name: String, parameter: Parameter)] { collect([("conditioner", conditioner)]) }

    /// Unnormalized spline parameters `[n·m, 3K − 1]` for every (row, transformed feature).
    private func splineParameters(_ u: Tensor, _ c: Tensor) -> Tensor {
        conditioner(identity.isEmpty ? nil : u.selectColumns(identity), c)
            .reshaped([u.shape[0] * transformed.count, spline.parametersPerRow])
    }

    /// Puts the identity columns and the new transformed columns back in feature order.
    private func merge(_ u: Tensor, _ t: Tensor) -> Tensor {
        if identity.isEmpty { return t }
        var order = [Int](repeating: 0, count: identity.count + transformed.count)
        for (i, j) in identity.enumerated() { order[j] = i }
        for (i, j) in transformed.enumerated() { order[j] = identity.count + i }
        return Tensor.concatenate([u.selectColumns(identity), t], axis: 1).selectColumns(order)
    }

    func forward(_ u: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        let n = u.shape[0], m = transformed.count
        let (y, logDet) = spline.forward(u.selectColumns(transformed).reshaped([n * m]), splineParameters(u, c))
        return (merge(u, y.reshaped([n, m])), logDet.reshaped([n, m]).sum(axis: 1))
    }

    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor {
        let n = z.shape[0], m = transformed.count
        // the identity columns of z are those of u
        let x = spline.inverse(z.selectColumns(transformed).reshaped([n * m]), splineParameters(z, c))
        return merge(z, x.reshaped([n, m]))
    }
}

/// An invertible linear map z = W u + b with W = L U (L unit lower triangular, U upper triangular
/// with diagonal softplus(·) + 10⁻³), log |det W| = Σ log Uᵢᵢ; starts at the identity, as nflows'
/// `LULinear(identity_init=True)`.
final class LULinear: FlowLayer {
    let lower: Parameter, upper: Parameter, diagonal: Parameter, bias: Parameter
    let lowerMask: Tensor, upperMask: Tensor
    let features: Int

    init(features d: Int) {
        features = d
        lower = Parameter(Tensor.zeros([d, d]))
        upper = Parameter(Tensor.zeros([d, d]))
        diagonal = Parameter(Tensor.filled([d], 0.5397424172369522))  // softplus⁻¹(1 − 10⁻³)
        bias = Parameter(Tensor.zeros([d]))
        var l = [Double](repeating: 0, count: d * d), u = l
        for i in 0..<d { for j in 0..<d { if j < i { l[i * d + j] = 1 } else if j > i { u[i * d + j] = 1 } } }
        lowerMask = Tensor(shape: [d, d], scalars: l)
        upperMask = Tensor(shape: [d, d], scalars: u)
    }

    var namedParameters: [(name: String, parameter: Parameter)] {
        [("lower", lower), ("upper", upper), ("diagonal", diagonal), ("bias", bias)]
    }

    private var factors: (Tensor, Tensor, Tensor) {
        let diag = diagonal.value.softplus() + 1e-3
        let l = lower.value * lowerMask + Tensor.eye(features)
        let u = upper.value * upperMask + Tensor.eye(features) * diag.unsqueezed(0)
        return (l, u, diag)
    }

    func forward(_ x: Tensor, _ c: Tensor) -> (Tensor, Tensor) {
        let (l, u, diag) = factors
        // rows: z = x Wᵀ + b = x Uᵀ Lᵀ + b
        let z = Tensor.matmul(Tensor.matmul(x, u, transposeB: true), l, transposeB: true) + bias.value
        return (z, Tensor.filled([x.shape[0]], 0) + diag.log().sum())
    }

    func inverse(_ z: Tensor, _ c: Tensor) -> Tensor {
        let (l, u, _) = factors
        let rhs = (z - bias.value).transposed()
        let y = Tensor.solveTriangular(l, rhs, lower: true)
        return Tensor.solveTriangular(u, y, lower: false).transposed()
    }
}
