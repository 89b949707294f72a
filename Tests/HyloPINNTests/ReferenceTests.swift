import Glibc
import Testing
import HyloTasks

@Suite struct ReferenceTests {
    /// Σ wᵢ zᵢ^{2k} = Γ(k + ½), exactly for 2k < 2n.
    @Test func gaussHermiteIntegratesEvenMomentsExactly() {
        let (z, w) = gaussHermite(100)
        for k in [0, 1, 5, 20, 60] {
            let sum = zip(z, w).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(2 * k)) }
            let exact = tgamma(Double(k) + 0.5)
            #expect(Swift.abs(sum - exact) <= 1e-11 * exact, "moment \(2 * k)")
        }
        #expect(Swift.abs(zip(z, w).reduce(0.0) { $0 + $1.1 * $1.0 }) < 1e-14)
    }

    @Test func burgersIsConvergedAndSatisfiesTheEquation() {
        let coarse = BurgersReference(nodes: 80), fine = BurgersReference(nodes: 160)
        let grid = coarse.grid()
        #expect(grid.values.count == 100 && grid.values[0].count == 256)
        var worst = 0.0
        for (i, t) in grid.t.enumerated() where i % 9 == 0 {
            for (j, x) in grid.x.enumerated() where j % 5 == 0 { worst = max(worst, Swift.abs(grid.values[i][j] - fine(t: t, x: x))) }
        }
        #expect(worst < 1e-11)
        // The residual u_t + u u_x − ν u_xx by central differences vanishes to their accuracy.
        let nu = fine.viscosity, h = 1e-4
        for (t, x) in [(0.3, 0.2), (0.7, -0.5), (0.9, 0.05)] {
            let ut = (fine(t: t + h, x: x) - fine(t: t - h, x: x)) / (2 * h)
            let up = fine(t: t, x: x + h), u0 = fine(t: t, x: x), um = fine(t: t, x: x - h)
            let residual = ut + u0 * (up - um) / (2 * h) - nu * (up - 2 * u0 + um) / (h * h)
            #expect(Swift.abs(residual) < 1e-4, "t = \(t), x = \(x): \(residual)")
        }
    }

    /// Basdevant et al. (1986): the steepest slope at x = 0 is |∂u/∂x| = 152.00516, reached at
    /// t = 0.5105 (1/π ≈ 0.3183 is where the shock forms; it then sharpens and decays).
    @Test func burgersReproducesThePublishedMaximumSlope() {
        let u = BurgersReference(nodes: 160), h = 1e-7
        var best = 0.0
        for k in 0..<201 {
            let t = 0.505 + Double(k) * 0.00005
            best = max(best, -(u(t: t, x: h) - u(t: t, x: -h)) / (2 * h))
        }
        #expect(Swift.abs(best - 152.00516) < 2e-3, "\(best)")
    }

    @Test func closedFormsSolveTheirEquations() {
        let h = 1e-4
        func d2(_ f: (Double) -> Double, _ x: Double) -> Double { (f(x + h) - 2 * f(x) + f(x - h)) / (h * h) }
        func d1(_ f: (Double) -> Double, _ x: Double) -> Double { (f(x + h) - f(x - h)) / (2 * h) }
        let (t, x, y) = (0.3, 0.4, 0.7)
        let heat = d1({ ClosedFormPDESolutions.heat(t: $0, x: x, diffusivity: 0.4, mode: 2) }, t)
            - 0.4 * d2({ ClosedFormPDESolutions.heat(t: t, x: $0, diffusivity: 0.4, mode: 2) }, x)
        #expect(Swift.abs(heat) < 1e-5)
        let poisson = d2({ ClosedFormPDESolutions.poisson(x: $0, y: y) }, x) + d2({ ClosedFormPDESolutions.poisson(x: x, y: $0) }, y)
            + sin(Double.pi * x) * sin(Double.pi * y)
        #expect(Swift.abs(poisson) < 1e-6)
        let source = exp(-t) * (1.5 * sin(2 * x) + 8.0 / 3 * sin(3 * x) + 3.75 * sin(4 * x) + 63.0 / 8 * sin(8 * x))
        let reaction = d1({ ClosedFormPDESolutions.diffusionReaction(t: $0, x: x) }, t)
            - d2({ ClosedFormPDESolutions.diffusionReaction(t: t, x: $0) }, x) - source
        #expect(Swift.abs(reaction) < 1e-5)
    }
}

