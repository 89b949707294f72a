import Glibc
import HyloCore
import HyloNN
import HyloSBI
import HyloTasks

/// The Hylo side of `benchmarks/run sbi`: for one sbibm task, simulate `budget` pairs, train NPE
/// (or NLE or NRE-B, whose posteriors are sampled by sbi's default MCMC: slice sampling over 20
/// chains), draw as many samples as there are reference samples for `observations` of 1…5 and
/// compute C2ST against them; `exact` samples the true posterior by that MCMC instead
/// (gaussian_mixture and slcp), the sampler's share of the others' C2ST. The sequential methods
/// (`snpe`, `snle`, `snre`) follow sbibm's protocol instead: for each observation, `rounds` rounds
/// of budget / rounds simulations, the first from the prior and each later one from the current
/// posterior at that observation (SNPE-C with the atomic loss). `--chains`, `--thin` and `--warmup`
/// set the MCMC of NLE and NRE posteriors (sbi's defaults otherwise: 20, 1, 200), `--batch` the
/// training batch size (sbi's 200 otherwise; sbibm asks for 10,000, which sbi caps at the training
/// set, and its sequential runs cap at a round's 1,000 simulations), `--observation k` scores
/// observation k alone, and `--replicate r` (0 by default) reseeds the simulations, training and
/// sampling for an independent repetition. Prints one line per observation and one with the
/// timings. With an output directory, also writes the samples (`hylo_obs<k>.csv`) and, for the
/// amortized methods, the simulations (`theta.csv`, `x.csv`, for the anchor to train on the same
/// data).
func runSBIBenchmark(task name: String, sbibmRoot: String, options: [String: String]) {
    let method = options["--method"] ?? "npe"
    let budget = Int(options["--budget"] ?? "") ?? 10_000
    let rounds = max(Int(options["--rounds"] ?? "") ?? 10, 1)
    let epochs = Int(options["--epochs"] ?? "")
    let batch = Int(options["--batch"] ?? "")
    let estimator = FlowConfiguration.Kind(rawValue: options["--estimator"] ?? "maf") ?? .maf
    let unboundedTheta = options["--unbounded"] == "true"
    let observations = min(max(Int(options["--observations"] ?? "") ?? 5, 1), 5)
    let single = Int(options["--observation"] ?? "").map { min(max($0, 1), 5) }
    let scored = single.map { $0...$0 } ?? 1...observations
    let replicate = UInt64(options["--replicate"] ?? "") ?? 0
    let outputDirectory = options["--out"]
    var sampling = SamplingSettings()
    sampling.mcmc.chains = Int(options["--chains"] ?? "") ?? sampling.mcmc.chains
    sampling.mcmc.thin = Int(options["--thin"] ?? "") ?? sampling.mcmc.thin
    sampling.mcmc.warmup = Int(options["--warmup"] ?? "") ?? sampling.mcmc.warmup
    if !method.hasSuffix("npe") && ["--chains", "--thin", "--warmup"].contains(where: { options[$0] != nil }) {
        sampling.method = .mcmc  // otherwise the posterior's own MCMC settings apply
    }
    guard let task = makeTask(name) else {
        print("unknown task \(name); built in: \(builtInTaskNames.joined(separator: ", "))")
        exit(2)
    }
    let sequential = ["snpe", "snle", "snre"].contains(method)
    guard sequential || ["npe", "nle", "nre", "exact"].contains(method) else {
        print("unknown method \(method); use npe, nle, nre, snpe, snle, snre or exact")
        exit(2)
    }
    let exact = method == "exact" ? ExactLikelihood(task: name) : nil
    if method == "exact" && exact == nil {
        print("method exact: the exact likelihood is built in for gaussian_mixture and slcp only")
        exit(2)
    }
    do {
        var configuration = FlowConfiguration(estimator)
        configuration.unboundedTheta = unboundedTheta
        var training = NPE.defaultTraining
        if let epochs { training.maxEpochs = epochs; training.patience = Int.max / 2 }
        if let batch { training.batchSize = max(batch, 1) }
        training.seed = replicate
        let kind = sequential ? String(method.dropFirst()) : method
        var trainSeconds = 0.0, sampleSeconds = 0.0, epochsRun = 0
        var amortized: Posterior?
        if let exact {
            amortized = PotentialPosterior(model: exact, prior: task.prior)
        } else if !sequential {
            let (theta, x) = try task.simulations(budget, seed: replicate, workers: 2)
            if let dir = outputDirectory {
                try writeCSV(theta, to: "\(dir)/theta.csv")
                try writeCSV(x, to: "\(dir)/x.csv")
            }
            let inference = try makeInference(kind, prior: task.prior, configuration: configuration)
            try inference.appendSimulations(theta: theta, x: x)
            let t0 = now()
            epochsRun = try inference.train(training) { _ in true }.epochs
            trainSeconds = now() - t0
            amortized = try inference.buildPosterior()
        }
        var scores: [Double] = []
        for k in scored {
            let (xo, reference) = try sbibmReference(root: sbibmRoot, task: name, observation: k)
            let posterior: Posterior
            if let amortized { posterior = amortized } else {
                let t0 = now()
                let trained = try trainSequentially(task, kind: kind, configuration: configuration, training: training, budget: budget,
                                                    rounds: rounds, observation: xo, sampling: sampling, seed: UInt64(k) &+ replicate << 32)
                trainSeconds += now() - t0
                epochsRun += trained.epochs
                posterior = trained.posterior
            }
            var rng = Philox(seed: UInt64(k) &+ replicate << 32)
            let t1 = now()
            let (samples, _) = try posterior.sample(reference.shape[0], x: xo, settings: sampling, rng: &rng) { _, _ in true }
            sampleSeconds += now() - t1
            if let dir = outputDirectory { try writeCSV(samples, to: "\(dir)/hylo_obs\(k).csv") }
            let score = c2st(reference: reference, samples: samples)
            scores.append(score)
            print("hylo task=\(name) obs=\(k) c2st=\(score)")
        }
        print("hylo task=\(name) method=\(method) estimator=\(estimator.rawValue) unbounded=\(unboundedTheta) train_s=\(trainSeconds) sample_s=\(sampleSeconds) epochs=\(epochsRun) c2st_mean=\(scores.reduce(0, +) / Double(scores.count))")
    } catch {
        print("error: \(error)")
        exit(1)
    }
}

