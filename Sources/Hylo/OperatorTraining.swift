import CHylo
import HyloCore
import HyloNN
import HyloOperators

/// What the FNO and DeepONet entries share: training options, progress, checks.

/// Reads the training options shared by both operators, starting from `defaults`.
func operatorTrainingOptions(_ opts: OpaquePointer?, defaults: OperatorTrainingOptions) throws -> OperatorTrainingOptions {
    var o = OptionReader(try opts.map { try Handle.get($0, "opts", as: Options.self) })
    var t = defaults
    t.epochs = try o.int("epochs", default: t.epochs, in: 1...10_000_000)
    t.batchSize = try o.int("batch_size", default: t.batchSize, in: 1...(1 << 30))
    t.learningRate = try o.double("learning_rate", default: t.learningRate, in: 0...10, excludingLower: true)
    t.weightDecay = try o.double("weight_decay", default: t.weightDecay, in: 0...10)
    t.stepEvery = try o.int("step_every", default: t.stepEvery, in: 1...10_000_000)
    t.stepGamma = try o.double("step_gamma", default: t.stepGamma, in: 0...1, excludingLower: true)
    t.loss = OperatorLoss(rawValue: try o.choice("loss", default: t.loss.rawValue, from: OperatorLoss.allCases.map(\.rawValue))) ?? t.loss
    t.seed = UInt64(try o.int("seed", default: 0, in: 0...Int.max))
    try o.finish()
    return t
}

/// Runs `fit` with the C progress callback (stage "epoch") and turns its end into a status.
func trainOperator(_ progress: hylo_progress_fn?, _ progressData: UnsafeMutableRawPointer?,
                   _ fit: ((EpochReport) -> Bool) -> TrainingResult) throws {
    let result = fit { report in
        guard let progress else { return true }
        return progress("epoch", Int64(report.epoch), Int64(report.maxEpochs), report.trainingLoss, progressData) == 0
    }
    switch result.reason {
    case .cancelled: throw HyloError(HYLO_E_CANCELLED, "training was cancelled by the progress callback after \(result.epochs) epochs; the weights reached are kept")
    case .nonFinite: throw HyloError(HYLO_E_NUMERICAL, "the training loss became \(result.history.last?.trainingLoss ?? .nan) at epoch \(result.epochs); the weights of the best epoch are kept")
    default: return
    }
}

/// With the relative L2 loss every target sample must be non-zero.
func checkRelativeTargets(_ values: [Double], samples: Int, _ name: String) throws {
    let per = values.count / Swift.max(samples, 1)
    for i in 0..<samples where !values[(i * per)..<((i + 1) * per)].contains(where: { $0 != 0 }) {
        throw HyloError.invalid("\(name) sample \(i) is zero everywhere, so its relative L2 error is undefined; use \"loss\" = \"mse\"")
    }
}

/// Refuses work whose largest activation (`rows` × `widest`) would exceed 2^28 numbers (2 GiB).
func checkActivations(rows: Int, widest: Int, _ advice: String) throws {
    let (count, overflow) = rows.multipliedReportingOverflow(by: widest)
    guard !overflow, count <= 1 << 28 else {
        throw HyloError.invalid("an activation would hold \(UInt(bitPattern: rows)) × \(widest) numbers (more than 2^28); \(advice)")
    }
}
