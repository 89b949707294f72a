import CBLAS

/// Matrix products through OpenBLAS `cblas_dgemm`.
extension Tensor {
    /// `op(a) · op(b)` where `op` transposes the last two axes when asked.
    ///
    /// Ranks ≥ 2; leading (batch) axes broadcast. A batched `a` times a matrix `b` is folded into a
    /// single GEMM. Backward rules are matmuls with transpose flags, so no transpose is copied.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2, got \(a.shape) and \(b.shape)")
        let (m, ka) = transposeA ? (a.shape[a.rank - 1], a.shape[a.rank - 2]) : (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (kb, n) = transposeB ? (b.shape[b.rank - 1], b.shape[b.rank - 2]) : (b.shape[b.rank - 2], b.shape[b.rank - 1])
        precondition(ka == kb, "matmul: inner extents differ (\(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : ""))")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        if b.rank == 2 && a.rank > 2 && !transposeA {
            let flat = matmul(a.reshaped([-1, ka]), b, transposeB: transposeB)
            return flat.reshaped(batchA + [m, n])
        }
        if batchA != batchB {
            guard let batch = broadcastShape(batchA, batchB) else {
                preconditionFailure("matmul: batch shapes \(batchA) and \(batchB) do not broadcast")
            }
            return matmul(a.expand(to: batch + Array(a.shape.suffix(2))), b.expand(to: batch + Array(b.shape.suffix(2))),
                          transposeA: transposeA, transposeB: transposeB)
        }
        let batches = elementCount(batchA)
        let out = a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                makeScalars(batches * m * n) { o in
                    for i in 0..<batches {
                        gemm(m, n, ka, pa.baseAddress! + i * m * ka, transposeA, pb.baseAddress! + i * ka * n, transposeB,
                             o + i * m * n, beta: 0)
                    }
                }
            }
        }
        return record(out, shape: batchA + [m, n], inputs: [a, b]) { g, _ in
            let da: Tensor? = !a.requiresGrad ? nil : transposeA
                ? matmul(b, g, transposeA: transposeB, transposeB: true)
                : matmul(g, b, transposeB: !transposeB)
            let db: Tensor? = !b.requiresGrad ? nil : transposeB
                ? matmul(g, a, transposeA: true, transposeB: transposeA)
                : matmul(a, g, transposeA: !transposeA)
            return [da, db]
        }
    }

    /// `x · w + bias` for `x` of shape `[…, in]`, `w` `[in, out]`, `bias` `[out]`: the dense layer,
    /// in one GEMM that accumulates onto the broadcast bias. With `biasRows`, the bias is added to
    /// the first `biasRows` rows of the flattened `[rows, out]` result only (the value slice of a
    /// stacked Taylor jet, whose derivative slices get no bias).
    public static func linear(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, biasRows: Int? = nil) -> Tensor {
        precondition(w.rank == 2 && x.rank >= 1 && x.shape[x.rank - 1] == w.shape[0],
                     "linear: input \(x.shape) does not match weight \(w.shape)")
        let (k, n) = (w.shape[0], w.shape[1])
        let rows = x.count / Swift.max(k, 1)
        if let bias { precondition(bias.shape == [n], "linear: bias \(bias.shape) ≠ [\(n)]") }
        let shifted = Swift.min(biasRows ?? rows, rows)
        precondition(shifted >= 0, "linear: negative biasRows")
        let out = x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
                makeScalars(rows * n) { o in
                    if let bias {
                        bias.scalars.withUnsafeBufferPointer { pbias in
                            let b = pbias.baseAddress!
                            // An inlined loop: a `memmove` call per short row cost more than the copy.
                            for r in 0..<shifted { let row = o + r * n; for j in 0..<n { row[j] = b[j] } }
                        }
                        (o + shifted * n).update(repeating: 0, count: (rows - shifted) * n)
                    }
                    gemm(rows, n, k, px.baseAddress!, false, pw.baseAddress!, false, o, beta: bias == nil ? 0 : 1)
                }
            }
        }
        let outShape = Array(x.shape.dropLast()) + [n]
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        return record(out, shape: outShape, inputs: inputs) { g, _ in
            linearGradients(g, x, w, bias, biasRows: shifted)
        }
    }

    /// The gradients of `linear(x, w, bias, biasRows:)` for the output gradient `g`, in the
    /// order of its inputs (x, w, then bias if any); differentiable.
    static func linearGradients(_ g: Tensor, _ x: Tensor, _ w: Tensor, _ bias: Tensor?, biasRows: Int) -> [Tensor?] {
        let (k, n) = (w.shape[0], w.shape[1])
        let rows = x.count / Swift.max(k, 1)
        let g2 = g.reshaped([rows, n])
        var grads: [Tensor?] = [
            x.requiresGrad ? matmul(g2, w, transposeB: true).reshaped(x.shape) : nil,
            w.requiresGrad ? matmul(x.reshaped([rows, k]), g2, transposeA: true) : nil,
        ]
        if let bias {
            let shiftedRows = biasRows == rows ? g2 : g2.slice(axis: 0, start: 0, end: biasRows)
            grads.append(bias.requiresGrad ? shiftedRows.sum(axis: 0) : nil)
        }
        return grads
    }
}

