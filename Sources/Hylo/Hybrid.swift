import CHylo
import HyloNN
import HyloODE

/// The object behind `hylo_hybrid *`: the model, its parameters, and the last training's result.
/// It keeps its own reference to the physics handle.
final class HybridHandle {
    let system: HybridSystem
    let physics: ODEHandle?
    var parameters: [Double]
    var lastTraining: HybridTrainingResult?

    init(system: HybridSystem, physics: ODEHandle?, parameters: [Double]) {
        self.system = system
        self.physics = physics
        self.parameters = parameters
    }
}

@c @implementation
public func hylo_hybrid_create(_ physics: OpaquePointer?, _ n: Int, _ outputComponents: UnsafePointer<Int>?, _ numOutputs: Int,
                               _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_hybrid_create") {
        let out = try Check.pointer(out, "out")
        let physicsHandle = try physics.map { try Handle.get($0, "physics", as: ODEHandle.self) }
        try Check.positive(n, "n", max: 1 << 16)
        if let p = physicsHandle, p.system.dimension != n {
            throw HyloError.invalid("n is \(n) but the physics has dimension \(p.system.dimension)")
        }
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let settings = try DenseNetworkOptions(&o, hiddenFeatures: 32, outputScale: 0.1)
        let coupling = HybridCoupling(rawValue: try o.choice("coupling", default: "additive", from: HybridCoupling.allCases.map(\.rawValue)))!
        try o.finish()
        let physicsParameters = physicsHandle?.system.parameterCount ?? 0
        var targets: [Int]
        switch coupling {
        case .hamiltonian:
            guard outputComponents == nil else { throw HyloError.invalid("a Hamiltonian network takes no output_components (pass NULL)") }
            guard n % 2 == 0 else { throw HyloError.invalid("a Hamiltonian network needs an even n (positions, then momenta); n is \(n)") }
            targets = []
        case .parameters:
            guard physicsParameters > 0 else { throw HyloError.invalid("the parameters coupling needs physics with parameters") }
            targets = Array(0..<physicsParameters)
        case .additive, .physicsOutput:
            if coupling == .physicsOutput && physicsHandle == nil { throw HyloError.invalid("the physics_output coupling needs physics") }
            targets = Array(0..<n)
        }
        if let outputComponents {
            let bound = coupling == .parameters ? physicsParameters : n
            let what = coupling == .parameters ? "a physical parameter index" : "a state index"
            try Check.positive(numOutputs, "num_outputs", max: bound)
            targets = Array(UnsafeBufferPointer(start: outputComponents, count: numOutputs))
            if let bad = targets.first(where: { !(0..<bound).contains($0) }) {
                throw HyloError.invalid("output component \(UInt(bitPattern: bad)) is not \(what) (0…\(bound - 1))")
            }
            if Set(targets).count != targets.count { throw HyloError.invalid("output_components lists an entry twice") }
        }
        let network = try settings.network(inputs: coupling.networkInputs(dimension: n), outputs: coupling == .hamiltonian ? 1 : targets.count)
        let system = try solving { try HybridSystem(physics: physicsHandle?.system, network: network, coupling: coupling, targets: targets) }
        let parameters = Array(repeating: 0, count: system.physicsParameterCount) + settings.initialWeights(network)
        out.pointee = Handle.make(HybridHandle(system: system, physics: physicsHandle, parameters: parameters))
    }
}

@c @implementation
public func hylo_hybrid_free(_ model: OpaquePointer?) { Handle.release(model, as: HybridHandle.self) }

@c @implementation
public func hylo_hybrid_num_parameters(_ model: OpaquePointer?, _ numPhysics: UnsafeMutablePointer<Int>?,
                                       _ numTotal: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_hybrid_num_parameters") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        numPhysics?.pointee = m.system.physicsParameterCount
        numTotal?.pointee = m.system.parameterCount
    }
}

