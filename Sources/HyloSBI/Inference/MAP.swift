import HyloCore
import HyloNN

extension Posterior {
    /// The maximum a posteriori estimate at x: the θ maximizing the potential inside the prior's
    /// support.
    ///
    /// As sbi's `map()`: `initialSamples` candidates (posterior draws for NPE, prior draws for NLE
    /// and NRE) are scored, the best `starts` become the starting points of gradient ascent (Adam) on the potential, run in the prior's
    /// unbounded coordinates z (θ = T(z)) so that every iterate stays inside the support. Returns
    /// the best θ found and its log-density.
    public func map(x: Tensor, rng: inout Philox, initialSamples: Int = 1000, starts: Int = 10,
                    iterations: Int = 1000, learningRate: Double = 0.01) -> (theta: [Double], logProb: Double) {
        let d = prior.dimension
        let candidates = self.candidates(initialSamples, x: x, rng: &rng)
        guard candidates.shape[0] > 0 else { return ([Double](repeating: .nan, count: d), -.infinity) }
        let scores = withoutGradients { potential(candidates, x: x) }
        let order = (0..<candidates.shape[0]).sorted { scores.scalars[$0] > scores.scalars[$1] }
        let best = Array(order.prefix(starts))
        let z = Parameter(prior.toUnbounded(candidates.selectRows(best)).detached())
        let m = best.count
        let adam = Adam(learningRate: learningRate)
        func objective() -> Tensor { potential(prior.fromUnbounded(z.value), x: x) }
        var bestTheta = Array(candidates.scalars[(order[0] * d)..<((order[0] + 1) * d)])
        var bestValue = scores.scalars[order[0]]
        for _ in 0..<iterations {
            let values = objective()
            let g = gradients(of: -values.sum(), wrt: [z.value])
            if g[0].scalars.contains(where: { !$0.isFinite }) { break }
            adam.step([z], gradients: g)
        }
        let final = withoutGradients { objective() }
        let theta = withoutGradients { prior.fromUnbounded(z.value) }
        for i in 0..<m where final.scalars[i] > bestValue && final.scalars[i].isFinite {
            bestValue = final.scalars[i]
            bestTheta = Array(theta.scalars[(i * d)..<((i + 1) * d)])
        }
        return (bestTheta, bestValue)
    }
}
