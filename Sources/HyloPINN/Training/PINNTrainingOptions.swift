/// How a PINN is trained: Adam, then L-BFGS, on points drawn from the domain.
public struct PINNTrainingOptions: Sendable {
    public var adamIterations = 5000
    public var learningRate = 1e-3
    /// Exponential decay: the rate is `learningRate · decay^(iteration / decaySteps)`.
    public var learningRateDecay = 0.9, decaySteps = 2000
    public var lbfgsIterations = 0
    /// Correction pairs L-BFGS keeps (50, as Raissi et al.'s SciPy setting `maxcor`).
    public var lbfgsHistory = 50
    public var lbfgsGradientTolerance = 1e-12, lbfgsFunctionTolerance = 1e-15
    public var collocationPoints = 10_000
    /// Points per condition (and per soft-periodic coordinate).
    public var boundaryPoints = 1000
    public var sampling = SamplingMethod.sobol
    public var weighting = LossWeighting.fixed
    /// Causal weighting of time-dependent residuals (Wang, Sankaran & Perdikaris 2022): the
    /// residual points are split into `causalChunks` time slabs, and slab i is weighted by
    /// exp(−ε Σ_{k<i} L_k), so later times train once earlier ones are resolved. 0 turns it off.
    public var causalChunks = 0
    public var causalTolerance = 1.0
    public var refinement = Refinement.none
    /// Adam iterations between loss-weight updates and between refinements.
    public var weightUpdateEvery = 1000, refineEvery = 1000
    public var seed: UInt64 = 0

    public enum LossWeighting: String, CaseIterable, Sendable {
        case fixed
        /// Wang et al. 2023: λᵢ ← 0.9 λᵢ + 0.1 (Σⱼ ‖∇Lⱼ‖) / ‖∇Lᵢ‖, so every term pulls equally hard.
        case gradientNorm = "grad_norm"
    }

    /// Residual-based adaptive refinement of the collocation points (Wu et al. 2023).
    public enum Refinement: Equatable, Sendable {
        case none
        /// Fresh points every `refineEvery` iterations.
        case resample
        /// RAR-D: redraw all points from a 10× candidate pool with probability ∝ |r|ᵏ/mean|r|ᵏ + c.
        case residualDistribution(k: Double, c: Double)
        /// RAR-G: add the `count` candidates (of a 10× pool) with the largest residual.
        case residualGreedy(count: Int)
    }

    public init() {}
}

/// What training reached.
public struct PINNTrainingResult: Sendable {
    /// The weighted total loss and each term's unweighted loss at the end.
    public var loss: Double
    public var termNames: [String]
    public var termLosses: [Double]
    /// The final weight of each term (user weight × adaptive factor).
    public var termWeights: [Double]
    public var adamIterations: Int
    /// Why L-BFGS stopped, and after how many iterations; `nil` if it did not run.
    public var lbfgsReason: String?
    public var lbfgsIterations: Int
    public var cancelled: Bool
}
