import Testing
import HyloCore
@testable import HyloNN

@Suite struct LBFGSTests {
    /// The extended Rosenbrock function Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)² and its gradient.
    func rosenbrock(_ x: [Double]) -> (Double, [Double]) {
        var f = 0.0
        var g = [Double](repeating: 0, count: x.count)
        for i in 0..<(x.count - 1) {
            let a = x[i + 1] - x[i] * x[i], b = 1 - x[i]
            f += 100 * a * a + b * b
            g[i] += -400 * a * x[i] - 2 * b
            g[i + 1] += 200 * a
        }
        return (f, g)
    }

    @Test func minimizesTenDimensionalRosenbrock() {
        let start = (0..<10).map { $0 % 2 == 0 ? -1.2 : 1.0 }
        var solver = LBFGS(maxIterations: 2000, gradientTolerance: 1e-12)
        solver.functionTolerance = 0
        let r = solver.minimize(from: start, rosenbrock)
        #expect(r.value < 1e-16)
        #expect(r.x.allSatisfy { abs($0 - 1) < 1e-8 }, "x = \(r.x)")
        #expect([LBFGS.StopReason.gradientTolerance, .lineSearchFailed].contains(r.reason))
        #expect(r.iterations < 200)
    }

    @Test func reportsMaxIterations() {
        let r = LBFGS(maxIterations: 3).minimize(from: [-1.2, 1], rosenbrock)
        #expect(r.reason == .maxIterations && r.iterations == 3)
    }

    @Test func reportsFunctionTolerance() {
        let r = LBFGS(gradientTolerance: 0, functionTolerance: 1e-3).minimize(from: [3, 3]) { x in
            (x[0] * x[0] + x[1] * x[1], [2 * x[0], 2 * x[1]])
        }
        #expect(r.reason == .functionTolerance || r.reason == .gradientTolerance)
    }

    @Test func reportsLineSearchFailure() {
        // A gradient that lies: no step along −g decreases f.
        let r = LBFGS().minimize(from: [1]) { x in (x[0], [-1]) }
        #expect(r.reason == .lineSearchFailed)
    }

    @Test func reportsNonFiniteStart() {
        let r = LBFGS().minimize(from: [1]) { _ in (.nan, [0]) }
        #expect(r.reason == .nonFinite)
    }

    @Test func cancels() {
        let r = LBFGS().minimize(from: [-1.2, 1], rosenbrock, progress: { i, _ in i < 2 })
        #expect(r.reason == .cancelled && r.iterations == 2)
    }
}
