import Glibc
import HyloCore
import HyloNN

/// Which ratio-estimation loss, with sbi's defaults.
public enum RatioLoss: Equatable, Sendable {
    /// NRE-A (Hermans et al. 2020): binary cross-entropy between joint pairs (θᵢ, xᵢ) and pairs
    /// with θ taken from another simulation.
    case a
    /// NRE-B (Durkan et al. 2020): each xᵢ picks its own θᵢ among `atoms` candidates (softmax
    /// cross-entropy); the logit is log r only up to a function of x.
    case b(atoms: Int = 10)
    /// NRE-C (Miller et al. 2022): (K + 1)-way classification between K candidates of which one
    /// may be the joint one and an "all independent" class with odds γ; exact log r at optimum.
    case c(classes: Int = 5, gamma: Double = 1)
    /// BNRE (Delaunoy et al. 2022): NRE-A plus λ (E_joint σ(f) + E_marginal σ(f) − 1)², which
    /// pushes the classifier towards conservative (not overconfident) posteriors.
    case balanced(regularization: Double = 100)

    /// Candidates per x drawn from other simulations (B ≥ this + 1 is needed).
    var contrastiveDraws: Int {
        switch self {
        case .a, .balanced: return 1
        case .b(let atoms): return atoms - 1
        case .c(let k, _): return 2 * k - 1
        }
    }

    public var invalidReason: String? {
        switch self {
        case .a: return nil
        case .b(let atoms): return atoms >= 2 ? nil : "NRE-B needs at least 2 atoms"
        case .c(let k, let g): return k >= 1 && g > 0 && g.isFinite ? nil : "NRE-C needs at least 1 class and gamma > 0"
        case .balanced(let l): return l >= 0 && l.isFinite ? nil : "BNRE needs a non-negative regularization strength"
        }
    }
}

/// Neural ratio estimation: a classifier trained to tell simulated pairs (θ, x) ~ p(θ, x) from
/// shuffled ones ~ p(θ) p(x), whose logit is the log likelihood-to-evidence ratio; the posterior is
/// r(θ, x) p(θ), sampled by MCMC. Contrastive θ come from the other simulations of each batch, as
/// in sbi. Training uses sbi's defaults (as NPE).
public final class NRE {
    public let prior: Prior
    public let configuration: RatioClassifier.Configuration
    public let loss: RatioLoss
    var simulations: SimulationSet
    public private(set) var estimator: RatioClassifier?
    public private(set) var lastTraining: TrainingResult?
    /// Adds the differentiable-coverage penalty to the loss, for calibrated or conservative posteriors.
    public var coverageRegularizer: CoverageRegularizer?
    /// The classifier sees θ in the prior's unbounded coordinates (sbibm's automatic transforms).
    public let unboundedTheta: Bool

    public init(prior: Prior, configuration: RatioClassifier.Configuration = .init(), loss: RatioLoss = .b(),
                unboundedTheta: Bool = false) throws {
        if let why = loss.invalidReason { throw InferenceError.state(why) }
        self.prior = prior
        self.configuration = configuration
        self.loss = loss
        self.unboundedTheta = unboundedTheta
        simulations = SimulationSet(parameterDimension: prior.dimension)
    }

    public var excludedCount: Int { simulations.excluded }

    @discardableResult
    public func appendSimulations(theta: Tensor, x: Tensor) throws -> (kept: Int, excluded: Int) {
        try simulations.append(theta: theta, x: x, expected: estimator?.observationDimension)
    }

    @discardableResult
    public func train(_ settings: TrainingConfiguration = NPE.defaultTraining,
                      progress: (EpochReport) -> Bool = { _ in true }) throws -> TrainingResult {
        let draws = loss.contrastiveDraws
        guard simulations.count >= 2 * (draws + 1), let c = simulations.observationDimension else {
            throw InferenceError.noData("this NRE loss needs at least \(2 * (draws + 1)) valid simulations; it has \(simulations.count)")
        }
        guard settings.batchSize > draws else {
            throw InferenceError.state("the training batch size must exceed the \(draws) contrastive draws per simulation")
        }
        let (simulated, x) = simulations.tensors
        let theta = try modelInput(simulated, prior: prior, unbounded: unboundedTheta)
        let classifier = estimator ?? {
            let r = RatioClassifier(parameterDimension: prior.dimension, observationDimension: c, configuration: configuration)
            r.fitStandardization(theta: theta, x: x)
            return r
        }()
        estimator = classifier
        if let why = coverageRegularizer?.invalidReason { throw InferenceError.state(why) }
        var rng = Philox(seed: settings.seed, stream: 0x6174_6f6d)
        let (loss, regularizer, parameterPrior, unbounded) = (self.loss, coverageRegularizer, self.prior, unboundedTheta)
        // The penalty weighs the other θ of a batch by the prior density of θ, also when the classifier sees z.
        let logPrior = { (t: Tensor) in parameterPrior.logProb(unbounded ? parameterPrior.fromUnbounded(t) : t) }
        let result = HyloNN.train(classifier.parameters, count: theta.shape[0], configuration: settings,
                                  optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
            let (t, xb) = (theta.selectRows(batch), x.selectRows(batch))
            let base = ratioLoss(loss, classifier: classifier, theta: t, x: xb, rng: &rng)
            guard let regularizer, batch.count > 1 else { return base }
            let pairs = Array(0..<Swift.min(batch.count, regularizer.pairs))
            return base + ratioCoveragePenalty(regularizer, classifier: classifier, logPrior: logPrior,
                                               theta: t.selectRows(pairs), x: xb.selectRows(pairs), rng: &rng)
        }, progress: progress)
        lastTraining = result
        if result.reason == .nonFinite {
            throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
        }
        return result
    }

    /// The posterior ∝ r(θ, x) p(θ), sampled by MCMC.
    public func posterior() throws -> PotentialPosterior {
        guard let estimator else { throw InferenceError.state("NRE has not been trained") }
        return PotentialPosterior(model: estimator, prior: prior, unboundedTheta: unboundedTheta)
    }
}

