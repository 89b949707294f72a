import Glibc
import HyloCore
import HyloNN

/// Reports progress: stage ("adam" or "lbfgs"), iterations done, planned, current loss, and each
/// term's unweighted loss. Returning `false` cancels.
public typealias PINNProgress = (_ stage: String, _ done: Int, _ total: Int, _ loss: Double, _ terms: [Double]) -> Bool

extension PINN {
    /// Trains the network (and the unknown coefficients): Adam, then L-BFGS on the final points.
    /// Cancelling keeps the parameters reached.
    public func train(_ options: PINNTrainingOptions, progress: PINNProgress = { _, _, _, _, _ in true }) throws -> PINNTrainingResult {
        try Self.validate(options)
        let plan = compiled.interiorPlan, width = network.configuration.hiddenFeatures
        let slices = plan.components
        let points = Swift.max(options.collocationPoints, options.boundaryPoints) * (options.refinement == .none ? 1 : 10)
        guard points.multipliedReportingOverflow(by: width * slices).partialValue <= 1 << 27, points <= 1 << 24 else {
            throw PINNError.invalid("\(points) points × \(width) units × \(slices) jet components exceed the 2^27 activations one layer may hold; use fewer points or units")
        }
        var rng = Philox(seed: options.seed, stream: 0x5eed)
        var terms = LossTerms(self, options: options, rng: &rng)
        var adaptive = [Double](repeating: 1, count: terms.kinds.count)
        let parameters = self.parameters
        var losses = [Double](repeating: .nan, count: terms.kinds.count)
        var total = Double.nan
        var weights: [Double] { zip(terms.weights, adaptive).map { $0 * $1 } }
        var result: PINNTrainingResult {
            PINNTrainingResult(loss: total, termNames: terms.names, termLosses: losses,
                               termWeights: weights, adamIterations: adamDone,
                               lbfgsReason: lbfgs?.reason.rawValue, lbfgsIterations: lbfgs?.iterations ?? 0, cancelled: cancelled)
        }
        var adamDone = 0, cancelled = false
        var lbfgs: LBFGS.Result?

        func record(_ parts: [Double]) {
            losses = parts
            total = zip(parts, weights).reduce(0) { $1.1 == 0 ? $0 : $0 + $1.0 * $1.1 }
        }
        /// The weighted loss's gradient, evaluated in shards (`LossTerms.lossesAndGradient`); records the losses.
        func objectiveGradient() -> [Tensor] {
            let (parts, grads) = terms.lossesAndGradient(weights: weights, parameters: parameters)
            record(parts)
            return grads
        }
        /// Records the losses at the current parameters.
        func evaluate() { record(withoutGradients { terms.losses().map(\.scalar) }) }

        let adam = Adam(learningRate: options.learningRate)
        for iteration in 0..<options.adamIterations {
            if iteration > 0, iteration % options.refineEvery == 0 { refine(&terms, options, rng: &rng) }
            if options.weighting == .gradientNorm, iteration % options.weightUpdateEvery == 0 {
                updateWeights(&adaptive, terms: terms, parameters: parameters)
            }
            adam.learningRate = options.learningRate * Glibc.pow(options.learningRateDecay, Double(iteration) / Double(options.decaySteps))
            let grads = objectiveGradient()
            guard total.isFinite else {
                let value = total.isNaN ? "NaN" : "\(total)"
                throw PINNError.numerical(iteration == 0
                    ? "the loss is \(value) at the initial network: some residual is undefined there (log or sqrt of a negative value, division by zero)"
                    : "the loss became \(value) at Adam iteration \(iteration); lower the learning rate")
            }
            adam.step(parameters, gradients: grads)
            adamDone = iteration + 1
            if !progress("adam", adamDone, options.adamIterations, total, losses) { cancelled = true; return result }
        }

        if options.lbfgsIterations > 0 {
            let shapes = parameters.map(\.shape)
            let optimizer = LBFGS(history: options.lbfgsHistory, maxIterations: options.lbfgsIterations, gradientTolerance: options.lbfgsGradientTolerance,
                                  functionTolerance: options.lbfgsFunctionTolerance)
            let start = parameters.flatMap { $0.value.scalars.array }
            var best = (value: Double.infinity, x: start)
            let r = optimizer.minimize(from: start, { x in
                assign(x, to: parameters, shapes: shapes)
                let grads = objectiveGradient()
                if total < best.value { best = (total, x) }
                return (total, grads.flatMap { $0.scalars.array })
            }, progress: { iteration, value in
                let keepGoing = progress("lbfgs", iteration, options.lbfgsIterations, value, losses)
                if !keepGoing { cancelled = true }
                return keepGoing
            })
            lbfgs = r
            assign(r.value <= best.value ? r.x : best.x, to: parameters, shapes: shapes)
            if r.reason == .nonFinite {
                throw PINNError.numerical("the loss is not finite at the start of L-BFGS: some residual is undefined there")
            }
            evaluate()
        } else if options.adamIterations > 0 {
            evaluate()
        }
        return result
    }

