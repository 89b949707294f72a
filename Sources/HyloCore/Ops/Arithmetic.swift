import Glibc

/// Broadcasting arithmetic. Each backward rule reduces the gradient back to its input's shape.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (s, shape) = broadcastBinary(a, b, Add())
        return record(s, shape: shape, inputs: [a, b]) { g, _ in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? g.sum(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (s, shape) = broadcastBinary(a, b, Subtract())
        return record(s, shape: shape, inputs: [a, b]) { g, _ in
            [a.requiresGrad ? g.sum(toShape: a.shape) : nil, b.requiresGrad ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let (s, shape) = broadcastBinary(a, b, Multiply())
        return record(s, shape: shape, inputs: [a, b]) { g, _ in
            [a.requiresGrad ? (g * b).sum(toShape: a.shape) : nil,
             b.requiresGrad ? (g * a).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let (s, shape) = broadcastBinary(a, b, Divide())
        return record(s, shape: shape, inputs: [a, b]) { g, _ in
            [a.requiresGrad ? (g / b).sum(toShape: a.shape) : nil,
             b.requiresGrad ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        record(mapScalars(a) { -$0 }, shape: a.shape, inputs: [a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, s: Double) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func + (s: Double, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Double) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func - (s: Double, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func * (a: Tensor, s: Double) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func * (s: Double, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Double) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    public static func / (s: Double, a: Tensor) -> Tensor { Tensor(s) / a }

    /// `scale * self + shift`, one pass.
    public func affine(scale: Double, shift: Double) -> Tensor {
        Tensor.record(mapScalars(self, Affine(scale: scale, shift: shift)), shape: shape, inputs: [self]) { g, _ in
            [g * scale]
        }
    }

    /// `self ** p` for a constant exponent.
    public func pow(_ p: Double) -> Tensor {
        if p == 1 { return self }
        let s: ScalarBuffer
        if p == 2 { s = mapScalars(self, Square()) } else { s = mapScalars(self) { Glibc.pow($0, p) } }
        return Tensor.record(s, shape: shape, inputs: [self]) { g, _ in
            [p == 2 ? g * self * 2 : g * self.pow(p - 1) * p]
        }
    }

    /// `self ** exponent` elementwise with broadcasting; the base must be positive where the
    /// exponent's gradient is wanted.
    public func pow(_ exponent: Tensor) -> Tensor {
        let (s, shape) = broadcastBinary(self, exponent) { Glibc.pow($0, $1) }
        return Tensor.record(s, shape: shape, inputs: [self, exponent], saveOutput: true) { g, y in
            [self.requiresGrad ? (g * exponent * self.pow(exponent - 1)).sum(toShape: self.shape) : nil,
             exponent.requiresGrad ? (g * y * self.log()).sum(toShape: exponent.shape) : nil]
        }
    }

    public func squared() -> Tensor { pow(2) }
}


struct Affine: UnaryKernel {
    let scale: Double, shift: Double
    @inline(__always) func callAsFunction(_ x: Double) -> Double { scale * x + shift }
}
struct Square: UnaryKernel { @inline(__always) func callAsFunction(_ x: Double) -> Double { x * x } }
