import HyloCore
import HyloNN

/// Classifier two-sample test as sbibm computes it (`sbibm.metrics.c2st`): both sample sets are
/// z-scored with the mean and unbiased standard deviation of the reference `x`; reference rows are
/// labelled 0, the others 1; a multilayer perceptron like scikit-learn's `MLPClassifier` (ReLU, two
/// hidden layers of 10·dim units, Adam with learning rate 10⁻³, L2 penalty α = 10⁻⁴, batches of
/// 200, stopping when the training loss has not improved by 10⁻⁴ for 10 epochs) is scored by
/// shuffled 5-fold cross-validation; the mean held-out accuracy is returned. 0.5 means the samples
/// are indistinguishable, 1 fully separable.
public func c2st(reference x: Tensor, samples y: Tensor, seed: UInt64 = 1, folds: Int = 5, maxEpochs: Int = 10_000) -> Double {
    precondition(x.rank == 2 && y.rank == 2 && x.shape[1] == y.shape[1] && folds >= 2,
                 "c2st: sample sets \(x.shape) and \(y.shape) must have the same number of columns")
    let d = x.shape[1]
    let scaling = Standardization(fitting: x)
    let data = Tensor.concatenate([scaling.apply(x), scaling.apply(y)], axis: 0).detached()
    let labels = Tensor(shape: [data.shape[0], 1],
                        scalars: Array(repeating: 0, count: x.shape[0]) + Array(repeating: 1, count: y.shape[0]))
    var shuffle = Philox(seed: seed, stream: 0x6332_7374)
    let order = shuffle.permutation(data.shape[0])
    // The folds are independent fits, each with its own random stream: they run concurrently.
    var accuracies = [Double](repeating: 0, count: folds)
    accuracies.withUnsafeMutableBufferPointer { out in
        concurrently(folds) { k in
            var rng = Philox(seed: seed, stream: 0x6332_7374 + 1 + UInt64(k))
            let lo = order.count * k / folds, hi = order.count * (k + 1) / folds
            let test = Array(order[lo..<hi]), train = Array(order[..<lo] + order[hi...])
            let classifier = MLP(.init(widths: [d, 10 * d, 10 * d, 1], activation: .relu, initializer: .xavierUniform), rng: &rng)
            fitClassifier(classifier, data.selectRows(train), labels.selectRows(train), rng: &rng, maxEpochs: maxEpochs)
            let logits = withoutGradients { classifier(data.selectRows(test)) }
            let truth = labels.selectRows(test)
            let correct = zip(logits.scalars, truth.scalars).filter { ($0 > 0 ? 1.0 : 0.0) == $1 }.count
            out[k] = Double(correct) / Double(test.count)
        }
    }
    return accuracies.reduce(0, +) / Double(folds)
}

/// scikit-learn's MLPClassifier training (adam solver): binary cross-entropy plus
/// ½ α ‖W‖² / batch size on the weights (not the biases), stop after 10 epochs without a training
/// loss below the best minus 10⁻⁴.
func fitClassifier(_ net: MLP, _ x: Tensor, _ y: Tensor, rng: inout Philox, maxEpochs: Int) {
    let alpha = 1e-4, tolerance = 1e-4, patience = 10
    let n = x.shape[0], batch = Swift.min(200, n)
    let params = net.parameters
    let weights = net.namedParameters.filter { $0.name.hasSuffix("weight") }.map(\.parameter)
    let adam = Adam(learningRate: 1e-3)
    var best = Double.infinity, stale = 0
    for _ in 0..<maxEpochs {
        let perm = rng.permutation(n)
        var total = 0.0
        for start in stride(from: 0, to: n, by: batch) {
            let idx = Array(perm[start..<Swift.min(start + batch, n)])
            let logits = net(x.selectRows(idx)), target = y.selectRows(idx)
            // log-loss of sigmoid(logit): softplus(logit) − target · logit
            let bce = (logits.softplus() - target * logits).mean()
            let penalty = weights.map { $0.value.squared().sum() }.reduce(Tensor(0), +) * (0.5 * alpha / Double(idx.count))
            let loss = bce + penalty
            adam.step(params, gradients: gradients(of: loss, wrt: params.map(\.value)))
            total += loss.scalar * Double(idx.count)
        }
        let epochLoss = total / Double(n)
        if epochLoss > best - tolerance { stale += 1 } else { stale = 0 }
        best = Swift.min(best, epochLoss)
        if stale >= patience { break }
    }
}
