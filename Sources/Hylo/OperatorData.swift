import CHylo
import HyloCore
import HyloTasks

/// The C ABI of the neural-operator data generators: `hylo_data_*`.

/// Generates `n` samples in blocks, reporting progress (stage `stage`) between blocks on the
/// caller's thread; `block(first, count)` fills samples first…first+count−1.
func generateInBlocks(_ n: Int, stage: String, _ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                      _ block: (Int, Int) -> Void) throws {
    let size = 16
    for first in stride(from: 0, to: n, by: size) {
        let count = Swift.min(size, n - first)
        block(first, count)
        if let progress, progress(stage, Int64(first + count), Int64(n), .nan, progressData) != 0 {
            throw HyloError(HYLO_E_CANCELLED, "generation was cancelled by the progress callback after \(first + count) of \(n) samples")
        }
    }
}

@c @implementation
public func hylo_data_gaussian_field(_ sigma: Double, _ tau: Double, _ gamma: Double, _ n: Int, _ nx: Int, _ ny: Int,
                                     _ seed: Int64, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_data_gaussian_field") {
        guard sigma.isFinite, sigma > 0 else { throw HyloError.invalid("sigma is \(sigma); it must be positive and finite") }
        guard tau.isFinite, tau >= 0 else { throw HyloError.invalid("tau is \(tau); it must be ≥ 0 and finite") }
        guard gamma.isFinite, gamma > 0, gamma <= 100 else { throw HyloError.invalid("gamma is \(gamma); it must lie in (0, 100]") }
        try Check.positive(n, "n", max: 1 << 30)
        try Check.positive(nx, "nx", max: 1 << 24)
        try Check.positive(ny, "ny", max: 1 << 24)
        guard nx >= 2, ny == 1 || ny >= 2 else { throw HyloError.invalid("the grid is \(nx) × \(ny); each axis needs at least 2 points (ny = 1 for 1-D)") }
        let points = try Check.product(nx, ny, "the grid")
        guard try Check.product(n, points, "out") <= 1 << 31 else { throw HyloError.invalid("out would hold more than 2^31 numbers") }
        let out = try Check.pointer(out, "out")
        let field = PeriodicGaussianField(sigma: sigma, tau: tau, gamma: gamma)
        for i in 0..<n {
            var rng = Philox(seed: UInt64(bitPattern: seed), stream: UInt64(i))
            let u = field.sample(sizes: ny == 1 ? [nx] : [nx, ny], rng: &rng)
            u.withUnsafeBufferPointer { (out + i * points).update(from: $0.baseAddress!, count: points) }
        }
    }
}

