import Glibc
import HyloCore

extension Philox {
    /// A draw from Binomial(n, p) by inversion of the CDF, walking up from k = 0 with the ratio
    /// P(k + 1) / P(k) = (n − k) p / ((k + 1)(1 − p)). Exact; O(n·min(p, 1 − p)) work. Draws with
    /// p > ½ use n − Binomial(n, 1 − p), so that P(0) = (1 − p)ⁿ ≥ 2⁻ⁿ stays a normal double for
    /// n ≤ 1000 (the sbibm tasks use n = 1000).
    mutating func binomial(_ n: Int, _ p: Double) -> Int {
        precondition(n >= 0 && n <= 1000, "binomial inversion is exact for n ≤ 1000")
        if p <= 0 { return 0 }
        if p >= 1 { return n }
        if p > 0.5 { return n - binomial(n, 1 - p) }
        let odds = p / (1 - p)
        var probability = Glibc.pow(1 - p, Double(n)), cumulative = probability
        let u = uniform()
        var k = 0
        while u > cumulative && k < n {
            probability *= Double(n - k) / Double(k + 1) * odds
            cumulative += probability
            k += 1
        }
        return k
    }
}
