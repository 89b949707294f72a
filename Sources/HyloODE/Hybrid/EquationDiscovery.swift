import Glibc

/// Equation discovery from a trained universal differential equation, as in Rackauckas et al.
/// (2020): sparse regression on the network term along the fitted trajectories proposes
/// structures, and the data decide among them.
///
/// STLSQ over a sweep of thresholds (log-spaced from 10⁻³ to 1 times the largest least-squares
/// coefficient) gives a handful of distinct sets of active terms per equation; each combination
/// across the equations is refitted to the
/// observations — the physics plus `Σ ξ_ij θ_j(y)` integrated through the solver, the coefficients
/// (and, optionally, the physical parameters) by L-BFGS — and the structure with the smallest
/// information criterion `N log(RSS/N) + c·k` wins (BIC: c = log N; AIC: c = 2; misfits below
/// the solver's tolerance count as that tolerance). The regression
/// only names the terms: fitted to a network that has absorbed some noise, its coefficients are
/// biased, and the refit on the data removes that bias (Mangan et al. 2017).
public struct EquationDiscovery: Sendable {
    public enum Criterion: String, Sendable, CaseIterable { case bic, aic }

    public var library: CandidateLibrary
    public var criterion = Criterion.bic
    /// Thresholds in the sweep.
    public var thresholdCount = 24
    /// Fitted states sampled per trajectory for the regression.
    public var samplesPerTrajectory = 200
    public var refitIterations = 300
    /// Refit the physical parameters with the coefficients (else they stay as given).
    public var refitPhysics = false
    public var solver: SolverOptions = HybridTraining().solver
    /// The most structures refitted when every output's candidate supports are combined.
    static let maxCombinations = 256

    public init(library: CandidateLibrary) { self.library = library }
}

public struct DiscoveredEquations: Sendable {
    /// One row per state component, one coefficient per library term (zero where inactive).
    public var coefficients: [[Double]]
    public var physicsParameters: [Double]
    /// The refitted mean squared error of the observations and the criterion's value.
    public var dataLoss: Double
    public var criterion: Double
    /// Every structure tried: its number of active terms, refitted data loss and criterion
    /// (infinite for a structure whose model could not be integrated).
    public var candidates: [(terms: Int, dataLoss: Double, criterion: Double)]
}

/// Discovers equations for the network term of `system` (additive coupling) with `parameters`
/// `[p, φ]`, trained on `data`.
public func discoverEquations(_ system: HybridSystem, parameters: [Double], data: [TrajectoryData],
                              options: EquationDiscovery) throws -> DiscoveredEquations {
    guard system.coupling == .additive else { throw ODEError.invalidArgument("equation discovery needs the additive coupling") }
    guard parameters.count == system.parameterCount else {
        throw ODEError.invalidArgument("\(parameters.count) parameters; the model has \(system.parameterCount)")
    }
    guard !data.isEmpty else { throw ODEError.invalidArgument("no trajectories") }
    for d in data { try d.validate(dimension: system.dimension) }
    guard options.thresholdCount >= 1, options.samplesPerTrajectory >= 2 else {
        throw ODEError.invalidArgument("discovery needs ≥ 1 threshold and ≥ 2 samples per trajectory")
    }
    let structures = try proposedStructures(system, parameters: parameters, data: data, options: options)
    let physicsParameters = Array(parameters[0..<system.physicsParameterCount])
    let observed = Double(data.reduce(0) { $0 + $1.observedCount })
    // Misfits below the solver's relative tolerance are integration error, not evidence: the
    // criterion sees at least (rtol · RMS of the observations)².
    var squares = 0.0
    for t in data { for (k, row) in t.observations.enumerated() { for (i, v) in row.enumerated() where t.observed(k, i) { squares += v * v } } }
    let floor = max(pow(options.solver.relativeTolerance, 2) * squares / observed, .leastNormalMagnitude)
    var best: DiscoveredEquations?
    var candidates: [(terms: Int, dataLoss: Double, criterion: Double)] = []
    for xi in structures {
        let k = Double(xi.flatMap { $0 }.filter { $0 != 0 }.count + (options.refitPhysics ? physicsParameters.count : 0))
        // A model that blows up from the regression's coefficients is refitted from (all but) zero (the
        // physics alone); one that cannot be fitted at all is no candidate. A callback's abort
        // still ends the discovery.
        let refit: (coefficients: [[Double]], physics: [Double], dataLoss: Double)
        do { refit = try refitStructure(system, xi, physicsParameters, data: data, options: options) }
        catch is ODEError {
            do { refit = try refitStructure(system, xi.map { $0.map { $0 == 0 ? 0 : Double.leastNonzeroMagnitude } }, physicsParameters,
                                            data: data, options: options) }
            catch is ODEError { candidates.append((Int(k), .infinity, .infinity)); continue }
        }
        let penalty = options.criterion == .bic ? log(observed) : 2
        let value = observed * log(max(refit.dataLoss, floor)) + penalty * k
        candidates.append((Int(k), refit.dataLoss, value))
        if value < best?.criterion ?? .infinity {
            best = DiscoveredEquations(coefficients: refit.coefficients, physicsParameters: refit.physics, dataLoss: refit.dataLoss,
                                       criterion: value, candidates: [])
        }
    }
    guard var result = best else { throw ODEError.invalidArgument("no structure could be fitted") }
    result.candidates = candidates
    return result
}

