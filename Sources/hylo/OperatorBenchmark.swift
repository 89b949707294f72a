import Glibc
import HyloCore
import HyloNN
import HyloOperators
import HyloTasks

/// A data set as tensors, generated once and kept as `.npy` files in `directory` (when given) so
/// that the PyTorch side of `benchmarks/operators` trains on the same numbers.
func operatorData(_ name: String, directory: String?, shapes: [[Int]], generate: () -> [[Double]]) -> [Tensor] {
    let paths = shapes.indices.map { "\(directory ?? "")/\(name)_\($0).npy" }
    // `.npy` files here hold matrices: [samples, everything else].
    let matrix = { (shape: [Int]) in [shape[0], shape.dropFirst().reduce(1, *)] }
    if directory != nil, let loaded = try? paths.map({ try NPY.read($0) }),
       zip(loaded, shapes).allSatisfy({ $0.count == $1.reduce(1, *) }) {
        return zip(loaded, shapes).map { $0.reshaped($1) }
    }
    let t0 = now()
    let tensors = zip(generate(), shapes).map { Tensor(shape: $1, scalars: $0) }
    print("generated \(name) in \(Int(now() - t0)) s")
    if directory != nil { for (t, p) in zip(tensors, paths) { try? NPY.write(t.reshaped(matrix(t.shape)), to: p) } }
    return tensors
}

/// Trains `fit` for the given epochs, printing the test error every `every` epochs, and ends with
/// a `RESULT operators` line.
func reportOperatorTraining(_ name: String, epochs: Int, settings: String,
                            fit: ((EpochReport) -> Bool) -> Void, testError: @escaping () -> Double) {
    let t0 = now()
    var epochStart = t0, epochTimes: [Double] = []
    let every = Swift.max(1, epochs / 20)
    fit { report in
        epochTimes.append(now() - epochStart)
        if report.epoch % every == 0 || report.epoch == epochs {
            print("epoch \(report.epoch) train_loss=\(report.trainingLoss) test_error=\(testError()) seconds=\(Int(now() - t0))")
        }
        epochStart = now()
        return true
    }
    let median = epochTimes.sorted()[epochTimes.count / 2]
    print("RESULT operators \(name) test_error=\(testError()) epochs=\(epochs) epoch_seconds=\((median * 1000).rounded() / 1000) total_seconds=\(Int(now() - t0)) \(settings)")
}

/// Training options from `--epochs`, `--batch`, `--lr`, `--step-every` and `--step-gamma` over
/// `defaults` (the step defaults to a fifth of the epochs).
func operatorTrainingFlags(_ o: [String: String], defaults: OperatorTrainingOptions) -> OperatorTrainingOptions {
    var t = defaults
    t.epochs = Int(o["--epochs"] ?? "") ?? t.epochs
    t.batchSize = Int(o["--batch"] ?? "") ?? t.batchSize
    t.learningRate = Double(o["--lr"] ?? "") ?? t.learningRate
    t.stepEvery = Int(o["--step-every"] ?? "") ?? Swift.max(1, t.epochs / 5)
    t.stepGamma = Double(o["--step-gamma"] ?? "") ?? t.stepGamma
    return t
}

/// FNO on 1-D Burgers (the paper's setting: 1000 training and 100 test pairs at 1024 points,
/// 16 modes, width 64, 500 epochs).
func runFNOBurgers(options o: [String: String]) {
    let train = Int(o["--train"] ?? "") ?? 1000, test = Int(o["--test"] ?? "") ?? 100
    let resolution = Int(o["--resolution"] ?? "") ?? 1024
    let training = operatorTrainingFlags(o, defaults: OperatorTrainingOptions())
    let data = operatorData("burgers_\(resolution)", directory: o["--data"],
                            shapes: [[train + test, 1, resolution], [train + test, 1, resolution]]) {
        let d = BurgersOperatorData().generate(count: train + test, resolution: resolution, seed: 2021)
        return [d.initial, d.final]
    }
    let (a, u) = (data[0], data[1])
    let trainRows = Array(0..<train), testRows = Array(train..<(train + test))
    var configuration = FNOConfiguration()
    configuration.liftingChannels = Int(o["--lifting"] ?? "") ?? 0
    let model = FNOModel(configuration, normalize: o["--normalize"] != "false", seed: 0)
    reportOperatorTraining("fno_burgers", epochs: training.epochs, settings: "train=\(train) test=\(test) resolution=\(resolution) lifting=\(configuration.liftingChannels)",
                           fit: { _ = model.fit(inputs: a.selectRows(trainRows), outputs: u.selectRows(trainRows), options: training, progress: $0) },
                           testError: { OperatorLoss.relativeL2(model.predict(a.selectRows(testRows)), u.selectRows(testRows)).scalar })
}

