import HyloCore

/// (Σ w)² / Σ w².
func effectiveSampleSize(_ w: [Double]) -> Double {
    let (s, s2) = w.reduce((0.0, 0.0)) { ($0.0 + $1, $0.1 + $1 * $1) }
    return s2 > 0 ? s * s / s2 : 0
}

/// Draws indices with probabilities ∝ weights by binary search in the cumulative sums.
struct WeightedDraw {
    let cumulative: [Double]

    init(_ weights: [Double]) {
        var total = 0.0
        cumulative = weights.map { total += Swift.max($0, 0); return total }
    }

    func draw(_ n: Int, rng: inout Philox) -> [Int] {
        let total = cumulative.last ?? 0
        return (0..<n).map { _ in
            let u = rng.uniform() * total
            var (lo, hi) = (0, cumulative.count - 1)
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
    }
}