/// Logits `[B, 1 + m]` of each xᵢ paired with its own θᵢ (column 0) and with m θ drawn without
/// replacement from the other rows of the batch (a batch smaller than m + 1 reuses rows).
func contrastiveLogits(_ classifier: RatioClassifier, theta: Tensor, x: Tensor, draws m: Int, rng: inout Philox) -> Tensor {
    contrastivePairs(classifier, theta: theta, x: x, draws: m, rng: &rng).logits
}

/// `contrastiveLogits` with the batch rows of the θ paired with each x (`[B · (1 + m)]`, row-major).
func contrastivePairs(_ classifier: RatioClassifier, theta: Tensor, x: Tensor, draws m: Int,
                      rng: inout Philox) -> (logits: Tensor, rows: [Int]) {
    let b = theta.shape[0]
    var rows: [Int] = []
    rows.reserveCapacity(b * (m + 1))
    for i in 0..<b {
        rows.append(i)
        var chosen = Set<Int>()
        while chosen.count < Swift.min(m, b - 1) {
            let j = rng.integer(below: b - 1)
            chosen.insert(j >= i ? j + 1 : j)
        }
        var picks = Array(chosen).sorted()
        while picks.count < m { picks.append(i == 0 ? Swift.min(1, b - 1) : 0) }
        rows.append(contentsOf: picks)
    }
    let xs = x.selectRows((0..<b).flatMap { [Int](repeating: $0, count: m + 1) })
    return (classifier.logits(theta.selectRows(rows), xs).reshaped([b, m + 1]), rows)
}

/// The coverage penalty of a ratio estimator on a batch: the other θ of the batch are prior draws,
/// self-normalized by their ratios into posterior draws; the posterior's log density is the logit
/// plus the log prior (Falkiewicz et al. 2023's importance-sampled α).
func ratioCoveragePenalty(_ regularizer: CoverageRegularizer, classifier: RatioClassifier, logPrior priorDensity: (Tensor) -> Tensor,
                          theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor {
    let (b, l) = (theta.shape[0], regularizer.samples)
    let (logits, rows) = contrastivePairs(classifier, theta: theta, x: x, draws: l, rng: &rng)
    let logPrior = withoutGradients { priorDensity(theta) }.selectRows(rows).reshaped([b, l + 1])
    let density = logits + logPrior
    let own = density.slice(axis: 1, start: 0, end: 1).reshaped([b])
    let draws = density.slice(axis: 1, start: 1, end: l + 1)
    let logWeights = logits.slice(axis: 1, start: 1, end: l + 1)
    let weights = (logWeights - logWeights.logSumExp(axis: 1, keepDims: true)).exp()
    return regularizer.penalty(regularizer.levels(draws: draws, pairs: own, weights: weights))
}

/// The mean loss of a batch of joint pairs.
func ratioLoss(_ loss: RatioLoss, classifier: RatioClassifier, theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor {
    let b = theta.shape[0]
    func column(_ t: Tensor, _ j: Int) -> Tensor { t.slice(axis: 1, start: j, end: j + 1).reshaped([b]) }
    switch loss {
    case .a, .balanced:
        let l = contrastiveLogits(classifier, theta: theta, x: x, draws: 1, rng: &rng)
        let joint = column(l, 0), marginal = column(l, 1)
        // −log σ(f) = softplus(−f), −log(1 − σ(f)) = softplus(f).
        let bce = ((-joint).softplus().mean() + marginal.softplus().mean()) * 0.5
        guard case .balanced(let lambda) = loss else { return bce }
        let balance = joint.sigmoid().mean() + marginal.sigmoid().mean() - 1
        return bce + balance.squared() * lambda
    case .b(let atoms):
        let l = contrastiveLogits(classifier, theta: theta, x: x, draws: atoms - 1, rng: &rng)
        return (l.logSumExp(axis: 1) - column(l, 0)).mean()
    case .c(let k, let gamma):
        let logGamma = Glibc.log(gamma), logK = Glibc.log(Double(k))
        let joint = contrastiveLogits(classifier, theta: theta, x: x, draws: k - 1, rng: &rng)
        let marginal = contrastiveLogits(classifier, theta: theta, x: x, draws: k, rng: &rng).slice(axis: 1, start: 1, end: k + 1)
        let constant = Tensor.filled([b, 1], logK)
        let logProbMarginal = -Tensor.concatenate([marginal + logGamma, constant], axis: 1).logSumExp(axis: 1) + logK
        let logProbJoint = column(joint, 0) + logGamma - Tensor.concatenate([joint + logGamma, constant], axis: 1).logSumExp(axis: 1)
        return -(logProbMarginal * (1 / (1 + gamma)) + logProbJoint * (gamma / (1 + gamma))).mean()
    }
}
