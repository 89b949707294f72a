import Glibc
import HyloCore
import Testing
@testable import HyloTasks

/// The data generators against their analytic properties.
@Suite struct GeneratorTests {
    @Test func periodicFieldHasItsCovariance() {
        let field = PeriodicGaussianField(sigma: 25, tau: 5, gamma: 2), n = 64, samples = 4000
        var rng = Philox(seed: 3)
        var products = [Double](repeating: 0, count: 3), mean = 0.0
        for _ in 0..<samples {
            let u = field.sample(sizes: [n], rng: &rng)
            mean += u[5] / Double(samples)
            for (i, offset) in [0, 3, 16].enumerated() { products[i] += u[7] * u[(7 + offset) % n] / Double(samples) }
        }
        let variance = field.covariance(points: n, offset: 0)
        // Monte-Carlo error of a product moment: about √(2/samples) of the variance.
        #expect(abs(mean) < 4 * (variance / Double(samples)).squareRoot())
        for (i, offset) in [0, 3, 16].enumerated() {
            #expect(abs(products[i] - field.covariance(points: n, offset: offset)) < 4 * variance * (2 / Double(samples)).squareRoot())
        }
    }

    @Test func twoDimensionalFieldHasItsVariance() {
        let field = PeriodicGaussianField(sigma: 1, tau: 3, gamma: 2), sizes = [16, 12], samples = 2000
        var rng = Philox(seed: 4)
        var second = 0.0
        for _ in 0..<samples { let u = field.sample(sizes: sizes, rng: &rng); second += u[37] * u[37] / Double(samples) }
        // Σ c_k² over the half lattice of resolved frequencies (rows −7…7, and −8 only for k₂ > 0).
        var variance = 0.0
        for k1 in -8...7 { for k2 in 0...6 where k2 > 0 || k1 > 0 { let c = field.coefficient([k1, k2]); variance += c * c } }
        #expect(abs(second - variance) < 4 * variance * (2 / Double(samples)).squareRoot())
    }

    @Test func burgersLosesEnergyConservesMeanAndConverges() {
        var data = BurgersOperatorData()
        data.solverPoints = 256
        let (u0, u1) = data.generate(count: 3, resolution: 256, seed: 1)
        for i in 0..<3 {
            let a = Array(u0[(i * 256)..<((i + 1) * 256)]), b = Array(u1[(i * 256)..<((i + 1) * 256)])
            let energies = (a.reduce(0.0) { $0 + $1 * $1 }, b.reduce(0.0) { $0 + $1 * $1 })
            let means = (a.reduce(0, +) / 256, b.reduce(0, +) / 256)
            #expect(energies.1 < energies.0)
            #expect(abs(means.1 - means.0) < 1e-10)
        }
        // High order in time: halving the step divides the error by 16 asymptotically (about 10
        // at these steps, which are pre-asymptotic); a second-order scheme would give 4.
        func solution(step: Double) -> [Double] { var d = data; d.step = step; return d.generate(count: 1, resolution: 256, seed: 1).final }
        let fine = solution(step: 2.5e-3)
        let errors = [2e-2, 1e-2].map { h in zip(solution(step: h), fine).map { abs($0 - $1) }.max() ?? 0 }
        #expect(errors[0] < 1e-4)
        #expect(errors[0] / errors[1] > 8)
    }

    @Test func darcySolveMatchesThePoissonSeriesAtSecondOrder() {
        // a ≡ 1: −Δu = 1 with u(x, y) = Σ_{m,n odd} 16 sin(mπx) sin(nπy) / (π⁴ m n (m² + n²)).
        func exact(_ x: Double, _ y: Double) -> Double {
            var sum = 0.0
            for m in stride(from: 1, through: 199, by: 2) { for n in stride(from: 1, through: 199, by: 2) {
                sum += 16 * sin(Double(m) * .pi * x) * sin(Double(n) * .pi * y) / (pow(.pi, 4) * Double(m * n * (m * m + n * n)))
            } }
            return sum
        }
        let center = exact(0.5, 0.5)
        let errors = [17, 33].map { s -> Double in
            let u = DarcyFlowData().solve(coefficient: [Double](repeating: 1, count: s * s), points: s) ?? []
            return abs(u[(s / 2) * s + s / 2] - center)
        }
        #expect(errors[0] / errors[1] > 3.5 && errors[1] < 1e-4)
    }

    @Test func darcyDataSatisfiesTheDiscreteEquation() {
        var data = DarcyFlowData()
        data.refinement = 1
        let s = 21, (a, u) = data.generate(count: 2, resolution: s, seed: 5)
        #expect(Set(a).isSubset(of: [3, 12]) && Set(a).count == 2)
        let h2 = 1 / Double((s - 1) * (s - 1))
        var worst = 0.0
        for sample in 0..<2 { for i in 1..<(s - 1) { for j in 1..<(s - 1) {
            let at = { (p: Int, q: Int) in sample * s * s + p * s + q }
            var flux = 0.0
            for (di, dj) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                flux += (a[at(i, j)] + a[at(i + di, j + dj)]) / 2 * (u[at(i + di, j + dj)] - u[at(i, j)])
            }
            worst = max(worst, abs(-flux / h2 - 1))
        } } }
        #expect(worst < 1e-8)
        #expect(u.allSatisfy { $0 >= 0 })  // the maximum principle for a positive source
    }

    @Test func cumulativeQuadratureIsFourthOrder() {
        let errors = [41, 81].map { n -> Double in
            let h = 1 / Double(n - 1), x = (0..<n).map { Double($0) * h }
            let s = AntiderivativeData.cumulativeIntegral(x.map { cos(3 * $0) }, step: h)
            return zip(s, x).map { abs($0 - sin(3 * $1) / 3) }.max() ?? 0
        }
        #expect(errors[0] / errors[1] > 12 && errors[1] < 1e-8)
    }

    @Test func antiderivativeDataIsConsistent() {
        let generator = AntiderivativeData()
        let (u, y, s) = generator.aligned(count: 2, points: 100, seed: 6)
        #expect(u.count == 200 && y.count == 100 && s.count == 200)
        #expect(s[0] == 0 && abs(y[99] - 1) < 1e-15)
        // Sensors and points coincide here: the trapezoid rule on u approximates s to O(h²).
        let h = 1 / 99.0
        var trapezoid = 0.0
        for j in 1..<100 { trapezoid += h / 2 * (u[j - 1] + u[j]) }
        #expect(abs(trapezoid - s[99]) < 1e-3)
        let unaligned = generator.unaligned(count: 5, seed: 7)
        #expect(unaligned.u.count == 500 && unaligned.y.count == 5 && unaligned.y.allSatisfy { (0...1).contains($0) })
    }
}
