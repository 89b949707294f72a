import Glibc
import HyloCore
import HyloNN

/// The terms of a PINN's loss and the points each is evaluated on.
struct LossTerms {
    enum Kind {
        case equation(Int), condition(Int), periodic(axis: Int), data(Int)
    }

    let pinn: PINN
    let kinds: [Kind]
    let names: [String]
    /// User weights (condition and observation weights; 1 for equations and periodicity).
    let weights: [Double]
    /// Collocation points, sorted by time when causal weighting is on.
    var interior: Tensor
    var conditionPoints: [(points: Tensor, normals: Tensor)]
    /// Matching points on the lower and upper face of each soft-periodic coordinate.
    var periodicPoints: [(lower: Tensor, upper: Tensor)]
    let causal: (chunks: Int, tolerance: Double)?

    init(_ pinn: PINN, options: PINNTrainingOptions, rng: inout Philox) {
        self.pinn = pinn
        (kinds, names, weights) = Self.describe(pinn)
        let problem = pinn.problem
        let time = problem.domain.time
        causal = options.causalChunks > 0 && time != nil ? (options.causalChunks, options.causalTolerance) : nil
        interior = Tensor.zeros([0, problem.coordinates.count])
        conditionPoints = []
        periodicPoints = []
        resample(options, rng: &rng)
    }

    /// The terms of `pinn`'s loss: equations, conditions, soft periodicity, data; their names and user weights.
    static func describe(_ pinn: PINN) -> (kinds: [Kind], names: [String], weights: [Double]) {
        let c = pinn.compiled, problem = pinn.problem
        var kinds: [Kind] = [], names: [String] = [], weights: [Double] = []
        for i in c.equations.indices { kinds.append(.equation(i)); names.append("equation \(i)"); weights.append(1) }
        for (i, cond) in problem.conditions.enumerated() {
            kinds.append(.condition(i)); names.append("condition \(i) (\(cond.region))"); weights.append(cond.weight)
        }
        for k in c.softPeriodic { kinds.append(.periodic(axis: k)); names.append("periodic \(problem.coordinates[k])"); weights.append(1) }
        for (i, o) in problem.observations.enumerated() { kinds.append(.data(i)); names.append("data \(i) (\(o.field))"); weights.append(o.weight) }
        return (kinds, names, weights)
    }

    /// Draws every point set afresh.
    mutating func resample(_ options: PINNTrainingOptions, rng: inout Philox) {
        let domain = pinn.problem.domain, method = options.sampling
        setInterior(pinn.compiled.equations.isEmpty ? Tensor.zeros([0, domain.dimension])
                    : domain.sampleInterior(options.collocationPoints, method: method, rng: &rng))
        conditionPoints = pinn.compiled.conditions.map { c in
            switch c.region {
            case .interior:
                let p = domain.sampleInterior(options.boundaryPoints, method: method, rng: &rng)
                return (p, Tensor.zeros(p.shape))
            case .boundary: return domain.sampleBoundary(options.boundaryPoints, method: method, rng: &rng)
            case .face(let axis, let upper): return domain.sampleFace(options.boundaryPoints, axis: axis, upper: upper, method: method, rng: &rng)
            }
        }
        periodicPoints = pinn.compiled.softPeriodic.map { k in
            let lower = domain.sampleFace(options.boundaryPoints, axis: k, upper: false, method: method, rng: &rng).points
            return (lower, domain.sampleFace(options.boundaryPoints, axis: k, upper: true, method: method, rng: &rng).points.replacingColumns(except: k, from: lower))
        }
    }

    /// Replaces the collocation points, ordering them by time for causal weighting.
    mutating func setInterior(_ points: Tensor) {
        guard causal != nil, let t = pinn.problem.domain.time, points.shape[0] > 1 else { interior = points; return }
        let d = points.shape[1], s = points.scalars
        interior = points.selectRows((0..<points.shape[0]).sorted { s[$0 * d + t] < s[$1 * d + t] })
    }

    /// Each term's unweighted loss, a scalar tensor (differentiable in the parameters).
    func losses() -> [Tensor] {
        terms(interiorRows: 0..<interior.shape[0], others: true).map { $0 ?? Tensor(0) }
    }

