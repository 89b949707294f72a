/// Rosenbrock step (see `RosenbrockTableau`): one factorization of `I/(hγ) − J` and one linear
/// solve per stage, no Newton iterations. `∂f/∂t` by a central difference.
struct RosenbrockStepper: Stepper {
    let tableau: RosenbrockTableau
    private var jacobian: [Double]
    private var K: [[Double]]
    var stageValues: [[Double]] { [] }

    init(_ tableau: RosenbrockTableau, dimension d: Int) {
        self.tableau = tableau
        jacobian = Array(repeating: 0, count: d * d)
        K = Array(repeating: Array(repeating: 0, count: d), count: tableau.stages)
    }

    mutating func step(_ f: Evaluator, t: Double, y: [Double], f0: [Double], h: Double,
                       yNew: inout [Double], fNew: inout [Double], error: inout [Double]) throws -> StepOutcome {
        let d = y.count, s = tableau.stages
        guard try f.jacobian(t, y, into: &jacobian) else { return .retry(shrink: 0.5) }
        var dfdt = y, before = y
        let dt = differenceStep(t)
        guard try f.rhs(t + dt, y, into: &dfdt), try f.rhs(t - dt, y, into: &before) else { return .retry(shrink: 0.5) }
        for m in 0..<d { dfdt[m] = (dfdt[m] - before[m]) / (2 * dt) }

        var matrix = jacobian.map { -$0 }
        let diagonal = 1 / (h * tableau.gamma)
        for i in 0..<d { matrix[i * d + i] += diagonal }
        f.statistics.factorizations += 1
        guard let lu = DenseLU(matrix, n: d) else { return .retry(shrink: 0.5) }

        var stage = y, rhs = y
        for i in 0..<s {
            if i == 0 {
                rhs = f0
            } else {
                stage = y
                for j in 0..<i where tableau.a[i][j] != 0 {
                    for m in 0..<d { stage[m] += tableau.a[i][j] * K[j][m] }
                }
                guard try f.rhs(t + tableau.alpha[i] * h, stage, into: &rhs) else { return .retry(shrink: 0.5) }
            }
            for j in 0..<i where tableau.C[i][j] != 0 {
                let c = tableau.C[i][j] / h
                for m in 0..<d { rhs[m] += c * K[j][m] }
            }
            if tableau.gammaSums[i] != 0 {
                let c = h * tableau.gammaSums[i]
                for m in 0..<d { rhs[m] += c * dfdt[m] }
            }
            lu.solve(&rhs)
            K[i] = rhs
        }
        yNew = y
        for m in 0..<d {
            var e = 0.0
            for i in 0..<s {
                yNew[m] += tableau.m[i] * K[i][m]
                e += tableau.e[i] * K[i][m]
            }
            error[m] = e
        }
        guard yNew.allSatisfy({ $0.isFinite }) else { return .retry(shrink: 0.5) }
        guard try f.rhs(t + h, yNew, into: &fNew) else { return .retry(shrink: 0.5) }
        return .completed
    }
}
