/// Reshaping, axis permutation, slicing and joining. Results are contiguous copies.
extension Tensor {
    /// The same elements in a new shape; one extent may be −1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            target[i] = known == 0 ? 0 : count / known
        }
        precondition(elementCount(target) == count, "cannot reshape \(shape) to \(newShape)")
        if target == shape { return self }
        return Tensor.record(scalars, shape: target, inputs: [self]) { g, _ in [g.reshaped(self.shape)] }
    }

    /// Axes reordered: axis `i` of the result is axis `permutation[i]` of `self`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "\(permutation) is not a permutation of the axes")
        if permutation == Array(0..<rank) { return self }
        let outShape = permutation.map { shape[$0] }
        let inStrides = contiguousStrides(shape)
        let srcStrides = permutation.map { inStrides[$0] }
        let n = count
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(n) { o in
                if rank == 2 {
                    let r = outShape[0], c = outShape[1], s0 = srcStrides[0], s1 = srcStrides[1]
                    for i in 0..<r { for j in 0..<c { o[i * c + j] = p[i * s0 + j * s1] } }
                    return
                }
                var index = [Int](repeating: 0, count: rank)
                var off = 0
                for k in 0..<n {
                    o[k] = p[off]
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1; off += srcStrides[axis]
                        if index[axis] < outShape[axis] { break }
                        off -= srcStrides[axis] * outShape[axis]; index[axis] = 0; axis -= 1
                    }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tensor.record(out, shape: outShape, inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// Swaps the last two axes.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose needs rank ≥ 2")
        var p = Array(0..<rank); p.swapAt(rank - 1, rank - 2)
        return permuted(p)
    }

    /// Elements `start, start+step, …` (< end) along `axis`.
    public func slice(axis: Int, start: Int, end: Int, step: Int = 1) -> Tensor {
        let ax = axisIndex(axis)
        precondition(0 <= start && start <= end && end <= shape[ax] && step > 0,
                     "slice \(start)..<\(end) step \(step) out of range for extent \(shape[ax])")
        let (outer, len, inner) = split(at: ax)
        let m = (end - start + step - 1) / step
        var outShape = shape; outShape[ax] = m
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(outer * m * inner) { o in
                for i in 0..<outer {
                    for j in 0..<m {
                        let src = p.baseAddress! + (i * len + start + j * step) * inner
                        (o + (i * m + j) * inner).update(from: src, count: inner)
                    }
                }
            }
        }
        return Tensor.record(out, shape: outShape, inputs: [self]) { g, _ in
            [g.unsliced(into: self.shape, axis: ax, start: start, step: step)]
        }
    }

    /// The adjoint of `slice`: zeros of `target` with `self` written at the sliced positions.
    func unsliced(into target: [Int], axis ax: Int, start: Int, step: Int) -> Tensor {
        let m = shape[ax]
        let outer = target[..<ax].reduce(1, *), len = target[ax], inner = target[(ax + 1)...].reduce(1, *)
        var out = [Double](repeating: 0, count: outer * len * inner)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<outer {
                    for j in 0..<m {
                        (o.baseAddress! + (i * len + start + j * step) * inner)
                            .update(from: p.baseAddress! + (i * m + j) * inner, count: inner)
                    }
                }
            }
        }
        return Tensor.record(out, shape: target, inputs: [self]) { g, _ in
            [g.slice(axis: ax, start: start, end: start + (m - 1) * step + 1, step: step)]
        }
    }

    /// Joins tensors along an existing axis.
    public static func concatenate(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate of nothing")
        let ax = parts[0].axisIndex(axis)
        let base = parts[0].shape
        for p in parts {
            precondition(p.rank == base.count && p.shape.enumerated().allSatisfy { $0.offset == ax || $0.element == base[$0.offset] },
                         "concatenate: shape \(p.shape) does not match \(base) off axis \(ax)")
        }
        let outer = base[..<ax].reduce(1, *), inner = base[(ax + 1)...].reduce(1, *)
        let total = parts.reduce(0) { $0 + $1.shape[ax] }
        var outShape = base; outShape[ax] = total
        let out = makeScalars(outer * total * inner) { o in
            var offset = 0
            for p in parts {
                let len = p.shape[ax]
                p.scalars.withUnsafeBufferPointer { src in
                    for i in 0..<outer {
                        (o + (i * total + offset) * inner).update(from: src.baseAddress! + i * len * inner, count: len * inner)
                    }
                }
                offset += len
            }
        }
        return record(out, shape: outShape, inputs: parts) { g, _ in
            var start = 0
            return parts.map { p in
                defer { start += p.shape[ax] }
                return p.requiresGrad ? g.slice(axis: ax, start: start, end: start + p.shape[ax]) : nil
            }
        }
    }

    /// Joins tensors of equal shape along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "stack of nothing")
        let r = parts[0].rank
        let ax = axis < 0 ? axis + r + 1 : axis
        var s = parts[0].shape; s.insert(1, at: ax)
        return concatenate(parts.map { $0.reshaped(s) }, axis: ax)
    }

    /// Inserts an axis of extent 1.
    public func unsqueezed(_ axis: Int) -> Tensor {
        var s = shape; s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(s)
    }
}
