import HyloCore
import HyloNN

/// How a hybrid model is fitted to trajectories: Adam, then L-BFGS, on the mean squared error of
/// the observed states, with gradients through the solver, optionally with identifiability
/// regularization of the network term.
public struct HybridTraining: Sendable {
    public var solver: SolverOptions = {
        var s = SolverOptions(method: .explicit(.tsitouras5))
        s.relativeTolerance = 1e-6
        s.absoluteTolerance = 1e-8
        return s
    }()
    public var gradient: GradientMethod = .discreteAdjoint
    public var adamIterations = 300
    public var learningRate = 1e-2
    public var lbfgsIterations = 100
    /// Estimate the physical parameters together with the network (else they stay fixed).
    public var trainPhysics = true
    /// Train the network's weights (false: fit the physics alone, as the physics-only baseline of
    /// grey-box modelling; the network keeps its weights, zero for a fresh `outputScale: 0` net).
    public var trainNetwork = true
    /// Per-component weights of the squared errors (nil: all 1). With noise of different sizes
    /// in different components, 1/σᵢ² makes the loss the Gaussian negative log-likelihood.
    public var componentWeights: [Double]?
    /// L2 penalty `w · ‖φ‖²` on the network's weights: keeps the learned term smooth where 31 noisy
    /// points would let it wiggle.
    public var weightDecay = 0.0
    /// Plain penalty: minimize `MSE + w · mean ‖g(y(t_k))‖²`.
    public var networkPenalty = 0.0
    /// APHYNITY (Yin et al. 2021): minimize `mean ‖g‖²` subject to fitting the data, by the method of
    /// multipliers — the loss is `mean ‖g‖² + λ · MSE`, and every `aphynityUpdateEvery` Adam steps
    /// `λ ← λ + aphynityStep · MSE`. The network then explains only what the physics cannot, so
    /// the physical parameters keep their meaning.
    public var aphynity = false
    public var aphynityInitialMultiplier = 1.0
    public var aphynityStep = 1.0
    public var aphynityUpdateEvery = 10
    /// Grey-box regularizer "physics and network should not overlap": adds
    /// `w · mean ⟨f_physics(y), g(y)⟩²` along the fitted trajectories, so the network cannot take
    /// over a direction the physics already explains.
    public var orthogonalityPenalty = 0.0
    /// Grey-box regularizer "the physics alone should fit": adds `w ·` the mean squared error of the
    /// physics model integrated without the network, whose gradient reaches only the physical
    /// parameters; it keeps them close to their physics-only fit.
    public var physicsFitWeight = 0.0
    /// Multiple shooting: each trajectory is cut into this many segments of consecutive output
    /// times, each integrated from its own free initial state (the first from `y0`), fitted with
    /// the parameters; `continuityWeight · mean ‖defect‖²` pulls every segment's end onto the next
    /// segment's start. Long horizons and oscillating systems, whose single-shooting loss has many
    /// local minima, become a set of short, nearly convex fits that join up as training goes.
    public var shootingSegments = 1
    public var continuityWeight = 100.0

    public init() {}
}

public struct HybridTrainingResult: Sendable {
    public var parameters: [Double]
    /// The (weighted) mean squared error of the observed states.
    public var dataLoss: Double
    /// `mean ‖g‖²` along the fitted trajectories.
    public var networkNorm: Double
    /// Multiple shooting's `mean ‖defect‖²` at the segment joins (0 with one segment). The data
    /// loss and network norm above are those of the trained model integrated in one piece.
    public var continuityDefect: Double
    /// APHYNITY's final multiplier (1 without APHYNITY).
    public var multiplier: Double
    /// Total loss after each Adam step and each L-BFGS iteration.
    public var history: [Double]
    public var cancelled: Bool
}

