/// A dense, row-major tensor of `Double`s with an explicit shape.
///
/// Tensors are values: every op returns a new, contiguous tensor (views such as transposes and slices
/// are materialized), so kernels always see one contiguous buffer. A tensor that takes part in
/// differentiation carries a `Node` recording how it was made; see `Autodiff.swift`.
public struct Tensor {
    /// Extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public internal(set) var scalars: ScalarBuffer
    /// The autodiff record, or `nil` for a constant.
    var node: Node?

    init(shape: [Int], scalars: ScalarBuffer, node: Node?) {
        self.shape = shape
        self.scalars = scalars
        self.node = node
    }

    /// A constant tensor. `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: ScalarBuffer) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(scalars.count == shape.reduce(1, *),
                     "\(scalars.count) scalars do not fill shape \(shape)")
        self.init(shape: shape, scalars: scalars, node: nil)
    }

    public init(shape: [Int], scalars: [Double]) { self.init(shape: shape, scalars: ScalarBuffer(scalars)) }

    /// A rank-0 tensor.
    public init(_ value: Double) { self.init(shape: [], scalars: [value], node: nil) }

    /// A rank-1 tensor.
    public init(_ values: [Double]) { self.init(shape: [values.count], scalars: ScalarBuffer(values), node: nil) }

    /// A rank-2 tensor from rows of equal length.
    public init(rows: [[Double]]) {
        let n = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == n }, "rows of unequal length")
        self.init(shape: [rows.count, n], scalars: ScalarBuffer(rows.flatMap { $0 }), node: nil)
    }

    public static func zeros(_ shape: [Int]) -> Tensor { filled(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { filled(shape, 1) }
    public static func filled(_ shape: [Int], _ value: Double) -> Tensor {
        Tensor(shape: shape, scalars: ScalarBuffer(repeating: value, count: shape.reduce(1, *)))
    }

    /// `n` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, count n: Int) -> Tensor {
        let step = n > 1 ? (end - start) / Double(n - 1) : 0
        return Tensor((0..<n).map { i in i == n - 1 && n > 1 ? end : start + Double(i) * step })
    }

    /// The `n × n` identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        var s = [Double](repeating: 0, count: n * n)
        for i in 0..<n { s[i * n + i] = 1 }
        return Tensor(shape: [n, n], scalars: s)
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }
    /// The single element of a one-element tensor.
    public var scalar: Double {
        precondition(scalars.count == 1, "scalar of a tensor with shape \(shape)")
        return scalars[0]
    }

    /// Whether gradients flow to or through this tensor.
    public var requiresGrad: Bool { node != nil }

    /// The same values as a new leaf that gradients can be taken with respect to.
    public func requiringGrad() -> Tensor {
        Tensor(shape: shape, scalars: scalars, node: Node(leafOf: shape))
    }

    /// The same values, cut from the graph.
    public func detached() -> Tensor { Tensor(shape: shape, scalars: scalars, node: nil) }

    /// Replaces the values of a leaf in place, keeping its identity for `gradients(of:wrt:)`.
    /// Used by optimizers; the shape must not change.
    public mutating func assignValues(_ values: ScalarBuffer) {
        precondition(values.count == scalars.count, "assignValues: count mismatch")
        scalars = values
    }

    public mutating func assignValues<S: Sequence>(_ values: S) where S.Element == Double {
        assignValues(ScalarBuffer(values))
    }

    /// Calls `body` with mutable access to the elements, keeping the tensor's identity.
    public mutating func withMutableScalars<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body(&$0) }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        "Tensor(shape: \(shape), scalars: \(scalars.count <= 16 ? "\(scalars.array)" : "\(Array(scalars.prefix(16))) …"))"
    }
}

/// Number of elements of a shape.
@inline(__always) func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

/// Row-major strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}

/// Allocates `n` doubles and lets `body` initialize every one of them.
@inline(__always)
func makeScalars(_ n: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) -> ScalarBuffer {
    ScalarBuffer(count: n, initialize: body)
}
