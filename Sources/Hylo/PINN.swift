import CHylo
import HyloCore
import HyloNN
import HyloPINN

/// The object behind `hylo_pde *`: a problem being built; every addition is checked at once.
final class PDEHandle {
    var problem: PDEProblem
    init(_ problem: PDEProblem) { self.problem = problem }

    /// Applies `change` to a copy, validates it, and keeps it only if valid.
    func update(_ change: (inout PDEProblem) throws -> Void) throws {
        var candidate = problem
        try change(&candidate)
        try pinnChecked { try candidate.validate() }
        problem = candidate
    }
}

/// The object behind `hylo_pinn *`: the model, the latest loss terms and the last training.
final class PINNHandle {
    let pinn: PINN
    var termLosses: [Double]
    var lastTraining: PINNTrainingResult?
    init(_ pinn: PINN) {
        self.pinn = pinn
        termLosses = Array(repeating: .nan, count: pinn.lossTermNames.count)
    }
}

/// Maps `PINNError` to statuses: bad problems and options are invalid arguments, a diverging loss numerical.
func pinnChecked<R>(_ body: () throws -> R) throws -> R {
    do { return try body() } catch let e as PINNError {
        if case .numerical = e { throw HyloError(HYLO_E_NUMERICAL, e.description) }
        throw HyloError.invalid(e.description)
    }
}

/// Comma-separated names.
private func names(_ p: UnsafePointer<CChar>?, _ argument: String) throws -> [String] {
    let list = try Check.string(p, argument).split(separator: ",", omittingEmptySubsequences: false).map { String($0.filter { !$0.isWhitespace }) }
    if list.contains(where: \.isEmpty) { throw HyloError.invalid("\(argument) has an empty name") }
    return list
}

@c @implementation
public func hylo_pde_create(_ coordinates: UnsafePointer<CChar>?, _ fields: UnsafePointer<CChar>?, _ lower: UnsafePointer<Double>?,
                            _ upper: UnsafePointer<Double>?, _ numCoordinates: Int, _ time: UnsafePointer<CChar>?,
                            _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_pde_create") {
        let out = try Check.pointer(out, "out")
        let coords = try names(coordinates, "coordinates"), fieldNames = try names(fields, "fields")
        try Check.positive(numCoordinates, "num_coordinates", max: 8)
        guard coords.count == numCoordinates else {
            throw HyloError(HYLO_E_SHAPE, "coordinates names \(coords.count) coordinates, num_coordinates is \(numCoordinates)")
        }
        try Check.positive(fieldNames.count, "the number of fields", max: 64)
        let lo = try Check.array(lower, count: numCoordinates, "lower"), hi = try Check.array(upper, count: numCoordinates, "upper")
        if let k = lo.indices.first(where: { !(lo[$0] < hi[$0]) }) {
            throw HyloError.invalid("lower[\(k)] = \(lo[k]) is not below upper[\(k)] = \(hi[k])")
        }
        var timeIndex: Int?
        if let time {
            let name = try Check.string(time, "time")
            guard let k = coords.firstIndex(of: name) else { throw HyloError.invalid("time '\(name)' is not one of the coordinates") }
            timeIndex = k
        }
        let problem = PDEProblem(coordinates: coords, fields: fieldNames, domain: Domain(lower: lo, upper: hi, time: timeIndex))
        try pinnChecked { try problem.validate() }
        out.pointee = Handle.make(PDEHandle(problem))
    }
}

@c @implementation
public func hylo_pde_free(_ pde: OpaquePointer?) { Handle.release(pde, as: PDEHandle.self) }

@c @implementation
public func hylo_pde_set_disk(_ pde: OpaquePointer?, _ x: UnsafePointer<CChar>?, _ y: UnsafePointer<CChar>?, _ cx: Double, _ cy: Double,
                              _ radius: Double) -> hylo_status {
    abiCall("hylo_pde_set_disk") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let (xName, yName) = (try Check.string(x, "x"), try Check.string(y, "y"))
        let coords = h.problem.coordinates
        guard let a = coords.firstIndex(of: xName), let b = coords.firstIndex(of: yName), a != b else {
            throw HyloError.invalid("x and y must name two different coordinates of \(coords.joined(separator: ", "))")
        }
        if let t = h.problem.domain.time, t == a || t == b { throw HyloError.invalid("the time coordinate cannot span a disk") }
        guard cx.isFinite, cy.isFinite, radius.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "the disk's centre and radius must be finite") }
        guard radius > 0 else { throw HyloError.invalid("radius is \(radius); it must be positive") }
        try h.update { p in
            p.domain = Domain.disk(axes: (a, b), center: (cx, cy), radius: radius, lower: p.domain.lower, upper: p.domain.upper, time: p.domain.time)
        }
    }
}