/// Fits `system`'s parameters (`[p, φ]`, starting from `initialParameters`) to the trajectories.
/// `progress(stage, iteration, total, loss)` returning false stops training with the best
/// parameters so far.
public func trainHybrid(_ system: HybridSystem, data: [TrajectoryData], initialParameters: [Double],
                        options: HybridTraining = HybridTraining(),
                        progress: ((String, Int, Int, Double) -> Bool)? = nil) throws -> HybridTrainingResult {
    guard !data.isEmpty else { throw ODEError.invalidArgument("no trajectories to train on") }
    guard initialParameters.count == system.parameterCount else {
        throw ODEError.invalidArgument("\(initialParameters.count) initial parameters; the model has \(system.parameterCount)")
    }
    for d in data { try d.validate(dimension: system.dimension) }
    if let w = options.componentWeights, w.count != system.dimension || w.contains(where: { !($0 >= 0 && $0.isFinite) }) {
        throw ODEError.invalidArgument("component weights must be \(system.dimension) finite values ≥ 0")
    }
    for (name, w) in [("orthogonality penalty", options.orthogonalityPenalty), ("physics-fit weight", options.physicsFitWeight)]
    where !(w >= 0 && w.isFinite) {
        throw ODEError.invalidArgument("the \(name) must be finite and ≥ 0, got \(w)")
    }
    if system.physics == nil && (options.orthogonalityPenalty > 0 || options.physicsFitWeight > 0) {
        throw ODEError.invalidArgument("the orthogonality penalty and the physics-fit weight need a physics model")
    }
    guard options.shootingSegments >= 1, options.continuityWeight >= 0 && options.continuityWeight.isFinite else {
        throw ODEError.invalidArgument("multiple shooting needs ≥ 1 segments and a finite continuity weight ≥ 0")
    }
    let objective = HybridObjective(system: system, data: data, options: options)
    let trainable = (options.trainPhysics ? Array(0..<system.physicsParameterCount) : [])
        + (options.trainNetwork ? Array(system.physicsParameterCount..<system.parameterCount) : [])
    guard !trainable.isEmpty else { throw ODEError.invalidArgument("nothing to train: neither physics parameters nor network weights") }
    var parameters = initialParameters
    var nodes = objective.initialNodes()
    var multiplier = options.aphynity ? options.aphynityInitialMultiplier : 1
    var history: [Double] = []
    var cancelled = false
    /// The optimizers' variables: the trained parameters, then multiple shooting's node states.
    func unpack(_ x: [Double]) -> ([Double], [Double]) {
        var p = parameters
        for (k, i) in trainable.enumerated() { p[i] = x[k] }
        return (p, Array(x[trainable.count...]))
    }
    func packedGradient(_ value: HybridObjective.Value) -> [Double] { trainable.map { value.gradient[$0] } + value.nodeGradient }

    // Adam
    let variables = Parameter(Tensor(trainable.map { parameters[$0] } + nodes))
    let adam = Adam(learningRate: options.learningRate)
    for iteration in 0..<options.adamIterations {
        let value = try objective.evaluate(parameters, nodes: nodes, multiplier: multiplier)
        history.append(value.total)
        adam.step([variables], gradients: [Tensor(packedGradient(value))])
        (parameters, nodes) = unpack(variables.value.scalars.array)
        if options.aphynity && (iteration + 1) % options.aphynityUpdateEvery == 0 {
            multiplier += options.aphynityStep * value.dataLoss
        }
        if let progress, !progress("adam", iteration + 1, options.adamIterations, value.total) { cancelled = true; break }
    }

    // L-BFGS (multiplier fixed)
    if !cancelled && options.lbfgsIterations > 0 {
        var lbfgs = LBFGS()
        lbfgs.maxIterations = options.lbfgsIterations
        lbfgs.gradientTolerance = 1e-10
        let result = lbfgs.minimize(from: trainable.map { parameters[$0] } + nodes, { x in
            let (p, u) = unpack(x)
            guard let value = try? objective.evaluate(p, nodes: u, multiplier: multiplier) else {
                return (.infinity, Array(repeating: 0, count: x.count))
            }
            return (value.total, packedGradient(value))
        }, progress: { iteration, loss in
            history.append(loss)
            return progress?("lbfgs", iteration, options.lbfgsIterations, loss) ?? true
        })
        if result.value.isFinite { (parameters, nodes) = unpack(result.x) }
        cancelled = result.reason == .cancelled
    }
    let segmented = try objective.evaluate(parameters, nodes: nodes, multiplier: multiplier)
    // The model as it will be used: integrated in one piece (the segments' fit if that fails).
    var whole = options
    whole.shootingSegments = 1
    let final = options.shootingSegments == 1 ? segmented
        : (try? HybridObjective(system: system, data: data, options: whole).evaluate(parameters, nodes: [], multiplier: multiplier)) ?? segmented
    return HybridTrainingResult(parameters: parameters, dataLoss: final.dataLoss, networkNorm: final.networkNorm,
                                continuityDefect: segmented.continuityDefect, multiplier: multiplier, history: history,
                                cancelled: cancelled)
}

