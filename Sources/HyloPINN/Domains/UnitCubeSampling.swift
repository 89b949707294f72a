import HyloCore

/// How points are drawn in the unit cube before being mapped into a domain.
public enum SamplingMethod: String, Codable, CaseIterable, Sendable {
    /// Independent uniform draws.
    case uniform
    /// Latin hypercube: each coordinate's n strata hold exactly one point, strata paired at random.
    case latinHypercube = "lhs"
    /// A Sobol sequence (Joe & Kuo 2008 direction numbers) with a random digital shift, so every
    /// 2^m-point prefix stays a (t, m, d)-net while the seed changes the points.
    case sobol

    /// `n` points of `[0, 1)^d`, row-major `[n, d]`.
    public func unitCube(_ n: Int, dimension d: Int, rng: inout Philox) -> [Double] {
        switch self {
        case .uniform:
            return (0..<(n * d)).map { _ in rng.uniform() }
        case .latinHypercube:
            var out = [Double](repeating: 0, count: n * d)
            for k in 0..<d {
                let strata = rng.permutation(n)
                for i in 0..<n { out[i * d + k] = (Double(strata[i]) + rng.uniform()) / Double(n) }
            }
            return out
        case .sobol:
            let shift = (0..<d).map { _ in UInt32(truncatingIfNeeded: rng.nextUInt32()) }
            var sequence = SobolSequence(dimension: d)
            var out = [Double](repeating: 0, count: n * d)
            for i in 0..<n {
                let x = sequence.next()
                for k in 0..<d { out[i * d + k] = Double(x[k] ^ shift[k]) * 0x1p-32 }
            }
            return out
        }
    }
}

/// The unscrambled Sobol sequence in up to `SobolSequence.maxDimension` dimensions, generated in
/// Gray-code order (Antonov & Saleev), starting with the origin as SciPy's `qmc.Sobol`.
struct SobolSequence {
    /// Joe & Kuo's primitive-polynomial degree s, coefficients a and initial direction integers m
    /// for dimensions 2…10 (`new-joe-kuo-6.21201`); dimension 1 is the van der Corput sequence.
    static let parameters: [(s: Int, a: UInt32, m: [UInt32])] = [
        (1, 0, [1]), (2, 1, [1, 3]), (3, 1, [1, 3, 1]), (3, 2, [1, 1, 1]), (4, 1, [1, 1, 3, 3]),
        (4, 4, [1, 3, 5, 13]), (5, 2, [1, 1, 5, 5, 17]), (5, 4, [1, 1, 5, 5, 5]), (5, 7, [1, 1, 7, 11, 19]),
    ]
    static let maxDimension = parameters.count + 1
    static let bits = 32

    /// Direction integers `v[k][b]`, left-aligned in 32 bits.
    let directions: [[UInt32]]
    var state: [UInt32]
    var index: UInt32 = 0

    init(dimension d: Int) {
        precondition((1...SobolSequence.maxDimension).contains(d), "Sobol points in \(d) dimensions")
        var v = [(0..<SobolSequence.bits).map { UInt32(1) << (31 - $0) }]
        for (s, a, m) in SobolSequence.parameters.prefix(d - 1) {
            var w = [UInt32](repeating: 0, count: SobolSequence.bits)
            for b in 0..<SobolSequence.bits {
                if b < s { w[b] = m[b] << (31 - b); continue }
                var x = w[b - s] ^ (w[b - s] >> s)
                for i in 1..<s where (a >> (s - 1 - i)) & 1 == 1 { x ^= w[b - i] }
                w[b] = x
            }
            v.append(w)
        }
        directions = v
        state = [UInt32](repeating: 0, count: d)
    }

    /// The next point as 32-bit fractions.
    mutating func next() -> [UInt32] {
        let point = state
        let c = (~index).trailingZeroBitCount  // position of the lowest zero bit of the index
        if c < SobolSequence.bits {
            for k in 0..<state.count { state[k] ^= directions[k][c] }
        }
        index &+= 1
        return point
    }
}
