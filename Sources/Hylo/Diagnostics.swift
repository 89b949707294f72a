import CHylo
import HyloCore
import HyloSBI

@c @implementation
public func hylo_c2st(_ x: UnsafePointer<Double>?, _ nx: Int, _ y: UnsafePointer<Double>?, _ ny: Int, _ dim: Int, _ seed: UInt64,
                      _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_c2st") {
        try Check.positive(dim, "dim", max: 1 << 16)
        try Check.positive(nx, "nx", max: 1 << 30)
        try Check.positive(ny, "ny", max: 1 << 30)
        guard nx >= 5 && ny >= 5 else { throw HyloError.invalid("nx = \(nx) and ny = \(ny) must each be at least 5 (5-fold cross-validation)") }
        let a = try Check.array(x, count: try Check.product(nx, dim, "nx × dim"), "x")
        let b = try Check.array(y, count: try Check.product(ny, dim, "ny × dim"), "y")
        let out = try Check.pointer(out, "out")
        out.pointee = c2st(reference: Tensor(shape: [nx, dim], scalars: a), samples: Tensor(shape: [ny, dim], scalars: b), seed: seed)
    }
}

/// Test pairs for a posterior's diagnostics, checked against its dimensions.
private func testPairs(_ p: Posterior, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?, _ n: Int, _ dimX: Int,
                       _ samples: Int) throws -> (Tensor, Tensor) {
    let d = p.parameterDimension
    guard dimX == p.observationDimension else {
        throw HyloError(HYLO_E_SHAPE, "x has \(dimX) columns; the posterior was trained on \(p.observationDimension)")
    }
    try Check.positive(n, "n", max: 1 << 24)
    try Check.positive(samples, "num_samples", max: 1 << 24)
    let t = try Check.array(theta, count: try Check.product(n, d, "n × dim_theta"), "theta")
    let xs = try Check.array(x, count: try Check.product(n, dimX, "n × dim_x"), "x")
    return (Tensor(shape: [n, d], scalars: t), Tensor(shape: [n, dimX], scalars: xs))
}

private func credibilityLevels(_ levels: UnsafePointer<Double>?, _ n: Int) throws -> [Double] {
    try Check.positive(n, "n_levels", max: 1 << 20)
    let l = try Check.array(levels, count: n, "levels")
    if let i = l.firstIndex(where: { !(0...1).contains($0) }) { throw HyloError.invalid("levels[\(i)] = \(l[i]) is outside [0, 1]") }
    return l
}

@c @implementation
public func hylo_posterior_sbc(_ posterior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?, _ n: Int,
                               _ dimX: Int, _ numSamples: Int, _ seed: UInt64, _ ranks: UnsafeMutablePointer<Double>?,
                               _ ksPValues: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_sbc") {
        let p = try Handle.posterior(posterior)
        let (t, xs) = try testPairs(p, theta, x, n, dimX, numSamples)
        let ranks = try Check.pointer(ranks, "ranks")
        var rng = Philox(seed: seed, stream: 0x7362_63)
        let r = simulationBasedCalibration(p, theta: t, x: xs, samples: numSamples, rng: &rng)
        let d = p.parameterDimension
        for i in 0..<n { for j in 0..<d { ranks[i * d + j] = Double(r.ranks[i][j]) } }
        if let ksPValues { for j in 0..<d { ksPValues[j] = r.ksPValues[j] } }
    }
}

@c @implementation
public func hylo_posterior_expected_coverage(_ posterior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?,
                                             _ n: Int, _ dimX: Int, _ numSamples: Int, _ levels: UnsafePointer<Double>?,
                                             _ nLevels: Int, _ seed: UInt64, _ coverage: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_expected_coverage") {
        let p = try Handle.posterior(posterior)
        let (t, xs) = try testPairs(p, theta, x, n, dimX, numSamples)
        let l = try credibilityLevels(levels, nLevels)
        let coverage = try Check.pointer(coverage, "coverage")
        var rng = Philox(seed: seed, stream: 0x636f_76)
        for (k, c) in expectedCoverage(p, theta: t, x: xs, samples: numSamples, levels: l, rng: &rng).enumerated() { coverage[k] = c }
    }
}

@c @implementation
public func hylo_posterior_tarp(_ posterior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ x: UnsafePointer<Double>?, _ n: Int,
                                _ dimX: Int, _ numSamples: Int, _ levels: UnsafePointer<Double>?, _ nLevels: Int, _ seed: UInt64,
                                _ ecp: UnsafeMutablePointer<Double>?, _ atc: UnsafeMutablePointer<Double>?,
                                _ ksPValue: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_posterior_tarp") {
        let p = try Handle.posterior(posterior)
        let (t, xs) = try testPairs(p, theta, x, n, dimX, numSamples)
        let l = try credibilityLevels(levels, nLevels)
        let ecp = try Check.pointer(ecp, "ecp")
        var rng = Philox(seed: seed, stream: 0x7461_7270)
        let r = tarp(p, theta: t, x: xs, samples: numSamples, levels: l, rng: &rng)
        for (k, c) in r.expectedCoverage.enumerated() { ecp[k] = c }
        atc?.pointee = r.areaToCurve
        ksPValue?.pointee = r.ksPValue
    }
}

@c @implementation
public func hylo_misspecification_mmd(_ xo: UnsafePointer<Double>?, _ m: Int, _ x: UnsafePointer<Double>?, _ n: Int, _ dimX: Int,
                                      _ posterior: OpaquePointer?, _ opts: OpaquePointer?, _ pValue: UnsafeMutablePointer<Double>?,
                                      _ mmd: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_misspecification_mmd") {
        try Check.positive(dimX, "dim_x", max: 1 << 24)
        try Check.positive(m, "m", max: 1 << 20)
        try Check.positive(n, "n", max: 1 << 30)
        let observed = try Check.array(xo, count: try Check.product(m, dimX, "m × dim_x"), "x_o")
        let simulated = try Check.array(x, count: try Check.product(n, dimX, "n × dim_x"), "x")
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var test = MisspecificationTest()
        test.referenceSize = try o.int("num_reference", default: 1000, in: 1...100_000)
        test.nullDraws = try o.int("num_permutations", default: 1000, in: 1...1_000_000)
        test.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
        try o.finish()
        let pValue = try Check.pointer(pValue, "p_value")
        var features: ((Tensor) -> Tensor)?
        if posterior != nil {
            guard let flow = (try Handle.posterior(posterior) as? DirectPosterior)?.estimator as? ConditionalFlow else {
                throw HyloError.invalid("comparing in an embedding needs an NPE posterior (its flow's embedding of x)")
            }
            guard flow.contextDimension == dimX else {
                throw HyloError(HYLO_E_SHAPE, "x has \(dimX) columns; the posterior was trained on \(flow.contextDimension)")
            }
            features = { flow.conditioning($0) }
        }
        do {
            let r = try test.run(observations: Tensor(shape: [m, dimX], scalars: observed), simulations: Tensor(shape: [n, dimX], scalars: simulated),
                                 features: features)
            pValue.pointee = r.pValue
            mmd?.pointee = r.mmd
        } catch let e as InferenceError { throw HyloError.invalid(e.description) }
    }
}
