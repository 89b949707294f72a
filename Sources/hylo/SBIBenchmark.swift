import Glibc
import HyloCore
import HyloNN
import HyloSBI
import HyloTasks

/// The Hylo side of `benchmarks/run sbi`: for one sbibm task, simulate `budget` pairs, train NPE
/// (or NLE or NRE-B, whose posteriors are sampled by sbi's default MCMC: slice sampling over 20
/// chains), draw as many samples as there are reference samples for `observations` of 1…5 and
/// compute C2ST against them. Prints one line per observation and one with the timings. With an output
/// directory, also writes the simulations (`theta.csv`, `x.csv`, for the anchor to train on the
/// same data) and the samples (`hylo_obs<k>.csv`).
func runSBIBenchmark(task name: String, method: String, budget: Int, epochs: Int?, estimator: FlowConfiguration.Kind, unboundedTheta: Bool,
                     observations: Int, sbibmRoot: String, outputDirectory: String?) {
    guard let task = makeTask(name) else {
        print("unknown task \(name); built in: \(builtInTaskNames.joined(separator: ", "))")
        exit(2)
    }
    do {
        let (theta, x) = try task.simulations(budget, seed: 0, workers: 2)
        if let dir = outputDirectory {
            try writeCSV(theta, to: "\(dir)/theta.csv")
            try writeCSV(x, to: "\(dir)/x.csv")
        }
        var configuration = FlowConfiguration(estimator)
        configuration.unboundedTheta = unboundedTheta
        let inference: NeuralInference
        switch method {
        case "nle": inference = NLE(prior: task.prior, configuration: configuration)
        case "nre": inference = try NRE(prior: task.prior)
        default: inference = NPE(prior: task.prior, configuration: configuration)
        }
        try inference.appendSimulations(theta: theta, x: x)
        var training = NPE.defaultTraining
        if let epochs { training.maxEpochs = epochs; training.patience = Int.max / 2 }
        let t0 = now()
        let result = try inference.train(training) { _ in true }
        let trainSeconds = now() - t0
        let posterior = try inference.buildPosterior()
        var sampleSeconds = 0.0
        var scores: [Double] = []
        for k in 1...observations {
            let (xo, reference) = try sbibmReference(root: sbibmRoot, task: name, observation: k)
            var rng = Philox(seed: UInt64(k))
            let t1 = now()
            let (samples, _) = posterior.sample(reference.shape[0], x: xo, rng: &rng)
            sampleSeconds += now() - t1
            if let dir = outputDirectory { try writeCSV(samples, to: "\(dir)/hylo_obs\(k).csv") }
            let score = c2st(reference: reference, samples: samples)
            scores.append(score)
            print("hylo task=\(name) obs=\(k) c2st=\(score)")
        }
        print("hylo task=\(name) method=\(method) estimator=\(estimator.rawValue) unbounded=\(unboundedTheta) train_s=\(trainSeconds) sample_s=\(sampleSeconds) epochs=\(result.epochs) c2st_mean=\(scores.reduce(0, +) / Double(observations))")
    } catch {
        print("error: \(error)")
        exit(1)
    }
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
