/// Integer indices with a shape, for gather/scatter, sort and searchsorted.
public struct IndexTensor: Equatable {
    public let shape: [Int]
    public let indices: [Int]
    public init(shape: [Int], indices: [Int]) {
        precondition(indices.count == elementCount(shape), "\(indices.count) indices do not fill \(shape)")
        self.shape = shape
        self.indices = indices
    }
}

/// Gather, scatter, row selection, comparisons and selection by mask.
extension Tensor {
    /// `out[i][j][k] = self[i][index[i][j][k]][k]` along `axis` (PyTorch's `gather`); `index` has
    /// the rank of `self` and the same extents off `axis`.
    public func gather(axis: Int, index: IndexTensor) -> Tensor {
        let ax = axisIndex(axis)
        checkIndexShape(index, axis: ax, against: shape)
        let (outer, len, inner) = split(at: ax)
        let m = index.shape[ax]
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(outer * m * inner) { o in
                for i in 0..<outer { for j in 0..<m { for k in 0..<inner {
                    let at = (i * m + j) * inner + k
                    let src = index.indices[at]
                    precondition(src >= 0 && src < len, "gather index \(src) out of range 0..<\(len)")
                    o[at] = p[(i * len + src) * inner + k]
                } } }
            }
        }
        return Tensor.record(out, shape: index.shape, inputs: [self]) { g, _ in
            [g.scatter(into: self.shape, axis: ax, index: index)]
        }
    }

    /// The adjoint of `gather`: zeros of `target` with `self` added at `index` along `axis`.
    public func scatter(into target: [Int], axis: Int, index: IndexTensor) -> Tensor {
        let ax = axis < 0 ? axis + target.count : axis
        precondition(index.shape == shape, "scatter: index shape \(index.shape) ≠ source shape \(shape)")
        checkIndexShape(index, axis: ax, against: target)
        let outer = target[..<ax].reduce(1, *), len = target[ax], inner = target[(ax + 1)...].reduce(1, *)
        let m = shape[ax]
        var out = [Double](repeating: 0, count: outer * len * inner)
        scalars.withUnsafeBufferPointer { p in
            for i in 0..<outer { for j in 0..<m { for k in 0..<inner {
                let at = (i * m + j) * inner + k
                let dst = index.indices[at]
                precondition(dst >= 0 && dst < len, "scatter index \(dst) out of range 0..<\(len)")
                out[(i * len + dst) * inner + k] += p[at]
            } } }
        }
        return Tensor.record(out, shape: target, inputs: [self]) { g, _ in [g.gather(axis: ax, index: index)] }
    }

    private func checkIndexShape(_ index: IndexTensor, axis ax: Int, against s: [Int]) {
        precondition(index.shape.count == s.count &&
                     index.shape.enumerated().allSatisfy { $0.offset == ax || $0.element == s[$0.offset] },
                     "index shape \(index.shape) does not fit \(s) along axis \(ax)")
    }

    /// Rows (slices along axis 0) picked by `rows`, in that order, repeats allowed.
    public func selectRows(_ rows: [Int]) -> Tensor {
        precondition(rank >= 1, "selectRows needs rank ≥ 1")
        let inner = count / Swift.max(shape[0], 1)
        let n0 = shape[0]
        let out = scalars.withUnsafeBufferPointer { p in
            makeScalars(rows.count * inner) { o in
                for (i, r) in rows.enumerated() {
                    precondition(r >= 0 && r < n0, "row \(r) out of range 0..<\(n0)")
                    (o + i * inner).update(from: p.baseAddress! + r * inner, count: inner)
                }
            }
        }
        var s = shape; s[0] = rows.count
        return Tensor.record(out, shape: s, inputs: [self]) { g, _ in
            [g.addRows(rows, into: self.shape)]
        }
    }

    /// The adjoint of `selectRows`: zeros of `target` with row `i` of `self` added to row `rows[i]`.
    func addRows(_ rows: [Int], into target: [Int]) -> Tensor {
        let inner = count / Swift.max(shape[0], 1)
        var out = [Double](repeating: 0, count: elementCount(target))
        scalars.withUnsafeBufferPointer { p in
            for (i, r) in rows.enumerated() { for k in 0..<inner { out[r * inner + k] += p[i * inner + k] } }
        }
        return Tensor.record(out, shape: target, inputs: [self]) { g, _ in [g.selectRows(rows)] }
    }

    // MARK: comparisons (constant 0/1 masks)

    public func greater(_ s: Double) -> Tensor { Tensor(shape: shape, scalars: mapScalars(self) { $0 > s ? 1 : 0 }) }
    public func less(_ s: Double) -> Tensor { Tensor(shape: shape, scalars: mapScalars(self) { $0 < s ? 1 : 0 }) }
    public func greater(_ other: Tensor) -> Tensor { comparison(other) { $0 > $1 } }
    public func less(_ other: Tensor) -> Tensor { comparison(other) { $0 < $1 } }
    public func equal(_ other: Tensor) -> Tensor { comparison(other) { $0 == $1 } }

    private func comparison(_ other: Tensor, _ op: @escaping (Double, Double) -> Bool) -> Tensor {
        let (s, shape) = broadcastBinary(self, other) { op($0, $1) ? 1 : 0 }
        return Tensor(shape: shape, scalars: s)
    }

    /// `a` where `mask` is non-zero, else `b`, all three broadcast together. Unlike `m*a + (1-m)*b`,
    /// a non-finite value in the branch not taken does not leak into the result or its gradient.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        guard let ab = broadcastShape(a.shape, b.shape), let shape = broadcastShape(ab, mask.shape) else {
            preconditionFailure("where: shapes \(mask.shape), \(a.shape), \(b.shape) do not broadcast")
        }
        let m = mask.detached().expand(to: shape), x = a.detached().expand(to: shape), y = b.detached().expand(to: shape)
        var out = x.scalars
        for i in 0..<out.count where m.scalars[i] == 0 { out[i] = y.scalars[i] }
        return record(out, shape: shape, inputs: [a, b]) { g, _ in
            let zero = Tensor.zeros(shape)
            return [a.requiresGrad ? Tensor.where(m, g, zero).sum(toShape: a.shape) : nil,
                    b.requiresGrad ? Tensor.where(m, zero, g).sum(toShape: b.shape) : nil]
        }
    }
}
