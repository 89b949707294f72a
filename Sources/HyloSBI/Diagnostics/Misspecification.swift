import Glibc
import HyloCore

/// Whether observations lie outside what the simulator produces (model misspecification), by the
/// maximum mean discrepancy between the observations and simulations (Schmitt et al. 2023; sbi's
/// `calc_misspecification_mmd`).
///
/// Simulations are split into a reference set and a null pool. The statistic is the (biased)
/// squared MMD with a Gaussian kernel of median-heuristic bandwidth between the m observations and
/// the reference set; its null distribution comes from m-sized draws of the null pool, which are
/// simulations and so well specified by construction. The p-value is the fraction of null draws at
/// least as discrepant (with the usual +1 correction): a small p-value says the observations are
/// unlike the simulations. Features are x z-scored by the reference set, or given (e.g. a trained
/// NPE's embedding of x, `ConditionalFlow.conditioning`).
public struct MisspecificationTest {
    public var referenceSize = 1000
    public var nullDraws = 1000
    public var seed: UInt64 = 0

    public init() {}

    public struct Result: Sendable {
        public var pValue: Double
        /// MMD² between the observations and the reference simulations.
        public var mmd: Double
        /// MMD² of each null draw.
        public var null: [Double]
    }

    /// - Parameters:
    ///   - observations: `[m, c]`.
    ///   - simulations: `[n, c]`, n ≥ 2 m + 2; as many as `referenceSize` form the reference set,
    ///     the rest the null pool.
    ///   - features: maps x `[k, c]` to the features compared (nil: z-scored x).
    public func run(observations: Tensor, simulations: Tensor, features: ((Tensor) -> Tensor)? = nil) throws -> Result {
        let (m, n, c) = (observations.shape[0], simulations.shape[0], simulations.shape[1])
        guard observations.shape[1] == c else { throw InferenceError.shape("the observations have \(observations.shape[1]) columns, the simulations \(c)") }
        guard n >= 2 * m + 2 else { throw InferenceError.noData("\(n) simulations are too few to test \(m) observations (at least \(2 * m + 2))") }
        var rng = Philox(seed: seed, stream: 0x6d6d_64)
        let order = rng.permutation(n)
        let referenceCount = Swift.min(referenceSize, n - m - 1)
        let reference = Array(order.prefix(referenceCount)), pool = Array(order.dropFirst(referenceCount))
        let scaling = Standardization(fitting: simulations.selectRows(reference))
        func embed(_ x: Tensor) -> Tensor { withoutGradients { features?(x) ?? scaling.apply(x) } }
        let r = embed(simulations.selectRows(reference)), o = embed(observations), p = embed(simulations.selectRows(pool))
        let kernel = GaussianKernel(bandwidthFrom: r)
        // The reference–reference term is shared by every statistic.
        let referenceTerm = kernel.meanCross(r, r)
        let crossToReference = kernel.rowMeans(p, r)      // mean_j k(pᵢ, r_j) per pool point
        func mmd(_ points: Tensor, _ cross: [Double]) -> Double {
            kernel.meanCross(points, points) - 2 * cross.reduce(0, +) / Double(cross.count) + referenceTerm
        }
        let observed = mmd(o, kernel.rowMeans(o, r))
        let null = (0..<nullDraws).map { _ -> Double in
            let draw = (0..<m).map { _ in rng.integer(below: pool.count) }
            return mmd(p.selectRows(draw), draw.map { crossToReference[$0] })
        }
        let exceed = null.filter { $0 >= observed }.count
        return Result(pValue: Double(exceed + 1) / Double(nullDraws + 1), mmd: observed, null: null)
    }
}

/// k(a, b) = exp(−‖a − b‖² / (2 h²)) with h² half the median squared distance of a sample.
struct GaussianKernel {
    let inverseTwoH2: Double

    init(bandwidthFrom x: Tensor) {
        let step = Swift.max(1, x.shape[0] / 200)   // at most ~200² pairs for the median
        let sample = x.selectRows(Array(stride(from: 0, to: x.shape[0], by: step)))
        let d2 = GaussianKernel.squaredDistances(sample, sample).scalars
        let k = sample.shape[0]
        let offDiagonal = (0..<k).flatMap { i in ((i + 1)..<k).map { d2[i * k + $0] } }.sorted()
        let median = offDiagonal.isEmpty ? 1 : offDiagonal[offDiagonal.count / 2]
        inverseTwoH2 = median > 0 ? 1 / median : 1
    }

    /// ‖aᵢ − b_j‖² as `[n, m]`, by ‖a‖² + ‖b‖² − 2 a·b.
    static func squaredDistances(_ a: Tensor, _ b: Tensor) -> Tensor {
        let aa = a.squared().sum(axis: 1).reshaped([a.shape[0], 1]), bb = b.squared().sum(axis: 1).reshaped([1, b.shape[0]])
        return (aa + bb - Tensor.matmul(a, b, transposeB: true) * 2).relu()
    }

    /// mean_j k(aᵢ, b_j) for each i.
    func rowMeans(_ a: Tensor, _ b: Tensor) -> [Double] {
        Array((GaussianKernel.squaredDistances(a, b) * -inverseTwoH2).exp().mean(axis: 1).scalars)
    }

    /// mean over i, j of k(aᵢ, b_j).
    func meanCross(_ a: Tensor, _ b: Tensor) -> Double { rowMeans(a, b).reduce(0, +) / Double(a.shape[0]) }
}
