#if canImport(Glibc)
import Glibc
#endif

/// A value of type `Value` held separately by each thread, created on first use from `initial`.
///
/// Backed by a POSIX thread-specific key; the boxed value is released when its thread exits.
public final class ThreadLocal<Value>: @unchecked Sendable {
    private final class Box { var value: Value; init(_ v: Value) { value = v } }
    private var key = pthread_key_t()
    private let initial: () -> Value

    public init(_ initial: @escaping () -> Value) {
        self.initial = initial
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
        }
    }

    private var box: Box {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        }
        let b = Box(initial())
        pthread_setspecific(key, Unmanaged.passRetained(b as AnyObject).toOpaque())
        return b
    }

    public var value: Value {
        get { box.value }
        set { box.value = newValue }
    }
}
