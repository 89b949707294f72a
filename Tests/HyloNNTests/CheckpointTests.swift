import Glibc
import Testing
import FoundationEssentials
import HyloCore
@testable import HyloNN

@Suite struct CheckpointTests {
    func sample() -> Checkpoint {
        var rng = Philox(seed: 9)
        let t = Tensor(shape: [3], scalars: [.pi, -0.0, .leastNonzeroMagnitude])
        return Checkpoint(kind: "mlp", tensors: [("a.weight", rng.normal([4, 5])), ("a.bias", t), ("empty", Tensor.zeros([0, 3]))],
                          metadata: ["config": "{\"widths\":[1,2]}\n\"quoted\""])
    }

    @Test func roundTripIsBitExact() throws {
        let c = sample()
        let back = try Checkpoint.decode(c.encoded(), kind: "mlp")
        #expect(back == c)
        #expect(back["a.bias"]!.scalars[1].sign == .minus)
    }

    @Test func fileRoundTrip() throws {
        let path = "/tmp/hylo-checkpoint-test-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try sample().write(to: path)
        #expect(try Checkpoint.read(from: path) == sample())
    }

    @Test func headerIsStandardSafetensors() throws {
        let bytes = sample().encoded()
        let n = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect((8 + n) % 8 == 0)
        let json = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(json.contains("\"dtype\":\"F64\""))
        #expect(json.contains("\"format\":\"hylo\""))
    }

    @Test func truncatedFilesAreRejected() {
        let bytes = sample().encoded()
        for cut in [0, 5, 8, 40, bytes.count - 1] {
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(Array(bytes.prefix(cut))) }
        }
    }

    @Test func everyFlippedDataBitIsDetected() {
        let bytes = sample().encoded()
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        for i in stride(from: 8 + n, to: bytes.count, by: 7) {
            var b = bytes
            b[i] ^= 0x10
            #expect(throws: CheckpointError.self) { try Checkpoint.decode(b) }
        }
    }

    @Test func flippedHeaderBitsAreDetected() {
        let bytes = sample().encoded()
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        var detected = 0
        for i in 8..<(8 + n) {
            var b = bytes
            b[i] ^= 0x01
            if (try? Checkpoint.decode(b)) == nil { detected += 1 } else {
                // A flip that still decodes must decode to the same content (e.g. in padding spaces).
                #expect(try! Checkpoint.decode(b) == sample())
            }
        }
        #expect(detected > n / 2)
    }

    @Test func wrongMagicAndForeignFilesAreRejected() throws {
        #expect(throws: CheckpointError.self) { try Checkpoint.decode(Array("PK\u{3}\u{4} this is a zip".utf8)) }
        // A valid safetensors file from elsewhere.
        let json = "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}"
        var foreign: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { foreign.append(contentsOf: $0) }
        foreign += Array(json.utf8) + [UInt8](repeating: 0, count: 8)
        do { _ = try Checkpoint.decode(foreign); Issue.record("accepted a foreign file") } catch let e as CheckpointError {
            #expect(e.description.contains("not one written by Hylo"))
        }
        do { _ = try Checkpoint.decode(sample().encoded(), kind: "npe"); Issue.record("accepted the wrong kind") } catch let e as CheckpointError {
            #expect(e.description.contains("'mlp', not a 'npe'"))
        }
    }

    @Test func moduleStateRoundTrip() throws {
        var rng = Philox(seed: 10)
        let a = MLP(widths: [2, 5, 1], rng: &rng), b = MLP(widths: [2, 5, 1], rng: &rng)
        let ck = Checkpoint(kind: "mlp", tensors: a.stateDict())
        try b.loadStateDict(Dictionary(uniqueKeysWithValues: try Checkpoint.decode(ck.encoded()).tensors.map { ($0.name, $0.tensor) }))
        let x = rng.normal([3, 2])
        #expect(a(x).scalars == b(x).scalars)
        #expect(throws: ModuleError.self) { try b.loadStateDict([:]) }
    }
}

@Suite struct NPYTests {
    @Test func roundTripAndAlignment() throws {
        var rng = Philox(seed: 1)
        let t = rng.normal([5, 3])
        let bytes = NPY.encode(t)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        #expect(try NPY.decode(bytes).scalars == t.scalars)
    }

    @Test func rejectsForeignAndTruncatedFiles() {
        #expect(throws: NPY.Failure.self) { try NPY.decode(Array("PK\u{3}\u{4}zip".utf8)) }
        let bytes = NPY.encode(Tensor.ones([4, 2]))
        #expect(throws: NPY.Failure.self) { try NPY.decode(Array(bytes.dropLast(1))) }
        #expect(throws: NPY.Failure.self) { try NPY.decode(Array(bytes.prefix(20))) }
    }
}
