/// ESDIRK step: each implicit stage `Yᵢ = baseᵢ + h γ f(tᵢ, Yᵢ)` is solved by simplified Newton
/// iterations with the matrix `I − h γ J`, `J = ∂f/∂y(t, y)` factored once per step.
struct ESDIRKStepper: Stepper {
    let tableau: ESDIRKTableau
    let maxIterations: Int
    let rtol: Double, atol: Double
    /// Stage derivatives `kᵢ = (Yᵢ − baseᵢ)/(h γ)` and stage values `Yᵢ` of the last step.
    var k: [[Double]]
    var stages: [[Double]]
    private var jacobian: [Double]
    var stageValues: [[Double]] { stages }

    init(_ tableau: ESDIRKTableau, dimension d: Int, options: SolverOptions) {
        self.tableau = tableau
        maxIterations = options.maxNewtonIterations
        rtol = options.relativeTolerance
        atol = options.absoluteTolerance
        k = Array(repeating: Array(repeating: 0, count: d), count: tableau.stages)
        stages = k
        jacobian = Array(repeating: 0, count: d * d)
    }

    mutating func step(_ f: Evaluator, t: Double, y: [Double], f0: [Double], h: Double,
                       yNew: inout [Double], fNew: inout [Double], error: inout [Double]) throws -> StepOutcome {
        let d = y.count, s = tableau.stages, hg = h * tableau.gamma
        guard try f.jacobian(t, y, into: &jacobian) else { return .retry(shrink: 0.5) }
        var matrix = jacobian.map { -hg * $0 }
        for i in 0..<d { matrix[i * d + i] += 1 }
        f.statistics.factorizations += 1
        guard let lu = DenseLU(matrix, n: d) else { return .retry(shrink: 0.5) }

        k[0] = f0
        stages[0] = y
        var base = y, g = y, fy = y
        for i in 1..<s {
            base = y
            for j in 0..<i where tableau.a[i][j] != 0 {
                let c = h * tableau.a[i][j]
                for m in 0..<d { base[m] += c * k[j][m] }
            }
            let ti = t + tableau.c[i] * h
            var Y = base
            for m in 0..<d { Y[m] += hg * k[i - 1][m] }
            var converged = false, previous = Double.infinity
            for iteration in 0..<maxIterations {
                f.statistics.newtonIterations += 1
                guard try f.rhs(ti, Y, into: &fy) else { return .retry(shrink: 0.5) }
                for m in 0..<d { g[m] = base[m] + hg * fy[m] - Y[m] }
                lu.solve(&g)
                for m in 0..<d { Y[m] += g[m] }
                let size = weightedNorm(g, y, Y, rtol: rtol, atol: atol)
                let rate = size / previous
                if !size.isFinite || (iteration > 0 && rate >= 1) { break }
                if size < 1e-10 || (iteration == 0 ? size < 1e-3 : rate / (1 - rate) * size < 1e-2) {
                    converged = true
                    break
                }
                previous = size
            }
            guard converged else {
                f.statistics.newtonFailures += 1
                return .retry(shrink: 0.25)
            }
            stages[i] = Y
            for m in 0..<d { k[i][m] = (Y[m] - base[m]) / hg }
        }
        yNew = stages[s - 1]  // stiffly accurate: the last stage is the solution
        for m in 0..<d {
            var e = 0.0
            for i in 0..<s where tableau.e[i] != 0 { e += tableau.e[i] * k[i][m] }
            error[m] = h * e
        }
        guard try f.rhs(t + h, yNew, into: &fNew) else { return .retry(shrink: 0.5) }
        return .completed
    }
}