@c @implementation
public func hylo_hybrid_get_parameters(_ model: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_hybrid_get_parameters") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        try copyValues(m.parameters, to: out, capacity: capacity, "the model has \(m.parameters.count) parameters")
    }
}

@c @implementation
public func hylo_hybrid_set_parameters(_ model: OpaquePointer?, _ parameters: UnsafePointer<Double>?, _ n: Int) -> hylo_status {
    abiCall("hylo_hybrid_set_parameters") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        guard n == m.system.parameterCount else {
            throw HyloError(HYLO_E_SHAPE, "n is \(n); the model has \(m.system.parameterCount) parameters")
        }
        m.parameters = try Check.array(parameters, count: n, "parameters")
    }
}

@c @implementation
public func hylo_hybrid_train(_ model: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                              _ numTrajectories: Int, _ times: UnsafePointer<Double>?, _ numTimes: Int,
                              _ observations: UnsafePointer<Double>?, _ mask: UnsafePointer<Int32>?,
                              _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_hybrid_train") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var training = HybridTraining()
        training.solver = try solverOptions(&o, defaults: training.solver)
        training.gradient = GradientMethod(rawValue: try o.choice("gradient", default: training.gradient.rawValue,
                                                                  from: GradientMethod.allCases.map(\.rawValue)))!
        training.adamIterations = try o.int("adam_iterations", default: training.adamIterations, in: 0...10_000_000)
        training.learningRate = try o.double("learning_rate", default: training.learningRate, in: 0...10, excludingLower: true)
        training.lbfgsIterations = try o.int("lbfgs_iterations", default: training.lbfgsIterations, in: 0...10_000_000)
        training.trainPhysics = try o.bool("train_physics", default: true)
        training.trainNetwork = try o.bool("train_network", default: true)
        training.weightDecay = try o.double("weight_decay", default: 0, in: 0...1e6)
        training.networkPenalty = try o.double("network_penalty", default: 0, in: 0...1e12)
        training.aphynity = try o.bool("aphynity", default: false)
        training.aphynityInitialMultiplier = try o.double("aphynity_initial_multiplier", default: 1, in: 0...1e12)
        training.aphynityStep = try o.double("aphynity_step", default: 1, in: 0...1e12)
        training.aphynityUpdateEvery = try o.int("aphynity_update_every", default: 10, in: 1...1_000_000)
        training.orthogonalityPenalty = try o.double("orthogonality_penalty", default: 0, in: 0...1e12)
        training.physicsFitWeight = try o.double("physics_fit_weight", default: 0, in: 0...1e12)
        training.shootingSegments = try o.int("shooting_segments", default: 1, in: 1...1 << 24)
        training.continuityWeight = try o.double("continuity_weight", default: training.continuityWeight, in: 0...1e12)
        try o.finish()
        let data = try trajectoryData(n: m.system.dimension, t0, y0, numTrajectories, times, numTimes, observations, mask)
        let result = try solving {
            try trainHybrid(m.system, data: data, initialParameters: m.parameters, options: training) { stage, done, total, loss in
                guard let progress else { return true }
                return stage.withCString { progress($0, Int64(done), Int64(total), loss, progressData) == 0 }
            }
        }
        m.parameters = result.parameters
        m.lastTraining = result
        if result.cancelled { throw HyloError(HYLO_E_CANCELLED, "training was cancelled by the progress callback; the model keeps the parameters reached") }
    }
}

