import Glibc
import HyloCore
import HyloNN

/// A mixture of posteriors p(θ | x) = Σₖ wₖ pₖ(θ | x) — an ensemble of estimators of any kind
/// (sbi's `EnsemblePosterior`), e.g. NPEs trained with different seeds or on resampled
/// simulations, which is less often overconfident than any one member.
///
/// Sampling draws how many samples each member gives from the weights (multinomially) and lets
/// each member sample its share with its own default method (or the one asked for) and the
/// settings' options, so the samples follow the mixture exactly. Densities mix the members': normalized for direct posteriors; for
/// posteriors known up to a constant (NLE, NRE) each member's potential enters as if normalized, as
/// in sbi.
public final class EnsemblePosterior: Posterior {
    public let members: [Posterior]
    /// Normalized mixture weights.
    public let weights: [Double]

    /// - Throws: `InferenceError.shape` when members differ in prior or observation dimension, or the
    ///   weights are not positive and finite.
    public init(members: [Posterior], weights: [Double]? = nil) throws {
        guard let first = members.first else { throw InferenceError.shape("an ensemble needs at least one member") }
        for (k, m) in members.enumerated()
        where m.prior.dimension != first.prior.dimension || m.observationDimension != first.observationDimension {
            throw InferenceError.shape("member \(k) has θ and x of dimensions (\(m.prior.dimension), \(m.observationDimension)); member 0 has (\(first.prior.dimension), \(first.observationDimension))")
        }
        let w = weights ?? [Double](repeating: 1, count: members.count)
        guard w.count == members.count, w.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw InferenceError.shape("an ensemble of \(members.count) members needs as many positive, finite weights; got \(w.count)")
        }
        let total = w.reduce(0, +)
        self.members = members
        self.weights = w.map { $0 / total }
    }

    public var prior: Prior { members[0].prior }
    public var observationDimension: Int { members[0].observationDimension }
    /// Whether every member is a direct posterior (then direct sampling is possible).
    public var isDirect: Bool { members.allSatisfy { $0 is DirectPosterior } }

    /// log Σₖ wₖ exp fₖ(θ), over the rows of θ.
    private func mix(_ f: (Posterior) -> Tensor) -> Tensor {
        let columns = zip(members, weights).map { m, w in f(m) + Glibc.log(w) }
        let n = columns[0].shape[0]
        return Tensor.stack(columns.map { $0.reshaped([n]) }, axis: 1).logSumExp(axis: 1)
    }

    public func potential(_ theta: Tensor, x: Tensor) -> Tensor { mix { $0.potential(theta, x: x) } }

    public func logProb(_ theta: Tensor, x: Tensor, rng: inout Philox) -> Tensor {
        var parts: [Tensor] = []
        for m in members { parts.append(m.logProb(theta, x: x, rng: &rng)) }
        var next = parts.makeIterator()
        return withoutGradients { mix { _ in next.next()! } }
    }

    public func importanceLogWeights(_ theta: Tensor, x: Tensor) -> [Double] {
        let n = theta.shape[0]
        let parts = members.map { Tensor(shape: [n], scalars: $0.importanceLogWeights(theta, x: x)) }
        var next = parts.makeIterator()
        return Array(withoutGradients { mix { _ in next.next()! } }.scalars)
    }

    /// How many of n draws each member gives.
    private func shares(_ n: Int, rng: inout Philox) -> [Int] {
        var counts = [Int](repeating: 0, count: members.count)
        for _ in 0..<n { counts[rng.categorical(weights)] += 1 }
        return counts
    }

    public func candidates(_ n: Int, x: Tensor, rng: inout Philox) -> Tensor {
        let counts = shares(n, rng: &rng)
        var parts: [Tensor] = []
        for (m, k) in zip(members, counts) where k > 0 { parts.append(m.candidates(k, x: x, rng: &rng)) }
        return Tensor.concatenate(parts, axis: 0)
    }

    public func sample(_ n: Int, x: Tensor, settings: SamplingSettings, rng: inout Philox,
                       progress: (_ done: Int, _ total: Int) -> Bool) throws -> (samples: Tensor, report: SamplingReport) {
        let counts = shares(n, rng: &rng)
        var parts: [Tensor] = []
        var report = SamplingReport(status: .complete, accepted: 0, proposed: 0, acceptanceRate: 0)
        var done = 0
        for (m, k) in zip(members, counts) where k > 0 {
            // Without a method, each member uses its own default with the settings' options.
            var own = settings
            if own.method == nil { own.method = m is DirectPosterior ? .direct : (m as? PotentialPosterior)?.defaultSampling.method }
            let (s, r) = try m.sample(k, x: x, settings: own, rng: &rng) { d, t in progress(done + d * k / Swift.max(t, 1), n) }
            done += k
            parts.append(s)
            report.accepted += r.accepted
            report.proposed += r.proposed
            report.acceptanceRate += r.acceptanceRate * Double(k) / Double(n)
            if r.status != .complete && report.status == .complete { report.status = r.status }
            if r.status == .cancelled { break }
        }
        // Members' shares interleaved at random, so any prefix is a sample of the mixture.
        let all = Tensor.concatenate(parts, axis: 0)
        return (all.selectRows(rng.permutation(all.shape[0])), report)
    }

    public func checkpoint() throws -> Checkpoint {
        var tensors: [(name: String, tensor: Tensor)] = []
        var metadata = ["posterior_type": "ensemble", "members": "\(members.count)",
                        "weights": weights.map { "\($0)" }.joined(separator: ",")]
        for (k, m) in members.enumerated() {
            let c = try m.checkpoint()
            tensors += c.tensors.map { ("member\(k).\($0.name)", $0.tensor) }
            for (key, value) in c.metadata { metadata["member\(k).\(key)"] = value }
        }
        return Checkpoint(kind: PosteriorFile.kind, tensors: tensors, metadata: metadata)
    }

    /// The ensemble stored by `checkpoint()`.
    static func load(_ ck: Checkpoint) throws -> EnsemblePosterior {
        guard let count = Int(ck.metadata["members"] ?? ""), (1...1000).contains(count) else {
            throw CheckpointError.inconsistent("metadata 'members' is missing or invalid")
        }
        let weights = (ck.metadata["weights"] ?? "").split(separator: ",").compactMap { Double($0) }
        guard weights.count == count else { throw CheckpointError.inconsistent("metadata 'weights' does not hold \(count) numbers") }
        let members = try (0..<count).map { k -> Posterior in
            let prefix = "member\(k)."
            let sub = Checkpoint(kind: ck.kind,
                                 tensors: ck.tensors.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) },
                                 metadata: Dictionary(uniqueKeysWithValues: ck.metadata.filter { $0.key.hasPrefix(prefix) }
                                     .map { (String($0.key.dropFirst(prefix.count)), $0.value) }))
            guard sub.metadata["posterior_type"] != "ensemble" else { throw CheckpointError.inconsistent("member \(k) is itself an ensemble") }
            return try PosteriorFile.load(sub)
        }
        do { return try EnsemblePosterior(members: members, weights: weights) } catch { throw CheckpointError.inconsistent("\(error)") }
    }
}
