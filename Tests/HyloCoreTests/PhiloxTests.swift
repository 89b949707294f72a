import Testing
@testable import HyloCore

@Suite struct PhiloxTests {
    @Test func knownAnswer() {
        // Random123's published known-answer vectors for philox4x32-10.
        let zero = Philox.philox((0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox.philox((0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), key: (0xffff_ffff, 0xffff_ffff))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
    }

    @Test func streamsAreReproducibleAndDistinct() {
        var a = Philox(seed: 42, stream: 3), b = Philox(seed: 42, stream: 3), c = Philox(seed: 42, stream: 4)
        let xa = (0..<10).map { _ in a.uniform() }, xb = (0..<10).map { _ in b.uniform() }
        let xc = (0..<10).map { _ in c.uniform() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func normalMoments() {
        var r = Philox(seed: 1)
        let n = 200_000
        let z = (0..<n).map { _ in r.normal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
    }

    @Test func categoricalFrequencies() {
        var r = Philox(seed: 2)
        var counts = [0, 0, 0]
        for _ in 0..<60_000 { counts[r.categorical([1, 2, 3])] += 1 }
        #expect(abs(Double(counts[0]) / 60_000 - 1.0 / 6) < 0.01)
        #expect(abs(Double(counts[2]) / 60_000 - 0.5) < 0.01)
    }

    @Test func integersAreInRangeAndPermutationsComplete() {
        var r = Philox(seed: 3)
        #expect((0..<1000).allSatisfy { _ in (0..<7).contains(r.integer(below: 7)) })
        #expect(r.permutation(50).sorted() == Array(0..<50))
    }
}