/// The training loss and its gradient over all trajectories.
struct HybridObjective {
    let system: HybridSystem
    let data: [TrajectoryData]
    let options: HybridTraining

    struct Value {
        var total: Double
        /// With respect to the parameters [p, φ].
        var gradient: [Double]
        /// With respect to multiple shooting's node states.
        var nodeGradient: [Double]
        var dataLoss: Double
        var networkNorm: Double
        var continuityDefect: Double
    }

    /// The first output time of each segment of a trajectory with `count` output times, then
    /// `count`: segments of (nearly) equal numbers of output times, at least one each.
    func segmentBounds(_ count: Int) -> [Int] {
        let segments = Swift.min(options.shootingSegments, count)
        return (0...segments).map { count * $0 / segments }
    }

    /// Multiple shooting's free states, segment after segment of each trajectory after the first:
    /// the observed state at the segment's start, or where a component was not observed there, its
    /// last earlier observation (else its initial value).
    func initialNodes() -> [Double] {
        var nodes: [Double] = []
        for trajectory in data {
            for b in segmentBounds(trajectory.times.count).dropFirst().dropLast() {
                for i in 0..<system.dimension {
                    let k = (0..<b).last { trajectory.observed($0, i) }
                    nodes.append(k.map { trajectory.observations[$0][i] } ?? trajectory.y0[i])
                }
            }
        }
        return nodes
    }

    func evaluate(_ p: [Double], nodes: [Double], multiplier: Double) throws -> Value {
        let d = system.dimension
        let observed = Double(data.reduce(0) { $0 + $1.observedCount })
        let points = Double(data.reduce(0) { $0 + $1.times.count })
        let dataWeight = options.aphynity ? multiplier : 1
        let normWeight = options.aphynity ? 1 : options.networkPenalty
        let joinScale = options.continuityWeight * 2 / Double(Swift.max(nodes.count, 1))
        var total = [Double](repeating: 0, count: p.count), nodeGradient = [Double](repeating: 0, count: nodes.count)
        var dataLoss = 0.0, networkNorm = 0.0, overlap = 0.0, defect = 0.0
        var node = 0  // the offset of the current segment's start in `nodes`
        for trajectory in data {
            let bounds = segmentBounds(trajectory.times.count)
            for s in 0..<(bounds.count - 1) {
                let rows = bounds[s]..<bounds[s + 1]
                let start = s == 0 ? trajectory.y0 : Array(nodes[node..<(node + d)])
                let next = s + 2 < bounds.count ? (s == 0 ? node : node + d) : nil
                var direct = [Double](repeating: 0, count: p.count)
                let result = try gradient(system, y0: start, t0: s == 0 ? trajectory.t0 : trajectory.times[rows.lowerBound - 1],
                                          times: Array(trajectory.times[rows]), parameters: p,
                                          options: options.solver, method: options.gradient) { solution in
                    var cotangents = misfit(trajectory, rows: rows, solution.states, observed: observed, weight: dataWeight,
                                            into: &dataLoss)
                    for (k, y) in solution.states.enumerated() {
                        let t = trajectory.times[rows.lowerBound + k]
                        let g = try system.networkTerm(t, y, p)
                        networkNorm += g.reduce(0) { $0 + $1 * $1 } / points
                        if normWeight > 0 {
                            try system.networkVJP(t, y, p, cotangent: g.map { normWeight * 2 * $0 / points }, yBar: &cotangents[k], pBar: &direct)
                        }
                        if options.orthogonalityPenalty > 0 {
                            overlap += try addOverlapGradient(t: t, y: y, g: g, p: p, points: points,
                                                              yBar: &cotangents[k], pBar: &direct)
                        }
                    }
                    if let next, let end = solution.states.last {
                        // the defect e between this segment's end and the next one's start
                        for i in 0..<d {
                            let e = end[i] - nodes[next + i]
                            defect += e * e / Double(nodes.count)
                            cotangents[cotangents.count - 1][i] += joinScale * e
                            nodeGradient[next + i] -= joinScale * e
                        }
                    }
                    return cotangents
                }
                for k in 0..<p.count { total[k] += result.parameters[k] + direct[k] }
                if s > 0 {
                    for i in 0..<d { nodeGradient[node + i] += result.initialState[i] }
                    node += d
                }
            }
        }
        var physicsLoss = 0.0
        if options.physicsFitWeight > 0, let physics = system.physics {
            let (loss, gradient) = try physicsOnlyFit(physics, Array(p[0..<physics.parameterCount]), observed: observed)
            physicsLoss = loss
            for k in 0..<gradient.count { total[k] += options.physicsFitWeight * gradient[k] }
        }
        var decay = 0.0
        if options.weightDecay > 0 {
            for k in system.physicsParameterCount..<p.count {
                decay += options.weightDecay * p[k] * p[k]
                total[k] += 2 * options.weightDecay * p[k]
            }
        }
        return Value(total: dataWeight * dataLoss + normWeight * networkNorm + decay + options.orthogonalityPenalty * overlap
                        + options.physicsFitWeight * physicsLoss + options.continuityWeight * defect,
                     gradient: total, nodeGradient: nodeGradient, dataLoss: dataLoss, networkNorm: networkNorm,
                     continuityDefect: defect)
    }

