import Glibc
import HyloCore

/// Where a PDE holds: a box over all coordinates (an interval, a rectangle, a box, any of them
/// times a time interval), in which two spatial coordinates may instead fill a disk.
public struct Domain: Codable, Equatable, Sendable {
    /// Bounds of every coordinate; for the two disk coordinates, the disk's bounding box.
    public private(set) var lower: [Double], upper: [Double]
    public private(set) var disk: Disk?
    /// The index of the time coordinate, if the problem is time-dependent: the spatial boundary
    /// excludes its faces, and `t = t₀` is where initial conditions live.
    public var time: Int?

    public struct Disk: Codable, Equatable, Sendable {
        /// The coordinates (indices) spanning the disk, its centre and radius.
        public var axes: [Int], center: [Double], radius: Double
    }

    public init(lower: [Double], upper: [Double], time: Int? = nil) {
        precondition(lower.count == upper.count && zip(lower, upper).allSatisfy { $0 < $1 }, "box bounds \(lower) … \(upper)")
        self.lower = lower; self.upper = upper; self.time = time
    }

    /// A box in which coordinates `axes.0` and `axes.1` fill the disk of the given centre and radius.
    public static func disk(axes: (Int, Int), center: (Double, Double), radius: Double, lower: [Double], upper: [Double],
                            time: Int? = nil) -> Domain {
        var lo = lower, hi = upper
        lo[axes.0] = center.0 - radius; hi[axes.0] = center.0 + radius
        lo[axes.1] = center.1 - radius; hi[axes.1] = center.1 + radius
        var d = Domain(lower: lo, upper: hi, time: time)
        d.disk = Disk(axes: [axes.0, axes.1], center: [center.0, center.1], radius: radius)
        return d
    }

    public var dimension: Int { lower.count }
    var spatialAxes: [Int] { (0..<dimension).filter { $0 != time } }

    /// `n` points of the interior, `[n, dimension]`.
    public func sampleInterior(_ n: Int, method: SamplingMethod, rng: inout Philox) -> Tensor {
        var p = method.unitCube(n, dimension: dimension, rng: &rng)
        for i in 0..<n { place(&p, row: i) }
        return Tensor(shape: [n, dimension], scalars: p)
    }

    /// Maps row `i` of unit-cube samples into the domain.
    private func place(_ p: inout [Double], row i: Int) {
        let d = dimension
        for k in 0..<d { p[i * d + k] = lower[k] + (upper[k] - lower[k]) * p[i * d + k] }
        if let disk {
            // Area-preserving polar map of the unit square: r = R√u, θ = 2πv.
            let (a, b) = (disk.axes[0], disk.axes[1])
            let u = (p[i * d + a] - lower[a]) / (upper[a] - lower[a]), v = (p[i * d + b] - lower[b]) / (upper[b] - lower[b])
            let r = disk.radius * u.squareRoot(), theta = 2 * Double.pi * v
            p[i * d + a] = disk.center[0] + r * Glibc.cos(theta)
            p[i * d + b] = disk.center[1] + r * Glibc.sin(theta)
        }
    }

    /// `n` points of the face `x_axis = lower` (or `upper`), with outward normals.
    public func sampleFace(_ n: Int, axis: Int, upper atUpper: Bool, method: SamplingMethod, rng: inout Philox) -> (points: Tensor, normals: Tensor) {
        let points = sampleInterior(n, method: method, rng: &rng)
        var p = points.scalars.array
        var normal = [Double](repeating: 0, count: n * dimension)
        for i in 0..<n {
            p[i * dimension + axis] = atUpper ? upper[axis] : lower[axis]
            normal[i * dimension + axis] = atUpper ? 1 : -1
        }
        return (Tensor(shape: points.shape, scalars: p), Tensor(shape: points.shape, scalars: normal))
    }

    /// `n` points of the spatial boundary (times the time interval), with outward normals: the
    /// circle of the disk, or the box's spatial faces with counts proportional to their measure.
    public func sampleBoundary(_ n: Int, method: SamplingMethod, rng: inout Philox) -> (points: Tensor, normals: Tensor) {
        if let disk {
            let points = sampleInterior(n, method: method, rng: &rng)
            var p = points.scalars.array
            var normal = [Double](repeating: 0, count: n * dimension)
            let (a, b) = (disk.axes[0], disk.axes[1])
            for i in 0..<n {
                let dx = p[i * dimension + a] - disk.center[0], dy = p[i * dimension + b] - disk.center[1]
                // The angle of an interior point is uniform; push it out to the circle.
                let r = (dx * dx + dy * dy).squareRoot()
                let (nx, ny) = r > 0 ? (dx / r, dy / r) : (1.0, 0.0)
                p[i * dimension + a] = disk.center[0] + disk.radius * nx
                p[i * dimension + b] = disk.center[1] + disk.radius * ny
                normal[i * dimension + a] = nx
                normal[i * dimension + b] = ny
            }
            return (Tensor(shape: points.shape, scalars: p), Tensor(shape: points.shape, scalars: normal))
        }
        let faces = spatialAxes.flatMap { k in [(k, false), (k, true)] }
        let measure = faces.map { face in spatialAxes.filter { $0 != face.0 }.reduce(1.0) { $0 * (upper[$1] - lower[$1]) } }
        let counts = apportion(n, weights: measure)
        var points: [Tensor] = [], normals: [Tensor] = []
        for (face, count) in zip(faces, counts) where count > 0 {
            let s = sampleFace(count, axis: face.0, upper: face.1, method: method, rng: &rng)
            points.append(s.points); normals.append(s.normals)
        }
        return (Tensor.concatenate(points, axis: 0), Tensor.concatenate(normals, axis: 0))
    }
}

/// Splits `n` into integer parts proportional to `weights` (largest remainders).
func apportion(_ n: Int, weights: [Double]) -> [Int] {
    let total = weights.reduce(0, +)
    let exact = weights.map { Double(n) * $0 / total }
    var counts = exact.map { Int($0.rounded(.down)) }
    let order = exact.indices.sorted { exact[$0] - Double(counts[$0]) > exact[$1] - Double(counts[$1]) }
    for i in order.prefix(n - counts.reduce(0, +)) { counts[i] += 1 }
    return counts
}
