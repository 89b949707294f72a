import Glibc
import HyloCore
import HyloNN
import HyloSBI
import HyloTasks

/// `benchmarks/run sbi` with METHOD=coverage: on one task, trains on `budget` simulations an NPE
/// (`--estimator`, MAF by default, with sbi's training defaults), an ensemble of `members` NPEs differing only in their seeds, and NPEs with
/// the differentiable-coverage regularizer asking for calibrated and for conservative posteriors
/// and, with `--only conservative_ensemble`, an ensemble of `members` conservative NPEs
/// (`--strength`, `--pairs`, `--draws`: the regularizer's strength, pairs per batch and draws per
/// pair, by default 20, 64 and 16);
/// then measures each one's expected coverage of highest-density regions on `tests` fresh
/// simulations (`samples` posterior draws each). Prints one line per estimator with the curve at
/// levels 0.05, 0.1, …, 0.95 and the largest shortfall below the diagonal beyond Monte-Carlo error
/// (two standard errors of a binomial proportion): a positive `overconfident_by` means the
/// estimator's credible regions hold the true parameter less often than they claim.
func runCoverageBenchmark(task name: String, options: [String: String]) {
    guard let task = makeTask(name) else {
        print("unknown task \(name); built in: \(builtInTaskNames.joined(separator: ", "))")
        exit(2)
    }
    let budget = Int(options["--budget"] ?? "") ?? 10_000
    let tests = Int(options["--tests"] ?? "") ?? 1000
    let samples = Int(options["--samples"] ?? "") ?? 1000
    let members = Int(options["--members"] ?? "") ?? 5
    let strength = Double(options["--strength"] ?? "")
    let pairs = Int(options["--pairs"] ?? ""), draws = Int(options["--draws"] ?? "")
    let estimatorKind = FlowConfiguration.Kind(rawValue: options["--estimator"] ?? "maf") ?? .maf
    let only = options["--only"].map { Set($0.split(separator: ",").map(String.init)) }
    let levels = (1...19).map { Double($0) / 20 }
    do {
        let (theta, x) = try task.simulations(budget, seed: 0, workers: 2)
        let (testTheta, testX) = try task.simulations(tests, seed: 7_777, workers: 2)
        func trainNPE(seed: UInt64, regularizer: CoverageRegularizer? = nil) throws -> (Posterior, Double) {
            let npe = NPE(prior: task.prior, configuration: FlowConfiguration(estimatorKind))
            npe.coverageRegularizer = regularizer
            if let strength { npe.coverageRegularizer?.strength = strength }
            if let pairs { npe.coverageRegularizer?.pairs = pairs }
            if let draws { npe.coverageRegularizer?.samples = draws }
            try npe.appendSimulations(theta: theta, x: x)
            var training = NPE.defaultTraining
            training.seed = seed
            let t0 = now()
            try npe.train(training) { _ in true }
            return (try npe.posterior(), now() - t0)
        }
        func trainEnsemble(_ target: CoverageRegularizer.Target?) throws -> (Posterior, Double) {
            var posteriors: [Posterior] = []
            var seconds = 0.0
            for k in 0..<members {
                let (p, s) = try trainNPE(seed: UInt64(k), regularizer: target.map(CoverageRegularizer.init))
                posteriors.append(p); seconds += s
            }
            return (try EnsemblePosterior(members: posteriors), seconds)
        }
        var estimators: [(String, () throws -> (Posterior, Double))] = [
            ("npe", { try trainNPE(seed: 0) }),
            ("ensemble", { try trainEnsemble(nil) }),
            ("calibrated", { try trainNPE(seed: 0, regularizer: CoverageRegularizer(.calibrated)) }),
            ("conservative", { try trainNPE(seed: 0, regularizer: CoverageRegularizer(.conservative)) }),
            ("conservative_ensemble", { try trainEnsemble(.conservative) }),
        ]
        // The conservative ensemble, five regularized trainings, runs only when asked for by name.
        estimators = estimators.filter { only?.contains($0.0) ?? ($0.0 != "conservative_ensemble") }
        for (label, train) in estimators {
            let (posterior, trainSeconds) = try train()
            var rng = Philox(seed: 11)
            let curve = expectedCoverage(posterior, theta: testTheta, x: testX, samples: samples, levels: levels, rng: &rng)
            let shortfall = zip(levels, curve).map { a, c in a - c - 2 * (a * (1 - a) / Double(tests)).squareRoot() }.max()!
            let rounded = { (v: Double) in (v * 1000).rounded() / 1000 }
            print("coverage task=\(name) estimator=\(label) train_s=\(rounded(trainSeconds)) overconfident_by=\(rounded(max(shortfall, 0))) "
                  + "coverage=\(curve.map { "\(rounded($0))" }.joined(separator: ","))")
        }
    } catch {
        print("error: \(error)")
        exit(1)
    }
}
