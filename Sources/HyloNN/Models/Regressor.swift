import FoundationEssentials
import Glibc
import HyloCore

/// An MLP fitted to (x, y) pairs with standardized inputs and outputs — a surrogate model.
public final class Regressor: Module {
    public enum OptimizerChoice: String, CaseIterable, Sendable { case adam, adamw, sgd, lbfgs }

    public struct TrainingSettings: Sendable {
        public var optimizer = OptimizerChoice.adam
        public var loop: TrainingConfiguration = {
            var c = TrainingConfiguration()
            c.learningRate = 1e-3; c.batchSize = 128; c.clipNorm = nil
            return c
        }()
        public var weightDecay = 0.0
        public var momentum = 0.9
        public var gradientTolerance = 1e-9
        public var standardize = true
        public init() {}
    }

    /// How the last training ended.
    public struct Outcome: Sendable {
        public var iterations: Int
        public var bestLoss: Double
        public var reason: String
        public var cancelled: Bool
    }

    public let network: MLP
    public let inputs: Int, outputs: Int
    /// Standardization: x̃ = (x − μₓ) / σₓ, ỹ = (y − μ_y) / σ_y.
    public private(set) var xMean: Tensor, xStd: Tensor, yMean: Tensor, yStd: Tensor
    public private(set) var outcome: Outcome?

