import Glibc
import Testing
import HyloCore
@testable import HyloSBI

@Suite struct FlowTests {
    /// A flow with random (untrained) weights that are far from the identity.
    func randomFlow(d: Int, c: Int) -> MaskedAutoregressiveFlow {
        var config = MaskedAutoregressiveFlow.Configuration()
        config.hiddenFeatures = 16; config.transforms = 3; config.seed = 5
        let flow = MaskedAutoregressiveFlow(parameterDimension: d, contextDimension: c, configuration: config)
        var rng = Philox(seed: 9)
        for p in flow.parameters { p.value.assignValues(p.value.scalars.map { $0 + 0.3 * rng.normal() }) }
        flow.fitStandardization(theta: rng.normal([50, d], std: 2), context: rng.normal([50, c]))
        return flow
    }

    @Test(arguments: [1, 3])
    func sampleInvertsLogProbDirection(d: Int) {
        let flow = randomFlow(d: d, c: 2)
        let x = Tensor([0.3, -0.7])
        var rng = Philox(seed: 1)
        var rngCopy = rng
        let theta = flow.sample(200, context: x, rng: &rng)
        // Map the samples back to noise: must equal the noise that was drawn.
        let noise = rngCopy.normal([200, d])
        let c = flow.contextScaling.apply(x.reshaped([1, 2]).expand(to: [200, 2]))
        var u = flow.thetaScaling.apply(theta)
        for (layer, p) in zip(flow.layers, flow.permutations) { u = layer.forward(u, c).0.selectColumns(p) }
        for (a, b) in zip(u.scalars, noise.scalars) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func densityIntegratesToOne() {
        let flow = randomFlow(d: 2, c: 1)
        let n = 601, lo = -30.0, hi = 30.0  // the untrained flow is wide: ±30 holds all but ~1e-5 of its mass
        let grid = Tensor.linspace(lo, hi, count: n).scalars
        var points: [Double] = []
        for a in grid { for b in grid { points += [a, b] } }
        let theta = Tensor(shape: [n * n, 2], scalars: points)
        let lp = flow.logProb(theta, context: Tensor.filled([n * n, 1], 0.4))
        let h = (hi - lo) / Double(n - 1)
        let integral = lp.exp().sum().scalar * h * h
        #expect(abs(integral - 1) < 1e-4, "∫q = \(integral)")
    }

    @Test func autoregressiveStructureHolds() {
        // ∂ log-scale/shift of dimension i must not depend on θ_j for j ≥ i within a transform.
        let flow = randomFlow(d: 4, c: 1)
        let layer = flow.layers[0]
        let u = Tensor(rows: [[0.1, -0.3, 0.8, 0.2]])
        for i in 0..<4 {
            let (_, vjp) = valueAndPullback(at: [u]) { v in
                let (scale, shift) = layer.scaleAndShift(v[0], Tensor(rows: [[0.5]]))
                return (scale + shift).slice(axis: 1, start: i, end: i + 1).sum()
            }
            for j in i..<4 { #expect(vjp[0].scalars[j] == 0) }
        }
    }
}