/// NPE or NLE with the flow `configuration`, or NRE-B (10 atoms, residual classifier); the
/// configuration's `unboundedTheta` (`--unbounded true`) applies to all three.
func makeInference(_ kind: String, prior: Prior, configuration: FlowConfiguration) throws -> NeuralInference {
    switch kind {
    case "nle": return NLE(prior: prior, configuration: configuration)
    case "nre": return try NRE(prior: prior, unboundedTheta: configuration.unboundedTheta)
    default: return NPE(prior: prior, configuration: configuration)
    }
}

/// sbibm's sequential protocol for one observation: `rounds` rounds of budget / rounds simulations,
/// the first from the prior, each later one from the current posterior at `observation`; the
/// estimator is retrained on everything simulated so far after each round (NPE's later rounds with
/// the atomic loss of SNPE-C, which corrects for the proposal; NLE's likelihood and NRE-B's ratio
/// need no correction).
func trainSequentially(_ task: SBITask, kind: String, configuration: FlowConfiguration, training: TrainingConfiguration, budget: Int,
                       rounds: Int, observation: Tensor, sampling: SamplingSettings, seed: UInt64) throws -> (posterior: Posterior, epochs: Int) {
    let inference = try makeInference(kind, prior: task.prior, configuration: configuration)
    let perRound = budget / rounds
    var posterior: Posterior?
    var epochs = 0
    for round in 0..<rounds {
        let roundSeed = seed &* 1_000_003 &+ UInt64(round)
        var rng = Philox(seed: roundSeed, stream: 0x726f_756e64)
        let theta = try posterior.map { try $0.sample(perRound, x: observation, settings: sampling, rng: &rng) { _, _ in true }.samples }
            ?? task.prior.sample(perRound, rng: &rng)
        let x = try task.simulate(theta, seed: roundSeed, workers: 2)
        if round > 0, let npe = inference as? NPE {
            try npe.appendProposalSimulations(theta: theta, x: x)
        } else {
            try inference.appendSimulations(theta: theta, x: x)
        }
        epochs += try inference.train(training) { _ in true }.epochs
        posterior = try inference.buildPosterior()
    }
    return (posterior!, epochs)
}

/// Writes a matrix as headerless CSV with round-trip precision.
func writeCSV(_ t: Tensor, to path: String) throws {
    guard let f = fopen(path, "w") else { throw CSVError(path: path, reason: String(cString: strerror(errno))) }
    defer { fclose(f) }
    let columns = t.shape[1]
    for i in 0..<t.shape[0] {
        let row = (0..<columns).map { "\(t.scalars[i * columns + $0])" }.joined(separator: ",")
        fputs(row + "\n", f)
    }
}