    static func validate(_ o: PINNTrainingOptions) throws {
        func check(_ ok: Bool, _ message: @autoclosure () -> String) throws { if !ok { throw PINNError.invalid(message()) } }
        try check(o.adamIterations >= 0 && o.lbfgsIterations >= 0, "iteration counts must not be negative")
        try check(o.lbfgsHistory >= 1, "lbfgs_history must be at least 1")
        try check(o.learningRate > 0 && o.learningRate.isFinite, "learning_rate is \(o.learningRate)")
        try check(o.learningRateDecay > 0 && o.learningRateDecay <= 1, "learning_rate_decay \(o.learningRateDecay) is not in (0, 1]")
        try check(o.decaySteps >= 1 && o.weightUpdateEvery >= 1 && o.refineEvery >= 1, "decay_steps, weight_update_every and refine_every must be ≥ 1")
        try check((1...10_000_000).contains(o.collocationPoints), "collocation_points \(o.collocationPoints) is not in 1…10⁷")
        try check((1...10_000_000).contains(o.boundaryPoints), "boundary_points \(o.boundaryPoints) is not in 1…10⁷")
        try check(o.causalChunks >= 0 && o.causalChunks <= o.collocationPoints, "causal_chunks \(o.causalChunks) is not in 0…collocation_points")
        try check(o.causalTolerance >= 0 && o.causalTolerance.isFinite, "causal_tolerance is \(o.causalTolerance)")
        if case .residualGreedy(let count) = o.refinement { try check(count >= 1, "refinement needs a positive count") }
        if case .residualDistribution(let k, let c) = o.refinement { try check(k >= 0 && c >= 0 && k.isFinite && c.isFinite, "RAR-D needs k ≥ 0 and c ≥ 0") }
    }

    /// Moves the collocation points as `options.refinement` says.
    func refine(_ terms: inout LossTerms, _ options: PINNTrainingOptions, rng: inout Philox) {
        guard !compiled.equations.isEmpty else { return }
        let domain = problem.domain, n = options.collocationPoints
        switch options.refinement {
        case .none: return
        case .resample: terms.setInterior(domain.sampleInterior(n, method: options.sampling, rng: &rng))
        case .residualDistribution(let k, let c):
            let pool = domain.sampleInterior(10 * n, method: .uniform, rng: &rng)
            let density = terms.residualMagnitude(at: pool).map { Glibc.pow($0, k) }
            let mean = Swift.max(density.reduce(0, +) / Double(density.count), 1e-300)
            var cumulative = [Double](), running = 0.0
            for p in density { running += p / mean + c; cumulative.append(running) }
            let rows = (0..<n).map { _ in
                let u = rng.uniform() * running
                var (lo, hi) = (0, cumulative.count - 1)
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
                return lo
            }
            terms.setInterior(pool.selectRows(rows))
        case .residualGreedy(let count):
            let pool = domain.sampleInterior(10 * n, method: .uniform, rng: &rng)
            let r = terms.residualMagnitude(at: pool)
            let top = r.indices.sorted { r[$0] > r[$1] }.prefix(count)
            terms.setInterior(Tensor.concatenate([terms.interior, pool.selectRows(Array(top))], axis: 0))
        }
    }

    /// Gradient-norm balancing (Wang et al. 2023): λᵢ ← 0.9 λᵢ + 0.1 (Σⱼ ‖∇Lⱼ‖) / ‖∇Lᵢ‖.
    func updateWeights(_ adaptive: inout [Double], terms: LossTerms, parameters: [Parameter]) {
        let parts = terms.losses()
        let norms = parts.map { loss -> Double in
            let g = gradients(of: loss, wrt: parameters.map(\.value))
            return Glibc.sqrt(g.reduce(0) { $0 + $1.squared().sum().scalar })
        }
        let sum = norms.reduce(0, +)
        for i in adaptive.indices where norms[i] > 0 && norms[i].isFinite {
            adaptive[i] = 0.9 * adaptive[i] + 0.1 * sum / norms[i]
        }
    }
}

/// Writes a flat vector back into parameters of the given shapes.
func assign(_ x: [Double], to parameters: [Parameter], shapes: [[Int]]) {
    var offset = 0
    for (p, shape) in zip(parameters, shapes) {
        let n = shape.reduce(1, *)
        p.value.assignValues(x[offset..<(offset + n)])
        offset += n
    }
}
