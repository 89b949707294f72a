/// Nonlinearities a dense layer can apply in the pass that adds its bias: those whose derivative
/// is a function of their output (tanh: 1 − y², sigmoid: y (1 − y), relu: [y > 0]), so the
/// pre-activation is never stored.
public enum FusedActivation: Sendable {
    case tanh, sigmoid, relu
}

extension Tensor {
    /// `act(x · w + bias)` for `x` `[…, in]`, `w` `[in, out]`, `bias` `[out]`: one GEMM into the
    /// output, then one pass that adds the bias and applies the activation in place. Equal to
    /// `linear(x, w, bias)` followed by the activation up to rounding (the bias is added after the
    /// product instead of before), with one pass over the output and one stored tensor fewer.
    /// Differentiable to any order.
    public static func linear(_ x: Tensor, _ w: Tensor, _ bias: Tensor, activation: FusedActivation) -> Tensor {
        precondition(w.rank == 2 && x.rank >= 1 && x.shape[x.rank - 1] == w.shape[0],
                     "linear: input \(x.shape) does not match weight \(w.shape)")
        let (k, n) = (w.shape[0], w.shape[1])
        precondition(bias.shape == [n], "linear: bias \(bias.shape) ≠ [\(n)]")
        let rows = x.count / Swift.max(k, 1)
        let out = x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
                bias.scalars.withUnsafeBufferPointer { pb in
                    makeScalars(rows * n) { o in
                        gemm(rows, n, k, px.baseAddress!, false, pw.baseAddress!, false, o, beta: 0)
                        let b = pb.baseAddress!
                        switch activation {
                        case .tanh: addBiasAndApply(o, b, rows: rows, columns: n, VectorMath.Tanh())
                        case .sigmoid: addBiasAndApply(o, b, rows: rows, columns: n, VectorMath.Logistic())
                        case .relu: addBiasAndApply(o, b, rows: rows, columns: n, Relu())
                        }
                    }
                }
            }
        }
        return record(out, shape: Array(x.shape.dropLast()) + [n], inputs: [x, w, bias], saveOutput: true) { g, y in
            let gz: Tensor
            switch activation {
            case .tanh: gz = tanhBackward(g, y)
            case .sigmoid: gz = sigmoidBackward(g, y)
            case .relu: gz = reluBackward(g, y)  // y > 0 exactly where the pre-activation is
            }
            return linearGradients(gz, x, w, bias, biasRows: rows)
        }
    }
}

/// `o[r, j] = act(o[r, j] + b[j])` over a row-major `[rows, columns]` block, split over the
/// engine's threads by rows.
private func addBiasAndApply<K: UnaryKernel>(_ o: UnsafeMutablePointer<Double>, _ b: UnsafePointer<Double>,
                                             rows: Int, columns: Int, _ act: K) {
    Parallel.forEachChunk(rows, grain: Swift.max(1, 16384 / Swift.max(columns, 1))) { range in
        for r in range {
            let row = o + r * columns
            for j in 0..<columns { row[j] = act(row[j] + b[j]) }
        }
    }
}