    /// Each term's loss and the gradient of `Σ weightsᵢ · lossᵢ` in `parameters`.
    ///
    /// The collocation points are taken in shards of about 2¹⁵ jet activations per layer (~220
    /// points for Burgers' 50 units × 3 components), each shard's share of the equation terms
    /// differentiated on its own, shards concurrently on the engine's threads, and the gradients
    /// summed in shard order (so the result does not depend on the number of threads). A
    /// whole-batch jet (10,000 points: 12 MB a layer) lives in memory, not in cache, and its
    /// matrix products ran at half the speed they reach in cache; on Burgers one Adam iteration
    /// on one core took 112 ms whole and 61–71 ms in shards (2¹⁶ activations: 75–86 ms, 2¹⁷:
    /// 73–83 ms). With causal weighting, whose weights need every slab's loss, a pass without
    /// gradients computes them first. Sums differ from the whole batch only by rounding.
    func lossesAndGradient(weights: [Double], parameters: [Parameter]) -> (losses: [Double], gradient: [Tensor]) {
        let n = interior.shape[0]
        let rowsPerShard = Swift.max(64, (1 << 15) / (pinn.compiled.interiorPlan.components * pinn.network.configuration.hiddenFeatures))
        let shards = Swift.max(1, (n + rowsPerShard - 1) / rowsPerShard)
        let shard = { (s: Int) in (s * n / shards)..<((s + 1) * n / shards) }
        let rowWeights = pinn.compiled.equations.isEmpty ? nil : causal.map { causalRowWeights(shards: (0..<shards).map(shard), $0) }
        var pieces = [(losses: [Double?], gradient: [Tensor])?](repeating: nil, count: shards)
        pieces.withUnsafeMutableBufferPointer { out in
            concurrently(shards) { s in
                let rows = shard(s)
                let parts = terms(interiorRows: rows, others: s == 0,
                                  rowWeights: rowWeights.map { $0.map { Tensor(shape: [rows.count, 1], scalars: Array($0[rows])) } })
                var sum = Tensor(0)
                for (i, part) in parts.enumerated() where part != nil && weights[i] != 0 { sum = sum + part! * weights[i] }
                out[s] = (parts.map { $0?.scalar }, gradients(of: sum, wrt: parameters.map(\.value)))
            }
        }
        var losses = [Double](repeating: 0, count: kinds.count)
        var gradient: [Tensor] = []
        for piece in pieces {
            let (parts, g) = piece!
            for (i, part) in parts.enumerated() { losses[i] += part ?? 0 }
            gradient = gradient.isEmpty ? g : zip(gradient, g).map { $0 + $1 }
        }
        return (losses, gradient)
    }

    /// Per equation, the weight of each collocation point's r² in the causal loss
    /// (`causalWeights`), from residuals computed shard by shard without gradients.
    private func causalRowWeights(shards: [Range<Int>], _ causal: (chunks: Int, tolerance: Double)) -> [[Double]] {
        let c = pinn.compiled
        var squares = [[Double]](repeating: [], count: shards.count)
        squares.withUnsafeMutableBufferPointer { out in
            concurrently(shards.count) { s in
                out[s] = withoutGradients {
                    let points = interior.slice(axis: 0, start: shards[s].lowerBound, end: shards[s].upperBound)
                    let fields = pinn.fields(at: points, plan: c.interiorPlan)
                    return c.equations.flatMap { pinn.residual($0, fields: fields, points: points).squared().scalars.array }
                }
            }
        }
        return c.equations.indices.map { e in
            causalWeights(ofSquares: squares.indices.flatMap { s in squares[s][(e * shards[s].count)..<((e + 1) * shards[s].count)] }, causal)
        }
    }

