/// The NumPy broadcast of two shapes: axes are aligned from the right, and an axis of extent 1
/// stretches to match. Returns `nil` when the shapes are incompatible.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
}

/// Strides that read a tensor of `shape` as if broadcast to `target` (0 on stretched axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let offset = target.count - shape.count
    let own = contiguousStrides(shape)
    return (0..<target.count).map { i in
        i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
}

/// A pointwise function of one value. Hot loops are generic over a kernel type rather than taking a
/// closure: a closure passed into a (parallel) loop was called per element, not inlined, which
/// cost several times the arithmetic.
protocol UnaryKernel { func callAsFunction(_ x: Double) -> Double }
/// A pointwise function of two values.
protocol BinaryKernel { func callAsFunction(_ x: Double, _ y: Double) -> Double }

struct Closure1: UnaryKernel {
    let f: (Double) -> Double
    @inline(__always) func callAsFunction(_ x: Double) -> Double { f(x) }
}
struct Closure2: BinaryKernel {
    let f: (Double, Double) -> Double
    @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { f(x, y) }
}
struct Add: BinaryKernel { @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x + y } }
struct Subtract: BinaryKernel { @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x - y } }
struct Multiply: BinaryKernel { @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x * y } }
struct Divide: BinaryKernel { @inline(__always) func callAsFunction(_ x: Double, _ y: Double) -> Double { x / y } }

/// Applies `op` elementwise to `a` and `b` broadcast to a common shape.
///
/// Same-shape and scalar operands take a flat (parallel) loop; otherwise the last axis is the
/// inner loop (stride 0 or 1 for each operand) and the outer axes are walked with an odometer.
func broadcastBinary(_ a: Tensor, _ b: Tensor, _ op: @escaping (Double, Double) -> Double) -> (scalars: ScalarBuffer, shape: [Int]) {
    broadcastBinary(a, b, Closure2(f: op))
}

func broadcastBinary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ op: K) -> (scalars: ScalarBuffer, shape: [Int]) {
    guard let shape = broadcastShape(a.shape, b.shape) else {
        preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
    }
    let n = elementCount(shape)
    let out = a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(n) { o in
                let x = pa.baseAddress!, y = pb.baseAddress!
                if a.shape == b.shape {
                    Parallel.forEachChunk(n, grain: 16384) { r in for i in r { o[i] = op(x[i], y[i]) } }
                } else if pb.count == 1 {
                    let s = y[0]
                    Parallel.forEachChunk(n, grain: 16384) { r in for i in r { o[i] = op(x[i], s) } }
                } else if pa.count == 1 {
                    let s = x[0]
                    Parallel.forEachChunk(n, grain: 16384) { r in for i in r { o[i] = op(s, y[i]) } }
                } else {
                    let sa = broadcastStrides(a.shape, to: shape)
                    let sb = broadcastStrides(b.shape, to: shape)
                    let rank = shape.count
                    let inner = shape[rank - 1]
                    let ia = sa[rank - 1], ib = sb[rank - 1]
                    var index = [Int](repeating: 0, count: rank)
                    var offA = 0, offB = 0, k = 0
                    while k < n {
                        for j in 0..<inner { o[k + j] = op(x[offA + j * ia], y[offB + j * ib]) }
                        k += inner
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            offA += sa[axis]; offB += sb[axis]
                            if index[axis] < shape[axis] { break }
                            offA -= sa[axis] * shape[axis]; offB -= sb[axis] * shape[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
    }
    return (out, shape)
}

/// Applies `op` to every element (in parallel for large tensors).
func mapScalars<K: UnaryKernel>(_ a: Tensor, _ op: K) -> ScalarBuffer {
    a.scalars.withUnsafeBufferPointer { p in
        makeScalars(p.count) { o in
            let x = p.baseAddress!
            Parallel.forEachChunk(p.count, grain: 16384) { r in for i in r { o[i] = op(x[i]) } }
        }
    }
}

func mapScalars(_ a: Tensor, _ op: @escaping (Double) -> Double) -> ScalarBuffer { mapScalars(a, Closure1(f: op)) }

/// Applies `op` to pairs of elements of two tensors of the same shape (in parallel when large).
func zipScalars<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ op: K) -> ScalarBuffer {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            makeScalars(pa.count) { o in
                let x = pa.baseAddress!, y = pb.baseAddress!
                Parallel.forEachChunk(pa.count, grain: 16384) { r in for i in r { o[i] = op(x[i], y[i]) } }
            }
        }
    }
}

func zipScalars(_ a: Tensor, _ b: Tensor, _ op: @escaping (Double, Double) -> Double) -> ScalarBuffer {
    zipScalars(a, b, Closure2(f: op))
}