/// The term sets to refit, as coefficient rows (one per network target, zero where inactive) from
/// sparse regression of the network term along the model's trajectories from the data's starts.
private func proposedStructures(_ system: HybridSystem, parameters: [Double], data: [TrajectoryData],
                                options: EquationDiscovery) throws -> [[[Double]]] {
    // the network term along the fitted trajectories
    var samples: [[Double]] = [], targets: [[Double]] = []
    for trajectory in data {
        let end = trajectory.times.max() ?? trajectory.t0
        let times = (1...options.samplesPerTrajectory).map { trajectory.t0 + (end - trajectory.t0) * Double($0) / Double(options.samplesPerTrajectory) }
        let states = try solve(system, y0: trajectory.y0, t0: trajectory.t0, times: times, parameters: parameters, options: options.solver).states
        for (t, y) in zip(times, states) {
            samples.append(y)
            let g = try system.networkTerm(t, y, parameters)
            targets.append(system.targets.map { g[$0] })
        }
    }
    let full = try sparseRegression(samples: samples, targets: targets, library: options.library, threshold: 0)
    let largest = full.flatMap { $0 }.map(abs).max() ?? 0
    // STLSQ treats every output alone: collect each output's distinct supports over the sweep
    // (with the coefficients that found them), and try every combination across outputs — unless
    // there are more than `maxCombinations`, then only the combinations of equal thresholds.
    var rows = Array(repeating: [[Double]](), count: targets[0].count)
    var paired: [[[Double]]] = []
    for k in 0..<options.thresholdCount {
        let threshold = largest * pow(10, -3 + 3 * Double(k) / Double(max(options.thresholdCount - 1, 1)))
        let xi = try sparseRegression(samples: samples, targets: targets, library: options.library, threshold: threshold)
        for (o, row) in xi.enumerated() where !rows[o].contains(where: { $0.map { $0 != 0 } == row.map { $0 != 0 } }) {
            rows[o].append(row)
        }
        if !paired.contains(where: { $0.map { $0.map { $0 != 0 } } == xi.map { $0.map { $0 != 0 } } }) { paired.append(xi) }
    }
    // Single terms too: along few trajectories the library's columns are nearly collinear, and
    // the thresholding path can pass the one-term answer by (x·y may lose to x and y² together).
    for o in rows.indices {
        for term in options.library.names.indices where !rows[o].contains(where: { r in r.indices.allSatisfy { (r[$0] != 0) == ($0 == term) } }) {
            let fitted = try sparseRegression(samples: samples, targets: targets.map { [$0[o]] },
                                              library: options.library.restricted(to: [term]), threshold: 0)[0][0]
            var row = Array(repeating: 0.0, count: options.library.names.count)
            row[term] = fitted
            rows[o].append(row)
        }
    }
    let combinations = rows.reduce(1) { $0 * $1.count }
    return combinations > EquationDiscovery.maxCombinations ? paired
        : rows.reduce([[[Double]]]([[]])) { partial, choices in partial.flatMap { p in choices.map { p + [$0] } } }
}

/// The physics plus the active library terms of `xi` (one row per network target), with the
/// coefficients (and the physical parameters, if refitted) as parameters, fitted to the data.
private func refitStructure(_ system: HybridSystem, _ xi: [[Double]], _ physicsParameters: [Double], data: [TrajectoryData],
                           options: EquationDiscovery) throws -> (coefficients: [[Double]], physics: [Double], dataLoss: Double) {
    let active = xi.indices.flatMap { o in xi[o].indices.filter { xi[o][$0] != 0 }.map { (row: o, term: $0) } }
    let library = options.library, d = system.dimension
    let physicsCount = options.refitPhysics ? physicsParameters.count : 0
    let recovered = RecoveredSystem(physics: system.physics, fixedPhysics: options.refitPhysics ? nil : physicsParameters, library: library,
                                    active: active.map { (system.targets[$0.row], $0.term) }, dimension: d)
    // a hybrid model whose network is zero and stays untrained: the hybrid objective fits the rest
    let model = try HybridSystem(physics: recovered, network: DenseNetwork(widths: [d, 1, d]))
    var training = HybridTraining()
    training.solver = options.solver
    training.trainNetwork = false
    training.adamIterations = 0
    training.lbfgsIterations = options.refitIterations
    let start = (options.refitPhysics ? physicsParameters : []) + active.map { xi[$0.row][$0.term] }
    let parameters: [Double], dataLoss: Double
    if start.isEmpty {  // nothing to fit: the physics alone
        parameters = Array(repeating: 0, count: model.parameterCount)
        dataLoss = try HybridObjective(system: model, data: data, options: training).evaluate(parameters, nodes: [], multiplier: 1).dataLoss
    } else {
        let result = try trainHybrid(model, data: data, initialParameters: start + Array(repeating: 0, count: model.network.parameterCount),
                                     options: training)
        (parameters, dataLoss) = (result.parameters, result.dataLoss)
    }
    var coefficients = Array(repeating: Array(repeating: 0.0, count: library.names.count), count: d)
    for (k, a) in recovered.active.enumerated() { coefficients[a.component][a.term] = parameters[physicsCount + k] }
    return (coefficients, options.refitPhysics ? Array(parameters[0..<physicsCount]) : physicsParameters, dataLoss)
}