@c @implementation
public func hylo_pde_set_constant(_ pde: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ value: Double) -> hylo_status {
    abiCall("hylo_pde_set_constant") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let n = try Check.string(name, "name")
        guard value.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "constant '\(n)' is \(value)") }
        try h.update { $0.constants[n] = value }
    }
}

@c @implementation
public func hylo_pde_add_coefficient(_ pde: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ initial: Double) -> hylo_status {
    abiCall("hylo_pde_add_coefficient") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let n = try Check.string(name, "name")
        guard initial.isFinite else { throw HyloError(HYLO_E_NOT_FINITE, "coefficient '\(n)' starts at \(initial)") }
        try h.update { $0.coefficients.append(.init(name: n, initial: initial)) }
    }
}

@c @implementation
public func hylo_pde_add_equation(_ pde: OpaquePointer?, _ residual: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_pde_add_equation") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let r = try Check.string(residual, "residual")
        try h.update { $0.equations.append(r) }
    }
}

@c @implementation
public func hylo_pde_add_condition(_ pde: OpaquePointer?, _ region: UnsafePointer<CChar>?, _ residual: UnsafePointer<CChar>?,
                                   _ weight: Double) -> hylo_status {
    abiCall("hylo_pde_add_condition") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let (where_, r) = (try Check.string(region, "region"), try Check.string(residual, "residual"))
        guard weight.isFinite, weight >= 0 else { throw HyloError.invalid("weight is \(weight); it must be finite and ≥ 0") }
        try h.update { $0.conditions.append(.init(region: where_, residual: r, weight: weight)) }
    }
}

@c @implementation
public func hylo_pde_set_periodic(_ pde: OpaquePointer?, _ coordinate: UnsafePointer<CChar>?, _ hard: Int32) -> hylo_status {
    abiCall("hylo_pde_set_periodic") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let c = try Check.string(coordinate, "coordinate")
        guard hard == 0 || hard == 1 else { throw HyloError.invalid("hard is \(hard); it must be 0 or 1") }
        try h.update { p in
            p.periodic.removeAll { $0.coordinate == c }
            p.periodic.append(.init(coordinate: c, hard: hard == 1))
        }
    }
}

@c @implementation
public func hylo_pde_set_output_transform(_ pde: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ expression: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_pde_set_output_transform") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let (f, e) = (try Check.string(field, "field"), try Check.string(expression, "expression"))
        try h.update { $0.outputTransforms[f] = e }
    }
}

@c @implementation
public func hylo_pde_add_observations(_ pde: OpaquePointer?, _ field: UnsafePointer<CChar>?, _ points: UnsafePointer<Double>?,
                                      _ values: UnsafePointer<Double>?, _ n: Int, _ weight: Double) -> hylo_status {
    abiCall("hylo_pde_add_observations") {
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        let f = try Check.string(field, "field")
        try Check.positive(n, "n", max: 1 << 24)
        let d = h.problem.coordinates.count
        let p = try Check.array(points, count: n * d, "points"), v = try Check.array(values, count: n, "values")
        guard weight.isFinite, weight >= 0 else { throw HyloError.invalid("weight is \(weight); it must be finite and ≥ 0") }
        try h.update { $0.observations.append(.init(field: f, points: Tensor(shape: [n, d], scalars: p), values: Tensor(v), weight: weight)) }
    }
}

