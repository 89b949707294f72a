/// The outcome of one attempted step.
enum StepOutcome {
    /// `yNew`, `fNew` and `error` are filled in.
    case completed
    /// The step could not be completed (illegal state, Newton divergence, singular Newton matrix):
    /// retry with the step multiplied by this factor.
    case retry(shrink: Double)
}

/// One step of a method from `(t, y)` with `f0 = f(t, y)`: writes the new state, `f` there, and
/// the local error estimate (unweighted).
protocol Stepper {
    /// The stage values `Yᵢ` of the last step (empty for methods whose adjoint needs more).
    var stageValues: [[Double]] { get }
    mutating func step(_ f: Evaluator, t: Double, y: [Double], f0: [Double], h: Double,
                       yNew: inout [Double], fNew: inout [Double], error: inout [Double]) throws -> StepOutcome
}

func makeStepper(_ method: ODEMethod, dimension d: Int, options: SolverOptions) -> Stepper {
    switch method {
    case .explicit(let t): ExplicitStepper(t, dimension: d)
    case .esdirk(let t): ESDIRKStepper(t, dimension: d, options: options)
    case .rosenbrock(let t): RosenbrockStepper(t, dimension: d)
    }
}

/// Explicit Runge–Kutta step; also used by the discrete adjoint to recompute stages.
struct ExplicitStepper: Stepper {
    let tableau: ExplicitTableau
    /// Stage values `Yᵢ` and derivatives `kᵢ` of the last step.
    var stages: [[Double]]
    var k: [[Double]]

    var stageValues: [[Double]] { stages }

    init(_ tableau: ExplicitTableau, dimension d: Int) {
        self.tableau = tableau
        k = Array(repeating: Array(repeating: 0, count: d), count: tableau.stages)
        stages = k
    }

    mutating func step(_ f: Evaluator, t: Double, y: [Double], f0: [Double], h: Double,
                       yNew: inout [Double], fNew: inout [Double], error: inout [Double]) throws -> StepOutcome {
        let s = tableau.stages, d = y.count
        k[0] = f0
        stages[0] = y
        for i in 1..<max(s, 1) {
            var stage = y
            let row = tableau.a[i]
            for j in 0..<i where row[j] != 0 {
                let c = h * row[j]
                k[j].withUnsafeBufferPointer { kj in for m in 0..<d { stage[m] += c * kj[m] } }
            }
            guard try f.rhs(t + tableau.c[i] * h, stage, into: &k[i]) else { return .retry(shrink: 0.5) }
            stages[i] = stage
        }
        yNew = y
        for i in 0..<s where tableau.b[i] != 0 {
            let c = h * tableau.b[i]
            for m in 0..<d { yNew[m] += c * k[i][m] }
        }
        if tableau.isAdaptive {
            for m in 0..<d { error[m] = 0 }
            for i in 0..<s where tableau.e[i] != 0 {
                let c = h * tableau.e[i]
                for m in 0..<d { error[m] += c * k[i][m] }
            }
        }
        if tableau.fsal {
            fNew = k[s - 1]
        } else {
            guard try f.rhs(t + h, yNew, into: &fNew) else { return .retry(shrink: 0.5) }
        }
        return .completed
    }
}
