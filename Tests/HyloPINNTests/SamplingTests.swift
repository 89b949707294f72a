import Glibc
import Testing
import HyloCore
@testable import HyloPINN

@Suite struct SamplingTests {
    /// The first points of the unscrambled sequence, from SciPy's `qmc.Sobol(d=8, scramble=False)`.
    @Test func sobolMatchesSciPy() {
        let scipy: [[UInt32]] = [
            [0, 0, 0, 0, 0, 0, 0, 0],
            [2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648],
            [3221225472, 1073741824, 1073741824, 1073741824, 3221225472, 3221225472, 1073741824, 3221225472],
            [1073741824, 3221225472, 3221225472, 3221225472, 1073741824, 1073741824, 3221225472, 1073741824],
            [1610612736, 1610612736, 2684354560, 3758096384, 1610612736, 536870912, 1610612736, 3758096384],
            [3758096384, 3758096384, 536870912, 1610612736, 3758096384, 2684354560, 3758096384, 1610612736],
            [2684354560, 536870912, 3758096384, 2684354560, 2684354560, 3758096384, 536870912, 536870912],
            [536870912, 2684354560, 1610612736, 536870912, 536870912, 1610612736, 2684354560, 2684354560],
        ]
        var s = SobolSequence(dimension: 8)
        for row in scipy { #expect(s.next() == row) }
    }

    /// Every 2^m-point prefix of a (shifted) Sobol sequence puts one point in each of the 2^m
    /// strata of every coordinate, and one in each of the 2^m elementary boxes of size
    /// 2^-a × 2^-(m-a) of coordinates (0, 1) (a (0, m, 2)-net); Latin hypercube samples fill every stratum.
    @Test func sobolAndLatinHypercubeStratify() {
        var rng = Philox(seed: 4)
        let n = 256, d = 6
        for method in [SamplingMethod.sobol, .latinHypercube] {
            let p = method.unitCube(n, dimension: d, rng: &rng)
            for k in 0..<d { #expect(Set((0..<n).map { Int(p[$0 * d + k] * Double(n)) }).count == n, "\(method) axis \(k)") }
        }
        let p = SamplingMethod.sobol.unitCube(n, dimension: d, rng: &rng)
        for a in 0...8 {
            let boxes = Set((0..<n).map { i in Int(p[i * d] * Double(1 << a)) * 1000 + Int(p[i * d + 1] * Double(1 << (8 - a))) })
            #expect(boxes.count == n, "boxes 2^-\(a) × 2^-\(8 - a)")
        }
    }

    @Test func boundaryPointsLieOnTheBoundaryWithOutwardNormals() {
        var rng = Philox(seed: 2)
        let box = Domain(lower: [0, -1, 0], upper: [2, 1, 5], time: 2)
        let (p, n) = box.sampleBoundary(400, method: .latinHypercube, rng: &rng)
        #expect(p.shape == [400, 3])
        var perFace = [Int](repeating: 0, count: 4)
        for i in 0..<400 {
            let (x, y, nx, ny) = (p.scalars[i * 3], p.scalars[i * 3 + 1], n.scalars[i * 3], n.scalars[i * 3 + 1])
            #expect(n.scalars[i * 3 + 2] == 0)
            if nx == -1 { #expect(x == 0); perFace[0] += 1 } else if nx == 1 { #expect(x == 2); perFace[1] += 1 }
            else if ny == -1 { #expect(y == -1); perFace[2] += 1 } else { #expect(y == 1 && ny == 1); perFace[3] += 1 }
        }
        #expect(perFace == [100, 100, 100, 100])  // faces of equal length
        let disk = Domain.disk(axes: (0, 1), center: (1, 2), radius: 0.5, lower: [0, 0], upper: [1, 1])
        let (q, m) = disk.sampleBoundary(50, method: .sobol, rng: &rng)
        for i in 0..<50 {
            let dx = q.scalars[2 * i] - 1, dy = q.scalars[2 * i + 1] - 2
            #expect(Swift.abs(dx * dx + dy * dy - 0.25) < 1e-12)
            #expect(Swift.abs(m.scalars[2 * i] - 2 * dx) < 1e-12 && Swift.abs(m.scalars[2 * i + 1] - 2 * dy) < 1e-12)
        }
        let inside = disk.sampleInterior(500, method: .uniform, rng: &rng)
        let meanRadiusSquared = (0..<500).map { i in pow(inside.scalars[2 * i] - 1, 2) + pow(inside.scalars[2 * i + 1] - 2, 2) }.reduce(0, +) / 500
        #expect(Swift.abs(meanRadiusSquared - 0.125) < 0.01)  // E r² = R²/2 for a uniform disk
    }
}

