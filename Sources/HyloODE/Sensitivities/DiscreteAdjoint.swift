/// Reverse-mode differentiation of the discrete solution ("backpropagation through the solver"):
/// exact gradients of what the solver computed, with the accepted step sizes held fixed.
///
/// Memory: the forward solve keeps the state at every accepted step (its `Trajectory`), and for
/// states of up to 4096 components also the stage values; for larger states the backward pass
/// recomputes one step's stages at a time from the step's state. Network activations are never
/// stored for the whole solve: each stage's VJP re-evaluates its network.
///
/// Explicit step `y₊ = y + h Σ bᵢ kᵢ`, `kᵢ = f(tᵢ, Yᵢ)`, `Yᵢ = y + h Σ_{j<i} aᵢⱼ kⱼ`; from `λ = ∂L/∂y₊`,
/// `k̄ᵢ = h bᵢ λ + h Σ_{j>i} aⱼᵢ Ȳⱼ`, `Ȳᵢ = (∂f/∂y)ᵀ k̄ᵢ`, `p̄ += (∂f/∂p)ᵀ k̄ᵢ`, `ȳ = λ + Σ Ȳᵢ`.
///
/// ESDIRK stage `Yᵢ = baseᵢ + hγ kᵢ`, `kᵢ = f(Yᵢ)` (implicit): with `zᵢ = (I − hγJᵢ)⁻ᵀ k̄ᵢ`,
/// `base̅ᵢ = Jᵢᵀ zᵢ` and `p̄ += (∂f/∂p)ᵀ zᵢ`, where `Jᵢ = ∂f/∂y(Yᵢ)`.
struct DiscreteAdjoint {
    let system: ODESystem
    let parameters: [Double]
    let options: SolverOptions

    /// `cotangents[k] = ∂L/∂y(times[k])`; returns `(∂L/∂y0, ∂L/∂p)`.
    func gradient(of solution: ODESolution, cotangents: [[Double]]) throws -> (initialState: [Double], parameters: [Double]) {
        let d = system.dimension
        let trajectory = solution.trajectory
        let f = Evaluator(system, parameters: parameters)
        var lambda = [Double](repeating: 0, count: d)
        var pBar = [Double](repeating: 0, count: parameters.count)
        // Outputs sit on step ends (stopAtOutputTimes); walk them from the last.
        var k = solution.times.count - 1
        func addCotangents(at t: Double) {
            while k >= 0 && solution.times[k] == t {
                for i in 0..<d { lambda[i] += cotangents[k][i] }
                k -= 1
            }
        }
        var explicit: ExplicitStepper?
        var implicit: ESDIRKStepper?
        switch options.method {
        case .explicit(let t): explicit = ExplicitStepper(t, dimension: d)
        case .esdirk(let t): implicit = ESDIRKStepper(t, dimension: d, options: options)
        case .rosenbrock:
            throw ODEError.invalidArgument("the discrete adjoint of rodas4 would need second derivatives of f: use gradient method 'continuous_adjoint' or a kvaerno5/explicit solve")
        }
        var scratch = [Double](repeating: 0, count: d), fNew = scratch, error = scratch
        for n in stride(from: trajectory.times.count - 2, through: 0, by: -1) {
            addCotangents(at: trajectory.times[n + 1])
            let t = trajectory.times[n], h = trajectory.times[n + 1] - t
            let y = trajectory.states[n]
            let recorded = n < trajectory.stages.count ? trajectory.stages[n] : nil
            if var stepper = explicit {
                if let recorded {
                    stepper.stages = recorded
                } else {
                    _ = try stepper.step(f, t: t, y: y, f0: trajectory.derivatives[n], h: h, yNew: &scratch, fNew: &fNew, error: &error)
                }
                lambda = try explicitStepAdjoint(stepper, t: t, h: h, lambda: lambda, pBar: &pBar)
                explicit = stepper
            } else if var stepper = implicit {
                if let recorded {
                    stepper.stages = recorded
                } else {
                    guard case .completed = try stepper.step(f, t: t, y: y, f0: trajectory.derivatives[n], h: h,
                                                             yNew: &scratch, fNew: &fNew, error: &error) else {
                        throw ODEError.invalidArgument("the step from t = \(t) could not be recomputed for the adjoint (Newton failed)")
                    }
                }
                lambda = try esdirkStepAdjoint(stepper, t: t, h: h, lambda: lambda, pBar: &pBar)
                implicit = stepper
            }
        }
        addCotangents(at: trajectory.times[0])
        return (lambda, pBar)
    }

    private func explicitStepAdjoint(_ stepper: ExplicitStepper, t: Double, h: Double, lambda: [Double],
                                     pBar: inout [Double]) throws -> [Double] {
        let tableau = stepper.tableau, s = tableau.stages, d = lambda.count
        var kBar = (0..<s).map { i in lambda.map { h * tableau.b[i] * $0 } }
        var yBar = lambda
        var stageBar = [Double](repeating: 0, count: d)
        for i in stride(from: s - 1, through: 0, by: -1) where kBar[i].contains(where: { $0 != 0 }) {
            for m in 0..<d { stageBar[m] = 0 }
            try vjp(t + tableau.c[i] * h, stepper.stages[i], kBar[i], &stageBar, &pBar)
            for m in 0..<d { yBar[m] += stageBar[m] }
            for j in 0..<i where tableau.a[i][j] != 0 {
                let c = h * tableau.a[i][j]
                for m in 0..<d { kBar[j][m] += c * stageBar[m] }
            }
        }
        return yBar
    }

    private func esdirkStepAdjoint(_ stepper: ESDIRKStepper, t: Double, h: Double, lambda: [Double],
                                   pBar: inout [Double]) throws -> [Double] {
        let tableau = stepper.tableau, s = tableau.stages, d = lambda.count, hg = h * tableau.gamma
        var kBar = (0..<s).map { i in lambda.map { h * tableau.b[i] * $0 } }
        var yBar = lambda
        var baseBar = [Double](repeating: 0, count: d), J = [Double](repeating: 0, count: d * d)
        for i in stride(from: s - 1, through: 0, by: -1) {
            let ti = t + tableau.c[i] * h
            var z = kBar[i]
            if i > 0 {
                guard try aborting(at: ti, { try system.jacobian(ti, stepper.stages[i], parameters, into: &J) }) else {
                    throw ODEError.invalidArgument("the Jacobian failed at t = \(ti) during the adjoint")
                }
                var matrix = J.map { -hg * $0 }
                for m in 0..<d { matrix[m * d + m] += 1 }
                guard let lu = DenseLU(matrix, n: d) else {
                    throw ODEError.invalidArgument("singular Newton matrix at t = \(ti) during the adjoint")
                }
                lu.solveTransposed(&z)
            }
            for m in 0..<d { baseBar[m] = 0 }
            try vjp(ti, stepper.stages[i], z, &baseBar, &pBar)
            for m in 0..<d { yBar[m] += baseBar[m] }
            for j in 0..<i where tableau.a[i][j] != 0 {
                let c = h * tableau.a[i][j]
                for m in 0..<d { kBar[j][m] += c * baseBar[m] }
            }
        }
        return yBar
    }

    private func vjp(_ t: Double, _ y: [Double], _ v: [Double], _ yBar: inout [Double], _ pBar: inout [Double]) throws {
        guard try aborting(at: t, { try system.vjp(t, y, parameters, cotangent: v, addingTo: &yBar, &pBar) }) else {
            throw ODEError.invalidArgument("the right-hand side rejected a state at t = \(t) during the adjoint")
        }
    }
}
