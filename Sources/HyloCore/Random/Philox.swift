import Glibc

/// Philox-4×32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
/// counter-based generator. Block `i` of stream `s` under key `seed` is a pure function of
/// `(seed, s, i)`, so work split over any number of threads draws the same numbers when each
/// item uses its own stream.
public struct Philox: Sendable {
    public let seed: UInt64
    public let stream: UInt64
    /// Index of the next 128-bit block.
    public private(set) var block: UInt64 = 0
    private var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var used = 4
    private var spareNormal: Double?

    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
    }

    /// The 128-bit output block for a counter and key.
    static func philox(_ c: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = c
        var (k0, k1) = key
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
            let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
            c0 = n0; c1 = UInt32(truncatingIfNeeded: p1); c2 = n2; c3 = UInt32(truncatingIfNeeded: p0)
            k0 = k0 &+ 0x9E37_79B9; k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    public mutating func nextUInt32() -> UInt32 {
        if used == 4 {
            buffer = Philox.philox(
                (UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32),
                 UInt32(truncatingIfNeeded: stream), UInt32(truncatingIfNeeded: stream >> 32)),
                key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            block &+= 1
            used = 0
        }
        defer { used += 1 }
        switch used {
        case 0: return buffer.0
        case 1: return buffer.1
        case 2: return buffer.2
        default: return buffer.3
        }
    }

    public mutating func nextUInt64() -> UInt64 { UInt64(nextUInt32()) << 32 | UInt64(nextUInt32()) }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(nextUInt64() >> 11) * 0x1p-53 }

    /// Uniform on (0, 1): never exactly 0, safe for logarithms.
    public mutating func uniformOpen() -> Double { (Double(nextUInt64() >> 12) + 0.5) * 0x1p-52 }

    /// Standard normal by the Box–Muller transform (both variates used).
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        let u1 = uniformOpen(), u2 = uniform()
        let r = Glibc.sqrt(-2 * Glibc.log(u1)), a = 2 * Double.pi * u2
        spareNormal = r * Glibc.sin(a)
        return r * Glibc.cos(a)
    }

    /// An integer uniform on `0..<n` (Lemire's nearly-divisionless method, unbiased).
    public mutating func integer(below n: Int) -> Int {
        precondition(n > 0, "integer(below:) needs n > 0")
        let bound = UInt64(n)
        var m = nextUInt64().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = nextUInt64().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// An index drawn with probability proportional to `weights` (non-negative, positive sum).
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "categorical needs a positive total weight")
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            u -= w
            if u < 0 { return i }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }

    /// Fisher–Yates shuffle of `0..<n`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, integer(below: i + 1)) } }
        return p
    }

    public mutating func uniform(_ shape: [Int], low: Double = 0, high: Double = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in low + (high - low) * uniform() })
    }

    public mutating func normal(_ shape: [Int], mean: Double = 0, std: Double = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in mean + std * normal() })
    }
}
