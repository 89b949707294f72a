import HyloCore
import HyloNN

/// Trains NPE on simulations whose θ came from proposals other than the prior, by the atomic loss
/// of automatic posterior transformation (APT, Greenberg et al. 2019; sbi's SNPE-C).
///
/// For each pair (θᵢ, xᵢ) of a batch, `atoms` − 1 other θ of the batch are drawn without
/// replacement as contrasting atoms; with logits ℓⱼ = log q(θⱼ | xᵢ) − log p(θⱼ), the loss is
/// −(ℓᵢ − log Σⱼ exp ℓⱼ) over the atoms. Its minimizer is the true posterior whatever mixture of
/// proposals the θ were drawn from (the proposal terms cancel in the ratio), so plain maximum
/// likelihood — which would learn a posterior under the proposal as prior — is not used.
func trainByAtomicLoss(_ flow: ConditionalFlow, prior: Prior, theta: Tensor, x: Tensor, atoms: Int, settings: TrainingConfiguration,
                       progress: (EpochReport) -> Bool) throws -> TrainingResult {
    var rng = Philox(seed: settings.seed, stream: 0x61_746f_6d73)
    let result = HyloNN.train(flow.parameters, count: theta.shape[0], configuration: settings,
                              optimizer: Adam(learningRate: settings.learningRate), loss: { batch in
        let b = batch.count, k = Swift.min(atoms, b)
        var rows: [Int] = [], contexts: [Int] = []
        rows.reserveCapacity(b * k)
        contexts.reserveCapacity(b * k)
        var others = Array(0..<Swift.max(b - 1, 0))
        for (i, row) in batch.enumerated() {
            rows.append(row)
            // A partial Fisher–Yates shuffle of the batch positions other than i.
            for j in 0..<(k - 1) {
                let pick = j + rng.integer(below: b - 1 - j)
                others.swapAt(j, pick)
                let position = others[j] < i ? others[j] : others[j] + 1
                rows.append(batch[position])
            }
            contexts.append(contentsOf: repeatElement(row, count: k))
        }
        let atomsTheta = theta.selectRows(rows)
        let logPrior = withoutGradients { prior.logProb(atomsTheta) }
        let logits = (flow.logProb(atomsTheta, context: x.selectRows(contexts)) - logPrior).reshaped([b, k])
        return -(logits.slice(axis: 1, start: 0, end: 1).reshaped([b]) - logits.logSumExp(axis: 1)).mean()
    }, progress: progress)
    if result.reason == .nonFinite {
        throw InferenceError.numerical("the training loss became non-finite after \(result.epochs) epochs")
    }
    return result
}