    /// The terms with the equations evaluated on `rows` of the collocation points, as those rows'
    /// share of the mean (Σ r² / n), or of the causal loss with `rowWeights` (per equation, `[rows, 1]`);
    /// the other terms only when `others` (else `nil`).
    private func terms(interiorRows rows: Range<Int>, others: Bool, rowWeights: [Tensor]? = nil) -> [Tensor?] {
        let c = pinn.compiled, n = interior.shape[0]
        let points = rows.count == n ? interior : interior.slice(axis: 0, start: rows.lowerBound, end: rows.upperBound)
        let interiorFields = c.equations.isEmpty ? [] : pinn.fields(at: points, plan: c.interiorPlan)
        return kinds.map { kind -> Tensor? in
            if case .equation(let i) = kind {
                let r = pinn.residual(c.equations[i], fields: interiorFields, points: points)
                if let rowWeights { return (r.squared() * rowWeights[i]).sum() }
                return rows.count == n ? meanSquare(r, causal: causal) : r.squared().sum() * (1 / Double(n))
            }
            guard others else { return nil }
            switch kind {
            case .equation: return nil
            case .condition(let i):
                let (points, normals) = conditionPoints[i]
                let fields = pinn.fields(at: points, plan: c.conditionPlans[i])
                return pinn.residual(c.conditions[i].residual.expression, fields: fields, points: points, normals: normals).squared().mean()
            case .periodic(let axis):
                let (lower, upper) = periodicPoints[c.softPeriodic.firstIndex(of: axis) ?? 0]
                let plan = DerivativePlan(dimension: pinn.problem.coordinates.count, firstOrder: [axis])
                let a = pinn.fields(at: lower, plan: plan), b = pinn.fields(at: upper, plan: plan)
                return zip(a, b).map { (($0.value - $1.value).squared().mean() + ($0.derivative(axis) - $1.derivative(axis)).squared().mean()) }
                    .reduce(Tensor(0), +)
            case .data(let i):
                let o = pinn.problem.observations[i]
                let f = pinn.problem.fields.firstIndex(of: o.field) ?? 0
                let u = pinn(o.points).slice(axis: 1, start: f, end: f + 1)
                return (u - o.values.reshaped([o.values.count, 1])).squared().mean()
            }
        }
    }

    /// The pointwise residual magnitude √(Σ equations r²) at `points`, without gradients.
    func residualMagnitude(at points: Tensor) -> [Double] {
        withoutGradients {
            let c = pinn.compiled
            let fields = pinn.fields(at: points, plan: c.interiorPlan)
            let total = c.equations.map { pinn.residual($0, fields: fields, points: points).squared() }.reduce(Tensor(0), +)
            return total.sqrt().scalars.array
        }
    }
}

/// The mean of r², or with causal weights: the mean over time slabs of exp(−ε Σ_{k<i} L_k) L_i
/// with the weights held constant (points are sorted by time, slabs are consecutive runs).
func meanSquare(_ r: Tensor, causal: (chunks: Int, tolerance: Double)?) -> Tensor {
    let squares = r.squared()
    guard let causal else { return squares.mean() }
    return (squares * Tensor(shape: squares.shape, scalars: causalWeights(ofSquares: squares.scalars.array, causal))).sum()
}

/// The weight of each row's r² in the causal loss, so that the loss is Σ weight · r²: for a row in
/// slab i (rows i·n/m ..< (i+1)·n/m of n, m = `chunks`) `exp(−ε Σ_{k<i} L_k) / (m · |slab i|)`,
/// with L_k the slab means of r²; 1/n for every row when there are fewer rows than slabs.
func causalWeights(ofSquares squares: [Double], _ causal: (chunks: Int, tolerance: Double)) -> [Double] {
    let n = squares.count, m = causal.chunks
    guard n >= m else { return [Double](repeating: 1 / Double(n), count: n) }
    var weights = [Double](repeating: 0, count: n), before = 0.0
    for i in 0..<m {
        let slab = (i * n / m)..<((i + 1) * n / m)
        for row in slab { weights[row] = Glibc.exp(-causal.tolerance * before) / Double(m * slab.count) }
        before += squares[slab].reduce(0, +) / Double(slab.count)
    }
    return weights
}

extension Tensor {
    /// `self` with every column but `keep` taken from `other` (same shape).
    func replacingColumns(except keep: Int, from other: Tensor) -> Tensor {
        let d = shape[1]
        var s = other.scalars.array
        for i in 0..<shape[0] { s[i * d + keep] = scalars[i * d + keep] }
        return Tensor(shape: shape, scalars: s)
    }
}
