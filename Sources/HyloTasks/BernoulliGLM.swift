import Glibc
import HyloCore
import HyloSBI

/// sbibm's bernoulli_glm: a generalized linear model of a spiking neuron.
///
/// θ = (offset, 9-tap filter) ~ N(0, B⁻¹) with B₀₀ = 0.5 and B₁:,₁: = FᵀF, F = D D + diag(√(i/9)),
/// D the 9 × 9 first-difference matrix (a smoothness prior on the filter). The stimulus I is
/// 100 standard normal values (sbibm's `RandomState(42).randn(100)` as float32, listed below);
/// the design matrix X (100 × 10) has a column of ones and I delayed by 0…8 bins. Spikes
/// yₜ ~ Bernoulli(sigmoid(Xθ)ₜ); x = Xᵀy (spike count and spike-triggered sums).
/// The stimulus values are from sbibm 1.1.0 (MIT License, © 2020 Lueckmann, Boelts, Greenberg,
/// Gonçalves, Macke).
public final class BernoulliGLM: SBITask {
    public let name = "bernoulli_glm"
    public let prior: Prior
    public let dataDimension = 10
    /// `[100, 10]`.
    public let design: Tensor

    static let stimulus: [Double] = [
        0.49671414494514465, -0.13826429843902588, 0.64768856763839722, 1.5230298042297363,
        -0.2341533750295639, -0.23413695394992828, 1.5792127847671509, 0.76743471622467041,
        -0.46947437524795532, 0.54256004095077515, -0.46341767907142639, -0.46572974324226379,
        0.24196226894855499, -1.9132802486419678, -1.7249178886413574, -0.56228750944137573,
        -1.0128310918807983, 0.31424733996391296, -0.90802407264709473, -1.4123036861419678,
        1.4656487703323364, -0.2257762998342514, 0.067528203129768372, -1.4247481822967529,
        -0.54438275098800659, 0.11092258989810944, -1.1509935855865479, 0.3756980299949646,
        -0.60063868761062622, -0.29169374704360962, -0.60170662403106689, 1.8522782325744629,
        -0.013497225008904934, -1.0577108860015869, 0.82254493236541748, -1.2208436727523804,
        0.20886360108852386, -1.9596700668334961, -1.32818603515625, 0.19686123728752136,
        0.73846656084060669, 0.17136828601360321, -0.11564828455448151, -0.30110368132591248,
        -1.4785219430923462, -0.71984422206878662, -0.46063876152038574, 1.0571222305297852,
        0.34361830353736877, -1.7630401849746704, 0.32408398389816284, -0.38508227467536926,
        -0.6769220232963562, 0.61167627573013306, 1.0309995412826538, 0.93128013610839844,
        -0.83921754360198975, -0.30921238660812378, 0.33126342296600342, 0.97554510831832886,
        -0.47917422652244568, -0.18565897643566132, -1.106334924697876, -1.1962065696716309,
        0.81252580881118774, 1.3562400341033936, -0.072010122239589691, 1.003532886505127,
        0.36163601279258728, -0.64511972665786743, 0.36139559745788574, 1.538036584854126,
        -0.03582603856921196, 1.5646436214447021, -2.6197450160980225, 0.82190251350402832,
        0.087047070264816284, -0.2990073561668396, 0.091760776937007904, -1.9875688552856445,
        -0.21967189013957977, 0.35711255669593811, 1.4778940677642822, -0.51827019453048706,
        -0.80849361419677734, -0.50175702571868896, 0.9154021143913269, 0.32875111699104309,
        -0.52976018190383911, 0.51326745748519897, 0.097077548503875732, 0.96864497661590576,
        -0.70205307006835938, -0.3276621401309967, -0.39210814237594604, -1.4635149240493774,
        0.296120285987854, 0.26105526089668274, 0.0051134568639099598, -0.23458713293075562,
    ]

    public init() {
        var x = [Double](repeating: 0, count: 100 * 10)
        for t in 0..<100 {
            x[t * 10] = 1
            for j in 0..<9 where t >= j { x[t * 10 + 1 + j] = BernoulliGLM.stimulus[t - j] }
        }
        design = Tensor(shape: [100, 10], scalars: x)
        // F = D·D + diag(√(i/9)) is lower triangular; the filter's covariance is (FᵀF)⁻¹ = F⁻¹F⁻ᵀ.
        var d = [Double](repeating: 0, count: 81)
        for i in 0..<9 { d[i * 9 + i] = 1; if i > 0 { d[i * 9 + i - 1] = -1 } }
        let dm = Tensor(shape: [9, 9], scalars: d)
        let f = Tensor.matmul(dm, dm) + Tensor.eye(9) * Tensor((0..<9).map { (Double($0) / 9).squareRoot() })
        let fInverse = Tensor.solveTriangular(f, Tensor.eye(9), lower: true)
        let filterCovariance = Tensor.matmul(fInverse, fInverse, transposeB: true)
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: 10), count: 10)
        covariance[0][0] = 2
        for i in 0..<9 { for j in 0..<9 { covariance[i + 1][j + 1] = filterCovariance.scalars[i * 9 + j] } }
        // Symmetrize the rounding of the product.
        for i in 0..<10 { for j in 0..<i { let m = (covariance[i][j] + covariance[j][i]) / 2; covariance[i][j] = m; covariance[j][i] = m } }
        // F is invertible (unit-free diagonal ≥ 1), so the covariance is positive definite by construction.
        prior = try! GaussianPrior(mean: [Double](repeating: 0, count: 10), covariance: covariance)
    }

    public func simulate(_ t: UnsafeBufferPointer<Double>, _ x: UnsafeMutableBufferPointer<Double>, rng: inout Philox) -> Int32 {
        for j in 0..<10 { x[j] = 0 }
        design.scalars.withUnsafeBufferPointer { xm in
            for row in 0..<100 {
                var psi = 0.0
                for j in 0..<10 { psi += xm[row * 10 + j] * t[j] }
                if rng.uniform() < 1 / (1 + Glibc.exp(-psi)) {
                    for j in 0..<10 { x[j] += xm[row * 10 + j] }
                }
            }
        }
        return 0
    }
}