/// The trajectories of hylo_hybrid_train and hylo_hybrid_discover, checked.
private func trajectoryData(n: Int, _ t0: Double, _ y0: UnsafePointer<Double>?, _ numTrajectories: Int, _ times: UnsafePointer<Double>?,
                            _ numTimes: Int, _ observations: UnsafePointer<Double>?, _ mask: UnsafePointer<Int32>?) throws -> [TrajectoryData] {
    guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
    try Check.positive(numTrajectories, "num_trajectories", max: 1 << 24)
    try Check.positive(numTimes, "num_times", max: 1 << 24)
    let starts = try Check.array(y0, count: try Check.product(numTrajectories, n, "num_trajectories × n"), "y0")
    let ts = try Check.array(times, count: numTimes, "times")
    let count = try Check.product(try Check.product(numTrajectories, numTimes, "num_trajectories × num_times"), n, "observations")
    let values = try Check.array(observations, count: count, "observations", finite: mask == nil)
    let observed = mask.map { Array(UnsafeBufferPointer(start: $0, count: count)).map { $0 != 0 } }
    return (0..<numTrajectories).map { j -> TrajectoryData in
        let rows = (0..<numTimes).map { k in Array(values[((j * numTimes + k) * n)..<((j * numTimes + k + 1) * n)]) }
        let maskRows = observed.map { o in (0..<numTimes).map { k in Array(o[((j * numTimes + k) * n)..<((j * numTimes + k + 1) * n)]) } }
        return TrajectoryData(t0: t0, y0: Array(starts[(j * n)..<((j + 1) * n)]), times: ts, observations: rows, mask: maskRows)
    }
}

@c @implementation
public func hylo_hybrid_discover(_ model: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                                 _ numTrajectories: Int, _ times: UnsafePointer<Double>?, _ numTimes: Int,
                                 _ observations: UnsafePointer<Double>?, _ mask: UnsafePointer<Int32>?,
                                 _ coefficients: UnsafeMutablePointer<Double>?, _ capacity: Int,
                                 _ physicsOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_hybrid_discover") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        let n = m.system.dimension
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var discovery = EquationDiscovery(library: try candidateLibrary(dim: n, &o))
        discovery.solver = try solverOptions(&o, defaults: discovery.solver)
        discovery.criterion = EquationDiscovery.Criterion(rawValue: try o.choice("criterion", default: "bic",
                                                                                 from: EquationDiscovery.Criterion.allCases.map(\.rawValue)))!
        discovery.thresholdCount = try o.int("thresholds", default: discovery.thresholdCount, in: 1...1000)
        discovery.samplesPerTrajectory = try o.int("samples_per_trajectory", default: discovery.samplesPerTrajectory, in: 2...1 << 20)
        discovery.refitIterations = try o.int("refit_iterations", default: discovery.refitIterations, in: 0...1_000_000)
        discovery.refitPhysics = try o.bool("refit_physics", default: false)
        try o.finish()
        guard m.system.coupling == .additive else { throw HyloError.invalid("equation discovery needs the additive coupling") }
        let data = try trajectoryData(n: n, t0, y0, numTrajectories, times, numTimes, observations, mask)
        let out = try Check.pointer(coefficients, "coefficients")
        let needed = n * discovery.library.names.count
        guard capacity >= needed else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "capacity is \(capacity); \(needed) coefficients are needed") }
        let found = try solving { try discoverEquations(m.system, parameters: m.parameters, data: data, options: discovery) }
        write(found.coefficients, to: out)
        if let physicsOut, !found.physicsParameters.isEmpty { write([found.physicsParameters], to: physicsOut) }
    }
}

@c @implementation
public func hylo_hybrid_training_result(_ model: OpaquePointer?, _ dataLoss: UnsafeMutablePointer<Double>?,
                                        _ networkNorm: UnsafeMutablePointer<Double>?, _ multiplier: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_hybrid_training_result") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        guard let r = m.lastTraining else { throw HyloError(HYLO_E_STATE, "the model has not been trained") }
        dataLoss?.pointee = r.dataLoss
        networkNorm?.pointee = r.networkNorm
        multiplier?.pointee = r.multiplier
    }
}