@Suite struct ReactionDiffusionReferenceTests {
    /// Grid convergence (second order: halving h divides the error by about 4) and the boundary
    /// values; the reaction consumes B twice as fast as A, so B ≤ A everywhere after t = 0.
    @Test func isConvergedAndConsistent() {
        let times = [1.0, 5.0, 10.0]
        let coarse = ReactionDiffusionReference(intervals: 100).solve(times: times)
        let medium = ReactionDiffusionReference(intervals: 200).solve(times: times)
        let fine = ReactionDiffusionReference(intervals: 400).solve(times: times)
        func difference(_ u: [[Double]], _ v: [[Double]], stride s: Int) -> Double {
            var worst = 0.0
            for k in u.indices { for i in u[k].indices { worst = max(worst, Swift.abs(u[k][i] - v[k][i * s])) } }
            return worst
        }
        let e1 = difference(coarse.a, medium.a, stride: 2), e2 = difference(medium.a, fine.a, stride: 2)
        #expect(e2 < 1e-4 && e1 / e2 > 3 && e1 / e2 < 5, "\(e1) \(e2)")
        for k in times.indices {
            #expect(fine.a[k][0] == 1 && fine.a[k][400] == 0)
            #expect(zip(fine.a[k], fine.b[k]).allSatisfy { $1 <= $0 + 1e-12 })
        }
    }
}

@Suite struct AllenCahnReferenceTests {
    /// ETDRK4 is fourth order: halving the step divides the error by about 16.
    @Test func etdrk4ConvergesAtFourthOrder() {
        let times = [0.4]
        let reference = AllenCahnReference(points: 128, step: 1e-4).solve(times: times)[0]
        let errors = [0.02, 0.01].map { h in
            zip(AllenCahnReference(points: 128, step: h).solve(times: times)[0], reference).map { Swift.abs($0 - $1) }.max() ?? 0
        }
        let order = log2(errors[0] / errors[1])
        #expect(order > 3.7 && order < 4.4, "errors \(errors), order \(order)")
    }

    /// The free energy ∫ ε/2 u_x² + 5/4 (u² − 1)² dx never increases, and an even initial state stays even.
    @Test func energyDecreasesAndSymmetryIsKept() {
        let solver = AllenCahnReference(points: 256, step: 1e-3)
        let times = [0.0, 0.1, 0.2, 0.4, 0.7, 1.0]
        let states = solver.solve(times: times)
        let n = solver.points, dx = 2 / Double(n)
        let energies = states.map { u in
            (0..<n).reduce(0.0) { sum, j in
                let ux = (u[(j + 1) % n] - u[j]) / dx
                return sum + dx * (1e-4 / 2 * ux * ux + 1.25 * pow(u[j] * u[j] - 1, 2))
            }
        }
        #expect(zip(energies, energies.dropFirst()).allSatisfy { $1 <= $0 + 1e-12 }, "\(energies)")
        for u in states { for j in 1..<n { #expect(Swift.abs(u[j] - u[n - j]) < 1e-10) } }
        // By t = 1 three quarters of the domain sit within 0.05 of the wells ±1 (−1 near the ends,
        // +1 on both sides of x = 0), with fronts near x = ±0.5 and a dip at x = 0.
        let settled = states[5].filter { Swift.abs(Swift.abs($0) - 1) < 0.05 }.count
        #expect(settled > 3 * n / 4 && states[5][0] < -0.99 && states[5][n / 4 + n / 8] > 0.98, "\(settled)")
    }
}