/// C ← op(A)·op(B) + beta·C for row-major `m×k`, `k×n`, `m×n` operands.
///
/// Large products are cut into two blocks of rows of C (or, when C has few rows, of
/// columns), each a single-threaded BLAS call on a sub-matrix run on its own thread. No reduction
/// is split and the cut depends only on the sizes, so the result does not depend on the number of
/// threads.
func gemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Double>, _ ta: Bool,
          _ b: UnsafePointer<Double>, _ tb: Bool, _ c: UnsafeMutablePointer<Double>, beta: Double) {
    _ = blasThreadsConfigured
    if m == 0 || n == 0 { return }
    if k == 0 {
        if beta == 0 { c.update(repeating: 0, count: m * n) }
        return
    }
    let (lda, ldb) = (ta ? m : k, tb ? k : n)
    func block(rows: Range<Int>, cols: Range<Int>) {
        // Row i of op(A) starts at a + i·lda (no transpose) or a + i (transpose); likewise columns of op(B).
        let aStart = ta ? a + rows.lowerBound : a + rows.lowerBound * lda
        let bStart = tb ? b + cols.lowerBound * ldb : b + cols.lowerBound
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(cols.count), Int32(k), 1, aStart, Int32(lda), bStart, Int32(ldb), beta,
                    c + rows.lowerBound * n + cols.lowerBound, Int32(n))
    }
    let large = m * n * k >= 1 << 19
    if large && m >= n {
        Parallel.forEachPart(m, parts: Swift.min(2, m / 16)) { rows in block(rows: rows, cols: 0..<n) }
    } else if large {
        Parallel.forEachPart(n, parts: Swift.min(2, n / 16)) { cols in block(rows: 0..<m, cols: cols) }
    } else {
        block(rows: 0..<m, cols: 0..<n)
    }
}

extension Tensor {
    /// `y_b = W x_b + bias (+ addend_b)` for every batch entry of channel-first fields: `x`
    /// `[B, C, P]`, `w` `[O, C]`, `bias` `[O]`, `addend` `[B, O, P]` → `[B, O, P]` — a linear map of
    /// the channels at every point (a 1 × 1 convolution), one GEMM per batch entry accumulating onto
    /// the broadcast bias and the addend (a Fourier layer's spectral branch), so that neither needs
    /// a pass of its own.
    ///
    /// Backward: `x̄_b = Wᵀ ȳ_b`, `W̄ = Σ_b ȳ_b x_bᵀ`, `b̄ = Σ_{b,p} ȳ`, `addend̄ = ȳ`.
    public static func channelLinear(_ x: Tensor, _ w: Tensor, _ bias: Tensor, adding addend: Tensor? = nil) -> Tensor {
        precondition(x.rank == 3 && w.rank == 2 && w.shape[1] == x.shape[1] && bias.shape == [w.shape[0]],
                     "channelLinear: input \(x.shape), weight \(w.shape) and bias \(bias.shape) do not fit")
        let (batch, c, p, o) = (x.shape[0], x.shape[1], x.shape[2], w.shape[0])
        if let addend { precondition(addend.shape == [batch, o, p], "channelLinear: addend \(addend.shape) ≠ \([batch, o, p])") }
        let out = x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
                bias.scalars.withUnsafeBufferPointer { pb in
                    makeScalars(batch * o * p) { y in
                        for b in 0..<batch {
                            let yb = y + b * o * p
                            if let addend {
                                addend.scalars.withUnsafeBufferPointer { pa in
                                    let ab = pa.baseAddress! + b * o * p
                                    for r in 0..<o { let shift = pb[r]; for j in 0..<p { yb[r * p + j] = ab[r * p + j] + shift } }
                                }
                            } else {
                                for r in 0..<o { (yb + r * p).update(repeating: pb[r], count: p) }
                            }
                            gemm(o, p, c, pw.baseAddress!, false, px.baseAddress! + b * c * p, false, yb, beta: 1)
                        }
                    }
                }
            }
        }
        return record(out, shape: [batch, o, p], inputs: [x, w, bias] + (addend.map { [$0] } ?? [])) { g, _ in
            [x.requiresGrad ? matmul(w, g, transposeA: true) : nil,
             w.requiresGrad ? matmul(g, x, transposeB: true).sum(axis: 0) : nil,
             bias.requiresGrad ? g.sum(axes: [0, 2]) : nil] + (addend.map { [$0.requiresGrad ? g : nil] } ?? [])
        }
    }
}