@c @implementation
public func hylo_hybrid_solve(_ model: OpaquePointer?, _ opts: OpaquePointer?, _ t0: Double, _ y0: UnsafePointer<Double>?,
                              _ times: UnsafePointer<Double>?, _ numTimes: Int, _ statesOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_hybrid_solve") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let options = try solverOptions(&o)
        try o.finish()
        try Check.positive(numTimes, "num_times", max: 1 << 28)
        guard t0.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "t0 is \(t0)") }
        let y = try Check.array(y0, count: m.system.dimension, "y0")
        let ts = try Check.array(times, count: numTimes, "times")
        let out = try Check.pointer(statesOut, "states_out")
        let solution = try solving { try solve(m.system, y0: y, t0: t0, times: ts, parameters: m.parameters, options: options) }
        write(solution.states, to: out)
    }
}

@c @implementation
public func hylo_hybrid_rhs(_ model: OpaquePointer?, _ t: Double, _ y: UnsafePointer<Double>?, _ ydot: UnsafeMutablePointer<Double>?,
                            _ networkOut: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_hybrid_rhs") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        let state = try Check.array(y, count: m.system.dimension, "y")
        let out = try Check.pointer(ydot, "ydot")
        var dy = [Double](repeating: 0, count: state.count)
        let ok = try solving { try m.system.rhs(t, state, m.parameters, into: &dy) }
        guard ok else { throw HyloError(HYLO_E_CALLBACK, "the physics reported an illegal state at t = \(t)") }
        write([dy], to: out)
        if let networkOut { write([try solving { try m.system.networkTerm(t, state, m.parameters) }], to: networkOut) }
    }
}

@c @implementation
public func hylo_hybrid_save(_ model: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_hybrid_save") {
        let m = try Handle.get(model, "model", as: HybridHandle.self)
        try Files.save(path) { m.system.checkpoint(parameters: m.parameters) }
    }
}

@c @implementation
public func hylo_hybrid_load(_ path: UnsafePointer<CChar>?, _ physics: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_hybrid_load") {
        let out = try Check.pointer(out, "out")
        let physicsHandle = try physics.map { try Handle.get($0, "physics", as: ODEHandle.self) }
        let (system, parameters) = try Files.load(path, kind: HybridSystem.checkpointKind) {
            try HybridSystem.load($0, physics: physicsHandle?.system)
        }
        out.pointee = Handle.make(HybridHandle(system: system, physics: physicsHandle, parameters: parameters))
    }
}

@c @implementation
public func hylo_sparse_regression(_ samples: UnsafePointer<Double>?, _ targets: UnsafePointer<Double>?, _ n: Int, _ dim: Int,
                                   _ outputs: Int, _ degree: Int, _ threshold: Double, _ coefficients: UnsafeMutablePointer<Double>?,
                                   _ capacity: Int, _ numTerms: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_sparse_regression") {
        guard threshold >= 0, threshold.isFinite else { throw HyloError.invalid("threshold is \(threshold); it must be ≥ 0") }
        var defaults = OptionReader(nil)
        var fit = try fitOptions(&defaults)
        fit.threshold = threshold
        try fitSparse(samples, targets, n, dim, outputs, try candidateLibrary(dim: dim, degree: degree), fit, coefficients, capacity,
                      numTerms)
    }
}

@c @implementation
public func hylo_sparse_regression_terms(_ dim: Int, _ degree: Int, _ index: Int, _ numTerms: UnsafeMutablePointer<Int>?,
                                         _ name: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_sparse_regression_terms") {
        try describeTerm(try candidateLibrary(dim: dim, degree: degree), index, numTerms, name, capacity)
    }
}

@c @implementation
public func hylo_sindy(_ samples: UnsafePointer<Double>?, _ targets: UnsafePointer<Double>?, _ n: Int, _ dim: Int, _ outputs: Int,
                       _ opts: OpaquePointer?, _ coefficients: UnsafeMutablePointer<Double>?, _ capacity: Int,
                       _ numTerms: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_sindy") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let library = try candidateLibrary(dim: dim, &o)
        let fit = try fitOptions(&o)
        try o.finish()
        try fitSparse(samples, targets, n, dim, outputs, library, fit, coefficients, capacity, numTerms)
    }
}