@c @implementation
public func hylo_pinn_create(_ pde: OpaquePointer?, _ opts: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_pinn_create") {
        let out = try Check.pointer(out, "out")
        let h = try Handle.get(pde, "pde", as: PDEHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var c = PINNNetworkConfiguration(inputs: 0, outputs: 0, lower: [], upper: [])
        c.hiddenLayers = try o.int("hidden_layers", default: 4, in: 1...16)
        c.hiddenFeatures = try o.int("hidden_features", default: 50, in: 1...1024)
        let smooth = ["tanh", "sin", "sigmoid", "softplus", "silu", "gelu"]
        c.activation = Function(rawValue: try o.choice("activation", default: "tanh", from: smooth)) ?? .tanh
        c.architecture = PINNNetworkConfiguration.Architecture(
            rawValue: try o.choice("architecture", default: "mlp", from: PINNNetworkConfiguration.Architecture.allCases.map(\.rawValue))) ?? .mlp
        c.fourierFeatures = try o.int("fourier_features", default: 0, in: 0...1024)
        c.fourierScale = try o.double("fourier_scale", default: 1, in: 0...1e6, excludingLower: true)
        let rwf = try o.bool("weight_factorization", default: false)
        let rwfMean = try o.double("rwf_mean", default: 1, in: -10...10), rwfStd = try o.double("rwf_std", default: 0.1, in: 0...10)
        if rwf { c.weightFactorization = .init(mean: rwfMean, std: rwfStd) }
        c.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let pinn = try pinnChecked { try PINN(problem: h.problem, configuration: c) }
        out.pointee = Handle.make(PINNHandle(pinn))
    }
}

@c @implementation
public func hylo_pinn_free(_ pinn: OpaquePointer?) { Handle.release(pinn, as: PINNHandle.self) }

@c @implementation
public func hylo_pinn_train(_ pinn: OpaquePointer?, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                            _ progressData: UnsafeMutableRawPointer?) -> hylo_status {
    abiCall("hylo_pinn_train") {
        let h = try Handle.get(pinn, "pinn", as: PINNHandle.self)
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var t = PINNTrainingOptions()
        t.adamIterations = try o.int("adam_iterations", default: t.adamIterations, in: 0...100_000_000)
        t.learningRate = try o.double("learning_rate", default: t.learningRate, in: 0...10, excludingLower: true)
        t.learningRateDecay = try o.double("learning_rate_decay", default: t.learningRateDecay, in: 0...1, excludingLower: true)
        t.decaySteps = try o.int("decay_steps", default: t.decaySteps, in: 1...100_000_000)
        t.lbfgsIterations = try o.int("lbfgs_iterations", default: t.lbfgsIterations, in: 0...100_000_000)
        t.lbfgsHistory = try o.int("lbfgs_history", default: t.lbfgsHistory, in: 1...1000)
        t.collocationPoints = try o.int("collocation_points", default: t.collocationPoints, in: 1...(1 << 24))
        t.boundaryPoints = try o.int("boundary_points", default: t.boundaryPoints, in: 1...(1 << 24))
        t.sampling = SamplingMethod(rawValue: try o.choice("sampling", default: "sobol", from: SamplingMethod.allCases.map(\.rawValue))) ?? .sobol
        t.weighting = PINNTrainingOptions.LossWeighting(
            rawValue: try o.choice("loss_weighting", default: "fixed", from: PINNTrainingOptions.LossWeighting.allCases.map(\.rawValue))) ?? .fixed
        t.weightUpdateEvery = try o.int("weight_update_every", default: t.weightUpdateEvery, in: 1...100_000_000)
        t.causalChunks = try o.int("causal_chunks", default: 0, in: 0...4096)
        t.causalTolerance = try o.double("causal_tolerance", default: 1, in: 0...1e6)
        let refinement = try o.choice("refinement", default: "none", from: ["none", "resample", "rar_d", "rar_g"])
        t.refineEvery = try o.int("refine_every", default: t.refineEvery, in: 1...100_000_000)
        let k = try o.double("rar_k", default: 1, in: 0...10), c = try o.double("rar_c", default: 1, in: 0...1e6)
        let count = try o.int("rar_count", default: 100, in: 1...(1 << 20))
        t.refinement = ["resample": .resample, "rar_d": .residualDistribution(k: k, c: c), "rar_g": .residualGreedy(count: count)][refinement] ?? .none
        t.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let result = try pinnChecked {
            try h.pinn.train(t) { stage, done, total, loss, terms in
                h.termLosses = terms
                guard let progress else { return true }
                return stage.withCString { progress($0, Int64(done), Int64(total), loss, progressData) == 0 }
            }
        }
        h.termLosses = result.termLosses
        h.lastTraining = result
        if result.cancelled { throw HyloError(HYLO_E_CANCELLED, "training was cancelled by the progress callback; the PINN keeps the parameters reached") }
    }
}

