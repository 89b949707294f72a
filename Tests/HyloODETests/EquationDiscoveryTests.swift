import Glibc
import Testing
@testable import HyloODE

@Suite struct EquationDiscoveryTests {
    /// A discovered model's VJP (exact in the coefficients and the physics, differenced in the
    /// library terms) against central differences of its right-hand side, with the physical
    /// parameters refitted and fixed.
    @Test(arguments: [true, false])
    func recoveredSystemVJPMatchesFiniteDifferences(refitPhysics: Bool) throws {
        let library = CandidateLibrary.polynomials(variables: ["x", "y"], degree: 2) + CandidateLibrary.trigonometric(variables: ["x", "y"])
        let physicsParameters = [0.7, 0.4]
        let system = RecoveredSystem(physics: HybridCouplingTests.physics, fixedPhysics: refitPhysics ? nil : physicsParameters,
                                     library: library, active: [(0, 4), (1, 1), (1, 7), (0, 9)], dimension: 2)
        let p = (refitPhysics ? physicsParameters : []) + [-0.9, 0.3, 1.1, -0.2]
        let y = [0.8, -1.3], v = [0.6, 1.7]
        func value(_ y: [Double], _ p: [Double]) throws -> Double {
            var dy = [0.0, 0.0]
            _ = try system.rhs(0, y, p, into: &dy)
            return dy[0] * v[0] + dy[1] * v[1]
        }
        var yBar = [0.0, 0.0], pBar = [Double](repeating: 0, count: p.count)
        #expect(try system.vjp(0, y, p, cotangent: v, addingTo: &yBar, &pBar))
        for (x, gradient, label) in [(y, yBar, "y"), (p, pBar, "p")] {
            for k in x.indices {
                var a = x, b = x
                a[k] += 1e-6; b[k] -= 1e-6
                let fd = label == "y" ? (try value(a, p) - value(b, p)) / 2e-6 : (try value(y, a) - value(y, b)) / 2e-6
                #expect(abs(fd - gradient[k]) < 1e-7 * max(1, abs(fd)), "\(label) \(k): \(gradient[k]) vs \(fd)")
            }
        }
    }
}
