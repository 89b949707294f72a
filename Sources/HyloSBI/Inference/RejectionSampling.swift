import HyloCore

/// Rejection sampling: proposes batches of rows with `propose(m)` and keeps those `accept` marks,
/// until `n` are kept or `budget` rows have been proposed. Each batch is sized by the acceptance
/// rate seen so far (floored at `minimumRate`) with 10 % to spare, so that one batch usually
/// suffices: at least `batch.minimum` rows, at most `batch.maximum` and what is left of the
/// budget. The report's acceptance rate is the fraction of all proposals accepted,
/// kept or not.
func rejectionSample(_ n: Int, dimension d: Int, budget: Int, batch: (minimum: Int, maximum: Int), minimumRate: Double,
                     propose: (Int) -> Tensor, accept: (Tensor) -> [Bool]) -> (samples: Tensor, report: SamplingReport) {
    var kept: [Double] = []
    kept.reserveCapacity(n * d)
    var (accepted, proposed, inside) = (0, 0, 0)
    while accepted < n && proposed < budget {
        let rate = proposed == 0 ? 1 : Swift.max(Double(inside) / Double(proposed), minimumRate)
        let wanted = Int((Double(n - accepted) / rate * 1.1).rounded(.up))
        let m = Swift.min(batch.maximum, budget - proposed, Swift.max(wanted, batch.minimum))
        let draws = propose(m)
        proposed += m
        for (i, ok) in accept(draws).enumerated() where ok {
            inside += 1
            if accepted < n {
                kept.append(contentsOf: draws.scalars[(i * d)..<((i + 1) * d)])
                accepted += 1
            }
        }
    }
    let report = SamplingReport(status: accepted == n ? .complete : .budgetExhausted, accepted: accepted, proposed: proposed,
                                acceptanceRate: proposed == 0 ? 0 : Double(inside) / Double(proposed))
    return (Tensor(shape: [accepted, d], scalars: kept), report)
}
