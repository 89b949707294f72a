import Glibc

/// Elementwise math. Each derivative is written with differentiable ops, so any order works.
extension Tensor {
    /// A unary op whose derivative is `derivative(x, y) * g` (x the input, y the output).
    @inline(__always)
    func unary(saveOutput: Bool = false, _ f: @escaping (Double) -> Double,
               derivative: @escaping (_ x: Tensor, _ y: Tensor) -> Tensor) -> Tensor {
        Tensor.record(mapScalars(self, f), shape: shape, inputs: [self], saveOutput: saveOutput) { g, y in
            [g * derivative(self, y)]
        }
    }

    public func exp() -> Tensor {
        Tensor.record(mapScalars(self, VectorMath.Exp()), shape: shape, inputs: [self], saveOutput: true) { g, y in [g * y] }
    }
    public func log() -> Tensor { unary(Glibc.log) { x, _ in 1 / x } }
    public func log1p() -> Tensor { unary(Glibc.log1p) { x, _ in 1 / (x + 1) } }
    public func expm1() -> Tensor { unary(saveOutput: true, Glibc.expm1) { _, y in y + 1 } }
    public func sqrt() -> Tensor { unary(saveOutput: true, Glibc.sqrt) { _, y in 0.5 / y } }
    public func sin() -> Tensor { unary(Glibc.sin) { x, _ in x.cos() } }
    public func cos() -> Tensor { unary(Glibc.cos) { x, _ in -x.sin() } }
    /// |x|, with derivative sign(x) (0 at 0).
    public func abs() -> Tensor { unary(Swift.abs) { x, _ in x.sign() } }
    /// The error function; d erf/dx = 2/√π · exp(−x²).
    public func erf() -> Tensor { unary(Glibc.erf) { x, _ in (-x.squared()).exp() * (2 / Double.pi.squareRoot()) } }

    /// −1, 0 or 1 elementwise; a constant (zero derivative).
    public func sign() -> Tensor {
        Tensor(shape: shape, scalars: mapScalars(self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
    }
}
