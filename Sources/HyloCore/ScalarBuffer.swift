import Glibc

/// The elements of a tensor: a copy-on-write buffer of `Double`s whose memory comes from a
/// per-thread pool.
///
/// Training loops allocate and free the same few buffer sizes at every step. Through `malloc`,
/// buffers of a few hundred kilobytes are mapped and unmapped, or trimmed from the heap, each time,
/// and the page faults cost as much as the arithmetic. The pool keeps recently freed buffers of
/// 1024 elements and more per size (at most 64 per size and 2 GiB per thread) for reuse.
public struct ScalarBuffer: RandomAccessCollection, MutableCollection, Equatable, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    final class Storage {
        let base: UnsafeMutablePointer<Double>
        let count: Int
        init(count: Int) {
            self.count = count
            base = BufferPool.allocate(count)
        }
        deinit { BufferPool.release(base, count: count) }
    }

    var storage: Storage

    /// A buffer of `count` elements that `initialize` must fill completely.
    init(count: Int, initialize: (UnsafeMutablePointer<Double>) -> Void) {
        storage = Storage(count: count)
        if count > 0 { initialize(storage.base) }
    }

    public init(repeating value: Double, count: Int) {
        self.init(count: count) { $0.update(repeating: value, count: count) }
    }

    public init(_ values: [Double]) {
        self.init(count: values.count) { dst in values.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: $0.count) } }
    }

    public init<S: Sequence>(_ values: S) where S.Element == Double { self.init(Array(values)) }

    public init(arrayLiteral values: Double...) { self.init(values) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public var count: Int { storage.count }

    public subscript(i: Int) -> Double {
        get {
            precondition(i >= 0 && i < storage.count, "index \(i) out of range 0..<\(storage.count)")
            return storage.base[i]
        }
        set {
            precondition(i >= 0 && i < storage.count, "index \(i) out of range 0..<\(storage.count)")
            makeUnique()
            storage.base[i] = newValue
        }
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            let old = storage
            storage = Storage(count: old.count)
            storage.base.update(from: old.base, count: old.count)
        }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(start: storage.base, count: storage.count)) }
    }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        makeUnique()
        var buffer = UnsafeMutableBufferPointer(start: storage.base, count: storage.count)
        return try withExtendedLifetime(storage) { try body(&buffer) }
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
    }

    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body(UnsafeMutableRawBufferPointer($0)) }
    }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R? {
        try withUnsafeBufferPointer(body)
    }

    public static func == (a: ScalarBuffer, b: ScalarBuffer) -> Bool {
        a.count == b.count && (a.storage === b.storage || a.elementsEqual(b))
    }

    public var array: [Double] { withUnsafeBufferPointer { Array($0) } }
    public var description: String { array.description }
}

/// Per-thread caches of freed element buffers, by exact size.
enum BufferPool {
    static let minimumPooled = 1024
    static let maximumPerSize = 64
    /// An eighth of the physical memory, at most 2 GiB: enough to keep every activation of a
    /// 2-D neural operator's training step, whose buffers of tens of megabytes would otherwise be
    /// mapped, faulted in and unmapped again at every step.
    static let maximumBytes: Int = {
        let physical = sysconf(Int32(_SC_PHYS_PAGES)) * sysconf(Int32(_SC_PAGESIZE))
        return Swift.min(2 << 30, Swift.max(256 << 20, physical / 8))
    }()

    final class Cache {
        var free: [Int: [UnsafeMutablePointer<Double>]] = [:]
        var bytes = 0
        deinit { for list in free.values { for p in list { Glibc.free(p) } } }
    }

    static let cache = ThreadLocal { Cache() }

    static func allocate(_ count: Int) -> UnsafeMutablePointer<Double> {
        if count >= minimumPooled {
            let c = cache.value
            if let p = c.free[count]?.popLast() {
                c.bytes -= count * 8
                return p
            }
        }
        guard let raw = malloc(Swift.max(count, 1) * MemoryLayout<Double>.stride) else {
            fatalError("out of memory allocating \(count) doubles")
        }
        return raw.assumingMemoryBound(to: Double.self)
    }

    static func release(_ p: UnsafeMutablePointer<Double>, count: Int) {
        if count >= minimumPooled {
            let c = cache.value
            if c.bytes + count * 8 <= maximumBytes, (c.free[count]?.count ?? 0) < maximumPerSize {
                c.free[count, default: []].append(p)
                c.bytes += count * 8
                return
            }
        }
        free(p)
    }
}
