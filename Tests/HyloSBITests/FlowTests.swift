import Glibc
import Testing
import HyloCore
@testable import HyloSBI

@Suite struct FlowTests {
    /// A flow with random (untrained) weights that are far from the identity.
    func randomFlow(_ kind: FlowConfiguration.Kind, d: Int, c: Int, perturbation: Double = 0.3) -> ConditionalFlow {
        var config = FlowConfiguration(kind)
        config.hiddenFeatures = 16; config.transforms = 3; config.seed = 5; config.bins = 6
        let flow = ConditionalFlow(parameterDimension: d, contextDimension: c, configuration: config)
        var rng = Philox(seed: 9)
        for p in flow.parameters { p.value.assignValues(p.value.scalars.map { $0 + perturbation * rng.normal() }) }
        flow.fitStandardization(theta: rng.normal([50, d], std: 2), context: rng.normal([50, c]))
        return flow
    }

    @Test(arguments: [(FlowConfiguration.Kind.maf, 1), (.maf, 3), (.nsf, 1), (.nsf, 3)])
    func sampleInvertsTheDensityDirection(kind: FlowConfiguration.Kind, d: Int) {
        let flow = randomFlow(kind, d: d, c: 2)
        let x = Tensor([0.3, -0.7])
        var rng = Philox(seed: 1)
        var rngCopy = rng
        let theta = flow.sample(200, context: x, rng: &rng)
        // Map the samples back to noise: must equal the noise that was drawn.
        let noise = rngCopy.normal([200, d])
        let c = flow.contextScaling.apply(x.reshaped([1, 2]).expand(to: [200, 2]))
        var u = flow.thetaScaling.apply(theta)
        for layer in flow.layers { u = layer.forward(u, c).0 }
        // Random untrained splines have bins with slopes far from 1, which amplify rounding errors of
        // the inverse when mapped forward again.
        let tolerance = kind == .maf ? 1e-8 : 1e-6
        for (a, b) in zip(u.scalars, noise.scalars) { #expect(abs(a - b) < tolerance) }
    }

    @Test(arguments: FlowConfiguration.Kind.allCases)
    func densityIntegratesToOne(kind: FlowConfiguration.Kind) {
        // Random splines with large parameters have bins a thousand times steeper than others, too
        // narrow for a grid: perturb the NSF less.
        let flow = randomFlow(kind, d: 2, c: 1, perturbation: kind == .maf ? 0.3 : 0.05)
        let n = 601, lo = -30.0, hi = 30.0  // the untrained flows are wide: ±30 holds all but ~1e-5 of the mass
        let grid = Tensor.linspace(lo, hi, count: n).scalars
        var points: [Double] = []
        for a in grid { for b in grid { points += [a, b] } }
        let theta = Tensor(shape: [n * n, 2], scalars: points)
        let lp = flow.logProb(theta, context: Tensor.filled([n * n, 1], 0.4))
        let h = (hi - lo) / Double(n - 1)
        let integral = lp.exp().sum().scalar * h * h
        #expect(abs(integral - 1) < 1e-3, "∫q = \(integral)")
    }

    @Test func mixtureSamplesHaveTheMomentsOfItsDensity() {
        // Mean and covariance of 40,000 draws against those of the density integrated on a grid.
        let flow = randomFlow(.mdn, d: 2, c: 1, perturbation: 0.1)
        let x = Tensor([0.4])
        let n = 401, lo = -30.0, hi = 30.0, h = (hi - lo) / Double(n - 1)
        let grid = Tensor.linspace(lo, hi, count: n).scalars
        var points: [Double] = []
        for a in grid { for b in grid { points += [a, b] } }
        let q = flow.logProb(Tensor(shape: [n * n, 2], scalars: points), context: Tensor.filled([n * n, 1], 0.4)).exp().scalars
        func moment(_ f: (Double, Double) -> Double) -> Double {
            (0..<(n * n)).reduce(0) { $0 + q[$1] * f(points[2 * $1], points[2 * $1 + 1]) } * h * h
        }
        var rng = Philox(seed: 4)
        let s = flow.sample(40_000, context: x, rng: &rng).scalars
        func sampleMoment(_ f: (Double, Double) -> Double) -> Double {
            (0..<40_000).reduce(0) { $0 + f(s[2 * $1], s[2 * $1 + 1]) } / 40_000
        }
        let m0 = moment { a, _ in a }, m1 = moment { _, b in b }
        let c00 = moment { a, _ in (a - m0) * (a - m0) }, c11 = moment { _, b in (b - m1) * (b - m1) }
        let c01 = moment { a, b in (a - m0) * (b - m1) }
        #expect(abs(sampleMoment { a, _ in a } - m0) < 4 * (c00 / 40_000).squareRoot())
        #expect(abs(sampleMoment { _, b in b } - m1) < 4 * (c11 / 40_000).squareRoot())
        #expect(abs(sampleMoment { a, _ in (a - m0) * (a - m0) } / c00 - 1) < 0.05)
        #expect(abs(sampleMoment { _, b in (b - m1) * (b - m1) } / c11 - 1) < 0.05)
        #expect(abs(sampleMoment { a, b in (a - m0) * (b - m1) } - c01) < 0.05 * (c00 * c11).squareRoot())
    }

    @Test func mafTransformsAreAutoregressive() {
        // ∂ scale/shift of dimension i must not depend on θ_j for j ≥ i within a transform.
        let flow = randomFlow(.maf, d: 4, c: 1)
        let layer = flow.layers[0] as! MaskedAffineTransform
        let u = Tensor(rows: [[0.1, -0.3, 0.8, 0.2]])
        for i in 0..<4 {
            let (_, vjp) = valueAndPullback(at: [u]) { v in
                let (scale, shift) = layer.scaleAndShift(v[0], Tensor(rows: [[0.5]]))
                return (scale + shift).slice(axis: 1, start: i, end: i + 1).sum()
            }
            for j in i..<4 { #expect(vjp[0].scalars[j] == 0) }
        }
    }

    @Test func flowGradientsMatchFiniteDifferences() {
        for kind in FlowConfiguration.Kind.allCases {
            let flow = randomFlow(kind, d: 2, c: 1)
            let params = flow.parameters
            var rng = Philox(seed: 3)
            let theta = rng.uniform([3, 2], low: -1, high: 1), x = rng.normal([3, 1])
            let check = GradientCheck.run(at: params.map(\.value), secondOrder: false) { v in
                for (p, value) in zip(params, v) { p.value = value }
                return flow.logProb(theta, context: x)
            }
            #expect(check.firstOrderError < 1e-5, "\(kind): \(check.firstOrderError)")
        }
    }
}
