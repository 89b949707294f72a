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

    public init() {}
}

public struct HybridTrainingResult: Sendable {
    public var parameters: [Double]
    /// The (weighted) mean squared error of the observed states.
    public var dataLoss: Double
    /// `mean ‖g‖²` along the fitted trajectories.
    public var networkNorm: Double
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
    let objective = HybridObjective(system: system, data: data, options: options)
    let trainable: [Int] = options.trainPhysics ? Array(0..<system.parameterCount)
        : Array(system.physicsParameterCount..<system.parameterCount)
    var parameters = initialParameters
    var multiplier = options.aphynity ? options.aphynityInitialMultiplier : 1
    var history: [Double] = []
    var cancelled = false

    // Adam
    let weights = Parameter(Tensor(trainable.map { parameters[$0] }))
    let adam = Adam(learningRate: options.learningRate)
    for iteration in 0..<options.adamIterations {
        let value = try objective.evaluate(parameters, multiplier: multiplier)
        history.append(value.total)
        adam.step([weights], gradients: [Tensor(trainable.map { value.gradient[$0] })])
        for (k, i) in trainable.enumerated() { parameters[i] = weights.value.scalars[k] }
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
        let start = trainable.map { parameters[$0] }
        let result = lbfgs.minimize(from: start, { x in
            var p = parameters
            for (k, i) in trainable.enumerated() { p[i] = x[k] }
            guard let value = try? objective.evaluate(p, multiplier: multiplier) else {
                return (.infinity, Array(repeating: 0, count: x.count))
            }
            return (value.total, trainable.map { value.gradient[$0] })
        }, progress: { iteration, loss in
            history.append(loss)
            return progress?("lbfgs", iteration, options.lbfgsIterations, loss) ?? true
        })
        if result.value.isFinite { for (k, i) in trainable.enumerated() { parameters[i] = result.x[k] } }
        cancelled = result.reason == .cancelled
    }
    let final = try objective.evaluate(parameters, multiplier: multiplier)
    return HybridTrainingResult(parameters: parameters, dataLoss: final.dataLoss, networkNorm: final.networkNorm,
                                multiplier: multiplier, history: history, cancelled: cancelled)
}

/// The training loss and its gradient over all trajectories.
struct HybridObjective {
    let system: HybridSystem
    let data: [TrajectoryData]
    let options: HybridTraining

    struct Value { var total: Double; var gradient: [Double]; var dataLoss: Double; var networkNorm: Double }

    func evaluate(_ p: [Double], multiplier: Double) throws -> Value {
        let observed = Double(data.reduce(0) { $0 + $1.observedCount })
        let points = Double(data.reduce(0) { $0 + $1.times.count })
        let dataWeight = options.aphynity ? multiplier : 1
        let normWeight = options.aphynity ? 1 : options.networkPenalty
        var total = [Double](repeating: 0, count: p.count)
        var dataLoss = 0.0, networkNorm = 0.0, overlap = 0.0
        for trajectory in data {
            var direct = [Double](repeating: 0, count: p.count)
            let result = try gradient(system, y0: trajectory.y0, t0: trajectory.t0, times: trajectory.times, parameters: p,
                                      options: options.solver, method: options.gradient) { solution in
                var cotangents = misfit(trajectory, solution.states, observed: observed, weight: dataWeight, into: &dataLoss)
                for (k, y) in solution.states.enumerated() {
                    let g = system.networkTerm(y, p)
                    networkNorm += g.reduce(0) { $0 + $1 * $1 } / points
                    if normWeight > 0 {
                        system.networkVJP(y, p, cotangent: g.map { normWeight * 2 * $0 / points }, yBar: &cotangents[k], pBar: &direct)
                    }
                    if options.orthogonalityPenalty > 0 {
                        overlap += try addOverlapGradient(t: trajectory.times[k], y: y, g: g, p: p, points: points,
                                                          yBar: &cotangents[k], pBar: &direct)
                    }
                }
                return cotangents
            }
            for k in 0..<p.count { total[k] += result.parameters[k] + direct[k] }
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
                        + options.physicsFitWeight * physicsLoss,
                     gradient: total, dataLoss: dataLoss, networkNorm: networkNorm)
    }

    /// Adds the (component-weighted) squared errors of the observed values of one trajectory,
    /// divided by the `observed` count of all trajectories, to `loss`; returns their cotangents
    /// with respect to `states`, times `weight`.
    private func misfit(_ trajectory: TrajectoryData, _ states: [[Double]], observed: Double, weight: Double,
                        into loss: inout Double) -> [[Double]] {
        states.enumerated().map { k, y in
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
        system.networkVJP(y, p, cotangent: f.map { scale * $0 }, yBar: &yBar, pBar: &pBar)
        return overlap * overlap / points
    }

    /// The mean squared error of the physics alone over all trajectories and its gradient with
    /// respect to the physical parameters.
    private func physicsOnlyFit(_ physics: ODESystem, _ p: [Double], observed: Double) throws -> (Double, [Double]) {
        var loss = 0.0, total = [Double](repeating: 0, count: p.count)
        for trajectory in data {
            let result = try gradient(physics, y0: trajectory.y0, t0: trajectory.t0, times: trajectory.times, parameters: p,
                                      options: options.solver, method: options.gradient) { solution in
                misfit(trajectory, solution.states, observed: observed, weight: 1, into: &loss)
            }
            for k in 0..<p.count { total[k] += result.parameters[k] }
        }
        return (loss, total)
    }
}