    public init(inputs: Int, outputs: Int, hidden: [Int], activation: Activation = .tanh, residual: Bool = false,
                layerNorm: Bool = false, initializer: Initializer? = nil, seed: UInt64 = 0) {
        var rng = Philox(seed: seed, stream: 1)
        network = MLP(.init(widths: [inputs] + hidden + [outputs], activation: activation, residual: residual,
                            layerNorm: layerNorm, initializer: initializer), rng: &rng)
        self.inputs = inputs; self.outputs = outputs
        xMean = .zeros([inputs]); xStd = .ones([inputs]); yMean = .zeros([outputs]); yStd = .ones([outputs])
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { collect([("network", network)]) }

    /// Predictions in the units of y for x of shape `[n, inputs]`.
    public func predict(_ x: Tensor) -> Tensor {
        withoutGradients { forward(x) }
    }

    func forward(_ x: Tensor) -> Tensor { network((x - xMean) / xStd) * yStd + yMean }

    /// `[n, outputs, inputs]` Jacobians of the predictions.
    public func jacobian(_ x: Tensor) -> Tensor {
        let leaf = x.detached().requiringGrad()
        let y = forward(leaf)
        let rows = (0..<outputs).map { i in
            gradients(of: y.slice(axis: 1, start: i, end: i + 1).sum(), wrt: [leaf])[0].detached()
        }
        return Tensor.stack(rows, axis: 1)
    }

    /// Fits the network to `x` (`[n, inputs]`) and `y` (`[n, outputs]`). `progress(done, total,
    /// loss)` returning `false` cancels.
    @discardableResult
    public func train(x: Tensor, y: Tensor, settings s: TrainingSettings,
                      progress: (Int, Int, Double) -> Bool = { _, _, _ in true }) -> Outcome {
        if s.standardize { (xMean, xStd) = Regressor.moments(x); (yMean, yStd) = Regressor.moments(y) }
        let xs = (x - xMean) / xStd, ys = (y - yMean) / yStd
        let n = x.shape[0]
        let result: Outcome
        switch s.optimizer {
        case .lbfgs:
            var solver = LBFGS(maxIterations: s.loop.maxEpochs, gradientTolerance: s.gradientTolerance)
            solver.functionTolerance = 1e-15
            let r = solver.minimize(parameters, loss: { (self.network(xs) - ys).squared().mean() },
                                    progress: { i, f in progress(i, s.loop.maxEpochs, f) })
            result = Outcome(iterations: r.iterations, bestLoss: r.value, reason: r.reason.rawValue, cancelled: r.reason == .cancelled)
        default:
            let optimizer: Optimizer
            switch s.optimizer {
            case .sgd: optimizer = SGD(learningRate: s.loop.learningRate, momentum: s.momentum, weightDecay: s.weightDecay)
            case .adamw: optimizer = Adam.adamW(learningRate: s.loop.learningRate, weightDecay: s.weightDecay)
            default: optimizer = Adam(learningRate: s.loop.learningRate, weightDecay: s.weightDecay)
            }
            let r = HyloNN.train(parameters, count: n, configuration: s.loop, optimizer: optimizer, loss: { idx in
                (self.network(xs.selectRows(idx)) - ys.selectRows(idx)).squared().mean()
            }, progress: { report in progress(report.epoch, report.maxEpochs, report.validationLoss) })
            result = Outcome(iterations: r.epochs, bestLoss: r.bestValidationLoss, reason: r.reason.rawValue, cancelled: r.reason == .cancelled)
        }
        outcome = result
        return result
    }

    /// Column means and standard deviations (population), with σ = 1 for constant columns.
    static func moments(_ x: Tensor) -> (Tensor, Tensor) {
        let mean = x.mean(axis: 0)
        let std = (x - mean).squared().mean(axis: 0).sqrt()
        return (mean.detached(), Tensor(shape: std.shape, scalars: std.scalars.map { $0 > 1e-12 ? $0 : 1 }))
    }

    // MARK: files

    public static let checkpointKind = "mlp_regressor"

    public func checkpoint() -> Checkpoint {
        let c = network.configuration
        let config: [String: String] = [
            "inputs": String(inputs), "outputs": String(outputs),
            "hidden": c.widths.dropFirst().dropLast().map(String.init).joined(separator: ","),
            "activation": c.activation.rawValue, "residual": c.residual ? "1" : "0",
            "layer_norm": c.layerNorm ? "1" : "0", "initializer": c.initializer?.rawValue ?? "",
        ]
        return Checkpoint(kind: Regressor.checkpointKind,
                          tensors: stateDict() + [("x_mean", xMean), ("x_std", xStd), ("y_mean", yMean), ("y_std", yStd)],
                          metadata: config)
    }

    public convenience init(checkpoint ck: Checkpoint) throws {
        func field(_ k: String) throws -> String {
            guard let v = ck.metadata[k] else { throw CheckpointError.inconsistent("metadata '\(k)' is missing") }
            return v
        }
        guard let inputs = Int(try field("inputs")), let outputs = Int(try field("outputs")), inputs > 0, outputs > 0,
              let activation = Activation(rawValue: try field("activation")) else {
            throw CheckpointError.inconsistent("the network's sizes or activation are invalid")
        }
        let hiddenText = try field("hidden")
        let hidden = hiddenText.isEmpty ? [] : hiddenText.split(separator: ",").compactMap { Int($0) }
        guard hidden.allSatisfy({ $0 > 0 && $0 <= 65536 }), hidden.count <= 64 else {
            throw CheckpointError.inconsistent("hidden widths '\(hiddenText)' are invalid")
        }
        let residual = try field("residual") == "1"
        guard !residual || Set(hidden).count <= 1 else { throw CheckpointError.inconsistent("residual network with unequal widths") }
        self.init(inputs: inputs, outputs: outputs, hidden: hidden, activation: activation, residual: residual,
                  layerNorm: try field("layer_norm") == "1", initializer: Initializer(rawValue: try field("initializer")))
        let values = Dictionary(ck.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        do { try loadStateDict(values) } catch { throw CheckpointError.inconsistent("\(error)") }
        for (name, n) in [("x_mean", inputs), ("x_std", inputs), ("y_mean", outputs), ("y_std", outputs)] {
            guard let t = values[name], t.shape == [n] else { throw CheckpointError.inconsistent("'\(name)' is missing or not of shape [\(n)]") }
        }
        xMean = values["x_mean"]!; xStd = values["x_std"]!; yMean = values["y_mean"]!; yStd = values["y_std"]!
    }
}