    /// Adds the (component-weighted) squared errors of the observed values at output times `rows`
    /// of one trajectory (`states` in that order), divided by the `observed` count of all
    /// trajectories, to `loss`; returns their cotangents with respect to `states`, times `weight`.
    private func misfit(_ trajectory: TrajectoryData, rows: Range<Int>, _ states: [[Double]], observed: Double, weight: Double,
                        into loss: inout Double) -> [[Double]] {
        zip(rows, states).map { k, y in
            (0..<y.count).map { i in
                guard trajectory.observed(k, i) else { return 0 }
                let r = y[i] - trajectory.observations[k][i], w = options.componentWeights?[i] ?? 1
                loss += w * r * r / observed
                return weight * 2 * w * r / observed
            }
        }
    }

    /// `mean ⟨f, g⟩²`'s share at one point, and its gradient: with s = ⟨f, g⟩, the cotangent
    /// 2 w s / N goes to the physics as g and to the network as f.
    private func addOverlapGradient(t: Double, y: [Double], g: [Double], p: [Double], points: Double,
                                    yBar: inout [Double], pBar: inout [Double]) throws -> Double {
        guard let physics = system.physics else { return 0 }
        let physical = Array(p[0..<physics.parameterCount])
        var f = [Double](repeating: 0, count: system.dimension)
        guard try physics.rhs(t, y, physical, into: &f) else { throw ODEError.illegalState(t: t) }
        let overlap = zip(f, g).reduce(0) { $0 + $1.0 * $1.1 }
        let scale = options.orthogonalityPenalty * 2 * overlap / points
        var physicsBar = [Double](repeating: 0, count: physical.count)
        guard try physics.vjp(t, y, physical, cotangent: g.map { scale * $0 }, addingTo: &yBar, &physicsBar) else {
            throw ODEError.illegalState(t: t)
        }
        for k in 0..<physicsBar.count { pBar[k] += physicsBar[k] }
        try system.networkVJP(t, y, p, cotangent: f.map { scale * $0 }, yBar: &yBar, pBar: &pBar)
        return overlap * overlap / points
    }

    /// The mean squared error of the physics alone over all trajectories and its gradient with
    /// respect to the physical parameters.
    private func physicsOnlyFit(_ physics: ODESystem, _ p: [Double], observed: Double) throws -> (Double, [Double]) {
        var loss = 0.0, total = [Double](repeating: 0, count: p.count)
        for trajectory in data {
            let result = try gradient(physics, y0: trajectory.y0, t0: trajectory.t0, times: trajectory.times, parameters: p,
                                      options: options.solver, method: options.gradient) { solution in
                misfit(trajectory, rows: trajectory.times.indices, solution.states, observed: observed, weight: 1, into: &loss)
            }
            for k in 0..<p.count { total[k] += result.parameters[k] }
        }
        return (loss, total)
    }
}
