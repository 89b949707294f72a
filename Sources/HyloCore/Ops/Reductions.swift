import Glibc

/// Reductions over one axis, a set of axes, or everything.
extension Tensor {
    /// Normalizes a possibly negative axis.
    func axisIndex(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// (outer, length, inner) extents around `axis`.
    func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Sum of all elements (a scalar).
    public func sum() -> Tensor {
        let total = scalars.withUnsafeBufferPointer { p in p.reduce(0, +) }
        return Tensor.record([total], shape: [], inputs: [self]) { g, _ in [g.expand(to: self.shape)] }
    }

    /// Sum over `axis`, keeping it with extent 1 when `keepDims`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = axisIndex(axis)
        let (outer, len, inner) = split(at: ax)
        var kept = shape; kept[ax] = 1
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(outer * inner) { o in
                let x = p.baseAddress!
                if inner == 1 {
                    // Contiguous rows: four partial sums break the dependency chain so the loop vectorizes.
                    for i in 0..<outer {
                        let row = x + i * len
                        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
                        var j = 0
                        while j + 4 <= len { s0 += row[j]; s1 += row[j + 1]; s2 += row[j + 2]; s3 += row[j + 3]; j += 4 }
                        while j < len { s0 += row[j]; j += 1 }
                        o[i] = (s0 + s1) + (s2 + s3)
                    }
                    return
                }
                for i in 0..<outer {
                    let dst = o + i * inner
                    for k in 0..<inner { dst[k] = 0 }
                    for j in 0..<len {
                        let src = x + (i * len + j) * inner
                        for k in 0..<inner { dst[k] += src[k] }
                    }
                }
            }
        }
        let outShape = keepDims ? kept : shape.enumerated().filter { $0.offset != ax }.map(\.element)
        return Tensor.record(out, shape: outShape, inputs: [self]) { g, _ in
            [g.reshaped(kept).expand(to: self.shape)]
        }
    }

    /// Sum over several axes.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let sorted = axes.map(axisIndex).sorted(by: >)
        var r = self
        for a in sorted { r = r.sum(axis: a, keepDims: true) }
        if keepDims { return r }
        let set = Set(sorted)
        return r.reshaped(shape.enumerated().filter { !set.contains($0.offset) }.map(\.element))
    }

    public func mean() -> Tensor { sum() * (1 / Double(Swift.max(count, 1))) }
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        sum(axis: axis, keepDims: keepDims) * (1 / Double(shape[axisIndex(axis)]))
    }

    /// The gradient of a broadcast: sums `self` down to `target`, a shape it was broadcast from.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// Copies `self` broadcast to `target`.
    public func expand(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let (s, outShape) = broadcastBinary(self, Tensor.zeros(target)) { a, _ in a }
        precondition(outShape == target, "cannot expand \(shape) to \(target)")
        return Tensor.record(s, shape: target, inputs: [self]) { g, _ in [g.sum(toShape: self.shape)] }
    }

    /// Maximum over `axis`; the gradient goes to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = axisIndex(axis)
        let (outer, len, inner) = split(at: ax)
        precondition(len > 0, "max over an empty axis")
        var kept = shape; kept[ax] = 1
        var argmax = [Int](repeating: 0, count: outer * inner)
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(outer * inner) { o in
                for i in 0..<outer {
                    for k in 0..<inner {
                        var best = p[i * len * inner + k], at = 0
                        for j in 1..<len where p[(i * len + j) * inner + k] > best || best.isNaN {
                            best = p[(i * len + j) * inner + k]; at = j
                        }
                        o[i * inner + k] = best
                        argmax[i * inner + k] = at
                    }
                }
            }
        }
        let outShape = keepDims ? kept : shape.enumerated().filter { $0.offset != ax }.map(\.element)
        return Tensor.record(out, shape: outShape, inputs: [self]) { g, _ in
            [g.reshaped(kept).scatter(into: self.shape, axis: ax, index: IndexTensor(shape: kept, indices: argmax))]
        }
    }

    /// Maximum of all elements.
    public func max() -> Tensor { reshaped([count]).max(axis: 0) }

    /// log Σ exp over `axis`, stabilized by the maximum; derivative softmax.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = axisIndex(axis)
        let m = withoutGradients { max(axis: ax, keepDims: true) }.masked(where: { !$0.isFinite }, with: 0)
        let r = (self - m).exp().sum(axis: ax, keepDims: true).log() + m
        return keepDims ? r : r.reshaped(r.shape.enumerated().filter { $0.offset != ax }.map(\.element))
    }

    /// Softmax over `axis`.
    public func softmax(axis: Int) -> Tensor { (self - logSumExp(axis: axis, keepDims: true)).exp() }
    public func logSoftmax(axis: Int) -> Tensor { self - logSumExp(axis: axis, keepDims: true) }

    /// A constant copy with elements satisfying `predicate` replaced by `value`.
    func masked(where predicate: @escaping (Double) -> Bool, with value: Double) -> Tensor {
        Tensor(shape: shape, scalars: mapScalars(self) { predicate($0) ? value : $0 })
    }
}