/// FNO on 2-D Darcy flow (the paper's setting at 85 × 85: 1000/100 pairs, 12 modes, width 32).
func runFNODarcy(options o: [String: String]) {
    let train = Int(o["--train"] ?? "") ?? 1000, test = Int(o["--test"] ?? "") ?? 100
    let resolution = Int(o["--resolution"] ?? "") ?? 85
    let training = operatorTrainingFlags(o, defaults: OperatorTrainingOptions())
    let data = operatorData("darcy_\(resolution)", directory: o["--data"],
                            shapes: [[train + test, 1, resolution, resolution], [train + test, 1, resolution, resolution]]) {
        let d = DarcyFlowData().generate(count: train + test, resolution: resolution, seed: 2021)
        return [d.coefficient, d.solution]
    }
    let (a, u) = (data[0], data[1])
    var configuration = FNOConfiguration()
    configuration.modes = [12, 12]; configuration.width = 32
    configuration.padding = Int(o["--padding"] ?? "") ?? 0
    configuration.liftingChannels = Int(o["--lifting"] ?? "") ?? 0
    let trainRows = Array(0..<train), testRows = Array(train..<(train + test))
    let model = FNOModel(configuration, seed: 0)
    reportOperatorTraining("fno_darcy", epochs: training.epochs,
                           settings: "train=\(train) test=\(test) resolution=\(resolution) padding=\(configuration.padding) lifting=\(configuration.liftingChannels)",
                           fit: { _ = model.fit(inputs: a.selectRows(trainRows), outputs: u.selectRows(trainRows), options: training, progress: $0) },
                           testError: { OperatorLoss.relativeL2(model.predict(a.selectRows(testRows)), u.selectRows(testRows)).scalar })
}

/// DeepONet on the antiderivative operator (the paper's: 10,000 (u, y, s) triplets, 100 sensors,
/// branch [100, 40, 40], trunk [1, 40, 40]); test MSE on 100,000 triplets.
func runDeepONetAntiderivative(options o: [String: String]) {
    let train = Int(o["--train"] ?? "") ?? 10_000, test = Int(o["--test"] ?? "") ?? 100_000
    var defaults = OperatorTrainingOptions()
    defaults.epochs = 50_000; defaults.batchSize = train; defaults.weightDecay = 0; defaults.stepGamma = 1; defaults.loss = .mse
    let training = operatorTrainingFlags(o, defaults: defaults)
    let generator = AntiderivativeData()
    let data = operatorData("antiderivative", directory: o["--data"],
                            shapes: [[train + test, 100], [train + test, 1], [train + test]]) {
        let d = generator.unaligned(count: train + test, seed: 2021)
        return [d.u, d.y, d.s]
    }
    let trainRows = Array(0..<train), testRows = Array(train..<(train + test))
    let model = DeepONetModel(DeepONetConfiguration(), seed: 0)
    let (u, y, s) = (data[0], data[1], data[2])
    reportOperatorTraining("deeponet_antiderivative", epochs: training.epochs, settings: "train=\(train) test=\(test)",
                           fit: { _ = model.fit(.pointwise(u: u.selectRows(trainRows), y: y.selectRows(trainRows), s: s.selectRows(trainRows)),
                                                options: training, progress: $0) },
                           testError: { OperatorLoss.mse(model.predictPointwise(u.selectRows(testRows), at: y.selectRows(testRows)),
                                                         s.selectRows(testRows)).scalar })
}