@c @implementation
public func hylo_sindy_terms(_ dim: Int, _ opts: OpaquePointer?, _ index: Int, _ numTerms: UnsafeMutablePointer<Int>?,
                             _ name: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_sindy_terms") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        let library = try candidateLibrary(dim: dim, &o)
        _ = try fitOptions(&o)  // the options of the fit are allowed (one handle serves both calls), and unused
        try o.finish()
        try describeTerm(library, index, numTerms, name, capacity)
    }
}

/// The monomials of x0 … x(dim−1) up to `degree` (including 1).
private func candidateLibrary(dim: Int, degree: Int) throws -> CandidateLibrary {
    try Check.positive(dim, "dim", max: 64)
    guard (0...8).contains(degree) else { throw HyloError.invalid("degree is \(UInt(bitPattern: degree)); it must be 0…8") }
    return CandidateLibrary.polynomials(variables: (0..<dim).map { "x\($0)" }, degree: degree)
}

/// hylo_sindy's library: "degree" (2) monomials, then with "trigonometric" (0) sin and cos of each variable.
private func candidateLibrary(dim: Int, _ o: inout OptionReader) throws -> CandidateLibrary {
    let polynomials = try candidateLibrary(dim: dim, degree: try o.int("degree", default: 2, in: 0...8))
    guard try o.bool("trigonometric", default: false) else { return polynomials }
    return polynomials + CandidateLibrary.trigonometric(variables: (0..<dim).map { "x\($0)" })
}

/// How STLSQ fits: the options "threshold", "ridge" and "max_iterations" (also the defaults of
/// hylo_sparse_regression, which takes the threshold as an argument).
private typealias SparseFit = (threshold: Double, ridge: Double, iterations: Int)

private func fitOptions(_ o: inout OptionReader) throws -> SparseFit {
    (try o.double("threshold", default: 0.1, in: 0...1e300), try o.double("ridge", default: 1e-10, in: 0...1e6),
     try o.int("max_iterations", default: 20, in: 1...100_000))
}

private func fitSparse(_ samples: UnsafePointer<Double>?, _ targets: UnsafePointer<Double>?, _ n: Int, _ dim: Int, _ outputs: Int,
                       _ library: CandidateLibrary, _ fit: SparseFit, _ coefficients: UnsafeMutablePointer<Double>?,
                       _ capacity: Int, _ numTerms: UnsafeMutablePointer<Int>?) throws {
    try Check.positive(n, "n", max: 1 << 28)
    try Check.positive(outputs, "outputs", max: 1 << 16)
    let x = try Check.array(samples, count: try Check.product(n, dim, "n × dim"), "samples")
    let y = try Check.array(targets, count: try Check.product(n, outputs, "n × outputs"), "targets")
    let out = try Check.pointer(coefficients, "coefficients")
    let needed = outputs * library.names.count
    guard capacity >= needed else { throw HyloError(HYLO_E_BUFFER_TOO_SMALL, "capacity is \(capacity); \(needed) coefficients are needed") }
    let xi = try solving {
        try sparseRegression(samples: (0..<n).map { Array(x[($0 * dim)..<(($0 + 1) * dim)]) },
                             targets: (0..<n).map { Array(y[($0 * outputs)..<(($0 + 1) * outputs)]) },
                             library: library, threshold: fit.threshold, ridge: fit.ridge, maxIterations: fit.iterations)
    }
    write(xi, to: out)
    numTerms?.pointee = library.names.count
}

private func describeTerm(_ library: CandidateLibrary, _ index: Int, _ numTerms: UnsafeMutablePointer<Int>?,
                          _ name: UnsafeMutablePointer<CChar>?, _ capacity: Int) throws {
    numTerms?.pointee = library.names.count
    guard let name else { return }
    guard library.names.indices.contains(index) else {
        throw HyloError.invalid("index \(UInt(bitPattern: index)) is not below \(library.names.count)")
    }
    try copyCString(library.names[index], to: name, capacity: capacity)
}