@c @implementation
public func hylo_pinn_sizes(_ pinn: OpaquePointer?, _ numCoordinates: UnsafeMutablePointer<Int>?, _ numFields: UnsafeMutablePointer<Int>?,
                            _ numCoefficients: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_pinn_sizes") {
        let p = try Handle.get(pinn, "pinn", as: PINNHandle.self).pinn.problem
        numCoordinates?.pointee = p.coordinates.count
        numFields?.pointee = p.fields.count
        numCoefficients?.pointee = p.coefficients.count
    }
}

@c @implementation
public func hylo_pinn_num_loss_terms(_ pinn: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_pinn_num_loss_terms") {
        let h = try Handle.get(pinn, "pinn", as: PINNHandle.self)
        try Check.pointer(out, "out").pointee = h.termLosses.count
    }
}

@c @implementation
public func hylo_pinn_loss_term_name(_ pinn: OpaquePointer?, _ index: Int, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_pinn_loss_term_name") {
        let names = try Handle.get(pinn, "pinn", as: PINNHandle.self).pinn.lossTermNames
        guard index >= 0, index < names.count else {
            throw HyloError.invalid("index is \(UInt(bitPattern: index)); there are \(names.count) loss terms")
        }
        try copyCString(names[index], to: buffer, capacity: capacity)
    }
}

@c @implementation
public func hylo_pinn_loss_terms(_ pinn: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_pinn_loss_terms") {
        let h = try Handle.get(pinn, "pinn", as: PINNHandle.self)
        try copyValues(h.termLosses, to: out, capacity: capacity, "there are \(h.termLosses.count) loss terms")
    }
}

@c @implementation
public func hylo_pinn_training_result(_ pinn: OpaquePointer?, _ loss: UnsafeMutablePointer<Double>?, _ lbfgsIterations: UnsafeMutablePointer<Int64>?,
                                      _ reason: UnsafeMutablePointer<CChar>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_pinn_training_result") {
        let h = try Handle.get(pinn, "pinn", as: PINNHandle.self)
        guard let r = h.lastTraining else { throw HyloError(HYLO_E_STATE, "the PINN has not been trained") }
        loss?.pointee = r.loss
        lbfgsIterations?.pointee = Int64(r.lbfgsIterations)
        if let reason { try copyCString(r.lbfgsReason ?? "none", to: reason, capacity: capacity) }
    }
}

@c @implementation
public func hylo_pinn_evaluate(_ pinn: OpaquePointer?, _ points: UnsafePointer<Double>?, _ n: Int, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_pinn_evaluate") {
        let model = try Handle.get(pinn, "pinn", as: PINNHandle.self).pinn
        try Check.positive(n, "n", max: 1 << 26)
        let d = model.problem.coordinates.count
        let x = try Check.array(points, count: try Check.product(n, d, "n × num_coordinates"), "points")
        let out = try Check.pointer(out, "out")
        // Evaluated in blocks so that memory stays bounded for any n.
        let block = 65_536, width = model.problem.fields.count
        for start in stride(from: 0, to: n, by: block) {
            let rows = Swift.min(block, n - start)
            let u = withoutGradients { model(Tensor(shape: [rows, d], scalars: Array(x[(start * d)..<((start + rows) * d)]))) }
            u.scalars.withUnsafeBufferPointer { (out + start * width).update(from: $0.baseAddress!, count: rows * width) }
        }
    }
}

@c @implementation
public func hylo_pinn_coefficients(_ pinn: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?, _ capacity: Int) -> hylo_status {
    abiCall("hylo_pinn_coefficients") {
        let values = try Handle.get(pinn, "pinn", as: PINNHandle.self).pinn.coefficientValues
        guard !values.isEmpty else { return }
        try copyValues(values, to: out, capacity: capacity, "there are \(values.count) coefficients")
    }
}

@c @implementation
public func hylo_pinn_save(_ pinn: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> hylo_status {
    abiCall("hylo_pinn_save") {
        let h = try Handle.get(pinn, "pinn", as: PINNHandle.self)
        try Files.save(path) { try h.pinn.checkpoint() }
    }
}

@c @implementation
public func hylo_pinn_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_pinn_load") {
        let out = try Check.pointer(out, "out")
        let pinn = try Files.load(path, kind: PINN.checkpointKind) { try PINN.load($0) }
        out.pointee = Handle.make(PINNHandle(pinn))
    }
}