@c @implementation
public func hylo_data_burgers(_ n: Int, _ resolution: Int, _ seed: Int64, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                              _ progressData: UnsafeMutableRawPointer?, _ initial: UnsafeMutablePointer<Double>?,
                              _ finalState: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_data_burgers") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var d = BurgersOperatorData()
        d.viscosity = try o.double("viscosity", default: d.viscosity, in: 0...1e6, excludingLower: true)
        d.finalTime = try o.double("final_time", default: d.finalTime, in: 0...1e6)
        d.field.sigma = try o.double("sigma", default: d.field.sigma, in: 0...1e6, excludingLower: true)
        d.field.tau = try o.double("tau", default: d.field.tau, in: 0...1e6)
        d.field.gamma = try o.double("gamma", default: d.field.gamma, in: 0...100, excludingLower: true)
        d.solverPoints = try o.int("solver_points", default: d.solverPoints, in: 4...(1 << 20))
        d.step = try o.double("step", default: d.step, in: 0...1, excludingLower: true)
        try o.finish()
        try Check.positive(n, "n", max: 1 << 30)
        try Check.positive(resolution, "resolution", max: 1 << 20)
        guard resolution >= 2, d.solverPoints % resolution == 0 else {
            throw HyloError.invalid("resolution is \(resolution); it must be at least 2 and divide solver_points (\(d.solverPoints))")
        }
        guard (d.finalTime / d.step).rounded() <= 1e7 else { throw HyloError.option("final_time / step would take more than 10^7 steps") }
        guard try Check.product(n, resolution, "initial") <= 1 << 31 else { throw HyloError.invalid("initial would hold more than 2^31 numbers") }
        let (u0, u1) = (try Check.pointer(initial, "initial"), try Check.pointer(finalState, "final_state"))
        try generateInBlocks(n, stage: "burgers", progress, progressData) { first, count in
            let (a, b) = d.generate(count: count, resolution: resolution, seed: UInt64(bitPattern: seed), first: first)
            a.withUnsafeBufferPointer { (u0 + first * resolution).update(from: $0.baseAddress!, count: $0.count) }
            b.withUnsafeBufferPointer { (u1 + first * resolution).update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}

@c @implementation
public func hylo_data_darcy(_ n: Int, _ resolution: Int, _ seed: Int64, _ opts: OpaquePointer?, _ progress: hylo_progress_fn?,
                            _ progressData: UnsafeMutableRawPointer?, _ coefficient: UnsafeMutablePointer<Double>?,
                            _ solution: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_data_darcy") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var d = DarcyFlowData()
        d.tau = try o.double("tau", default: d.tau, in: 0...1e6)
        d.alpha = try o.double("alpha", default: d.alpha, in: 0...100, excludingLower: true)
        d.refinement = try o.int("refinement", default: d.refinement, in: 1...64)
        try o.finish()
        try Check.positive(n, "n", max: 1 << 30)
        try Check.positive(resolution, "resolution", max: 1 << 16)
        guard resolution >= 3 else { throw HyloError.invalid("resolution is \(resolution); it must be at least 3") }
        let fine = (resolution - 1) * d.refinement + 1
        // The banded factor holds (fine − 2)³ numbers: 1 GiB at 513 points per side.
        guard fine <= 513 else { throw HyloError.invalid("the solve grid would have \(fine) points per side (at most 513: lower resolution or refinement)") }
        let cells = resolution * resolution
        guard try Check.product(n, cells, "coefficient") <= 1 << 31 else { throw HyloError.invalid("coefficient would hold more than 2^31 numbers") }
        let (a, u) = (try Check.pointer(coefficient, "coefficient"), try Check.pointer(solution, "solution"))
        try generateInBlocks(n, stage: "darcy", progress, progressData) { first, count in
            let (x, y) = d.generate(count: count, resolution: resolution, seed: UInt64(bitPattern: seed), first: first)
            x.withUnsafeBufferPointer { (a + first * cells).update(from: $0.baseAddress!, count: $0.count) }
            y.withUnsafeBufferPointer { (u + first * cells).update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}

@c @implementation
public func hylo_data_antiderivative(_ n: Int, _ numPoints: Int, _ seed: Int64, _ opts: OpaquePointer?,
                                     _ u: UnsafeMutablePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
                                     _ s: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_data_antiderivative") {
        var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
        var d = AntiderivativeData()
        d.sensors = try o.int("sensors", default: d.sensors, in: 4...1024)
        // The fields are drawn on a grid about ten times finer than the sensors, of at most ~1000 points.
        d.refinement = Swift.max(1, Swift.min(10, 1000 / (d.sensors - 1)))
        d.lengthScale = try o.double("length_scale", default: d.lengthScale, in: 0.01...100)
        try o.finish()
        try Check.positive(n, "n", max: 1 << 24)
        guard numPoints >= 0, numPoints != 1, numPoints <= 1 << 20 else {
            throw HyloError.invalid("num_points is \(UInt(bitPattern: numPoints)); it must be 0 (pointwise data) or in 2…\(1 << 20)")
        }
        guard try Check.product(n, Swift.max((d.sensors - 1) * d.refinement + 1, numPoints), "the fields") <= 1 << 28 else {
            throw HyloError.invalid("n = \(n) functions would need more than 2^28 numbers; generate them in parts with different seeds")
        }
        let (uOut, yOut, sOut) = (try Check.pointer(u, "u"), try Check.pointer(y, "y"), try Check.pointer(s, "s"))
        let data = numPoints == 0 ? d.unaligned(count: n, seed: UInt64(bitPattern: seed))
                                  : d.aligned(count: n, points: numPoints, seed: UInt64(bitPattern: seed))
        for (values, out) in [(data.u, uOut), (data.y, yOut), (data.s, sOut)] {
            values.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
        }
    }
}
