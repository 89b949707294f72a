/// Cumulative sums, sorting and sorted search (the pieces spline flows need).
extension Tensor {
    /// Running sum along `axis`; `reverse` sums from the end. The adjoint of a forward cumulative
    /// sum is the reverse one.
    public func cumulativeSum(axis: Int, reverse: Bool = false) -> Tensor {
        let ax = axisIndex(axis)
        let (outer, len, inner) = split(at: ax)
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(count) { o in
                for i in 0..<outer { for k in 0..<inner {
                    var acc = 0.0
                    for t in 0..<len {
                        let j = reverse ? len - 1 - t : t
                        let at = (i * len + j) * inner + k
                        acc += p[at]; o[at] = acc
                    }
                } }
            }
        }
        return Tensor.record(out, shape: shape, inputs: [self]) { g, _ in
            [g.cumulativeSum(axis: ax, reverse: !reverse)]
        }
    }

    /// Values sorted ascending along the last axis (stable), and where each came from. The values
    /// are differentiable (a gather).
    public func sorted() -> (values: Tensor, indices: IndexTensor) {
        precondition(rank >= 1, "sorted needs rank ≥ 1")
        let len = shape[rank - 1], rows = count / Swift.max(len, 1)
        var idx = [Int](repeating: 0, count: count)
        for r in 0..<rows {
            let base = r * len
            let order = (0..<len).sorted { a, b in
                let x = scalars[base + a], y = scalars[base + b]
                return x < y || (x == y && a < b)
            }
            for (j, o) in order.enumerated() { idx[base + j] = o }
        }
        let index = IndexTensor(shape: shape, indices: idx)
        return (gather(axis: -1, index: index), index)
    }

    /// For each value, the number of elements of the matching row of `self` (sorted ascending
    /// along its last axis) that are ≤ it when `right`, or < it otherwise — NumPy's
    /// `searchsorted(side:)`. `values` has the same leading shape as `self`; its last axis may
    /// differ. A rank-1 `self` serves every row of `values`.
    public func searchSorted(_ values: Tensor, right: Bool = false) -> IndexTensor {
        let len = shape[rank - 1]
        let m = values.shape.last ?? 1
        let rows = values.count / Swift.max(m, 1)
        precondition(rank == 1 || count / Swift.max(len, 1) == rows, "searchSorted: \(shape) vs \(values.shape)")
        var out = [Int](repeating: 0, count: values.count)
        for r in 0..<rows {
            let base = rank == 1 ? 0 : r * len
            for j in 0..<m {
                let v = values.scalars[r * m + j]
                var lo = 0, hi = len
                while lo < hi {
                    let mid = (lo + hi) / 2
                    let s = scalars[base + mid]
                    if right ? s <= v : s < v { lo = mid + 1 } else { hi = mid }
                }
                out[r * m + j] = lo
            }
        }
        return IndexTensor(shape: values.shape, indices: out)
    }
}
