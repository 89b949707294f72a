import Glibc

/// Activation functions. tanh, sigmoid and relu have fused backward ops (`tanhBackward`,
/// `sigmoidBackward`, `reluBackward`) because they sit in every hot loop; the rest are composites whose
/// higher derivatives come for free.
extension Tensor {
    public func tanh() -> Tensor {
        Tensor.record(mapScalars(self, VectorMath.Tanh()), shape: shape, inputs: [self], saveOutput: true) { g, y in
            [Tensor.tanhBackward(g, y)]
        }
    }

    /// `g · (1 − y²)`, the tanh vector–Jacobian product given the output `y`.
    static func tanhBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
        record(zipScalars(g, y, TanhBackward()), shape: g.shape, inputs: [g, y]) { gg, _ in
            [g.requiresGrad ? gg * (1 - y.squared()) : nil, y.requiresGrad ? gg * g * y * -2 : nil]
        }
    }

    public func sigmoid() -> Tensor {
        Tensor.record(mapScalars(self, VectorMath.Logistic()), shape: shape, inputs: [self], saveOutput: true) { g, y in
            [Tensor.sigmoidBackward(g, y)]
        }
    }

    /// `g · y (1 − y)`, the sigmoid vector–Jacobian product given the output `y`.
    static func sigmoidBackward(_ g: Tensor, _ y: Tensor) -> Tensor {
        record(zipScalars(g, y, SigmoidBackward()), shape: g.shape, inputs: [g, y]) { gg, _ in
            [g.requiresGrad ? gg * y * (1 - y) : nil, y.requiresGrad ? gg * g * (1 - y * 2) : nil]
        }
    }

    /// log(1 + eˣ), computed without overflow; derivative sigmoid(x).
    public func softplus() -> Tensor { unary(softplusScalar) { x, _ in x.sigmoid() } }

    /// max(x, 0); derivative the step function (a constant), applied by one fused kernel.
    public func relu() -> Tensor {
        Tensor.record(mapScalars(self, Relu()), shape: shape, inputs: [self]) { g, _ in [Tensor.reluBackward(g, self)] }
    }

    /// `g · [x > 0]`, the relu vector–Jacobian product; linear in g, constant in x.
    static func reluBackward(_ g: Tensor, _ x: Tensor) -> Tensor {
        record(zipScalars(g, x, ReluBackward()), shape: g.shape, inputs: [g]) { gg, _ in [reluBackward(gg, x)] }
    }

    /// x Φ(x) with the exact normal CDF Φ. Φ(x) is kept from the forward pass, so the backward
    /// pass, Φ(x) + x φ(x), needs an exponential but no second `erf`.
    public func gelu() -> Tensor {
        let cdf = Tensor(shape: shape, scalars: mapScalars(self) { 0.5 * (1 + Glibc.erf($0 / 2.0.squareRoot())) })
        return Tensor.record(zipScalars(self, cdf, Multiply()), shape: shape, inputs: [self]) { g, _ in
            [g * self.geluDerivative(cdf: cdf)]
        }
    }

    /// GELU′(x) = Φ(x) + x φ(x) from Φ(x); its own derivative is φ(x)(2 − x²).
    func geluDerivative(cdf: Tensor) -> Tensor {
        let density = 1 / (2 * Double.pi).squareRoot()
        return Tensor.record(zipScalars(self, cdf, GELUDerivativeKernel()), shape: shape, inputs: [self]) { g, _ in
            [g * (self.squared() * -0.5).exp() * density * (2 - self.squared())]
        }
    }

    /// x · sigmoid(x); derivative s (1 + x (1 − s)).
    public func silu() -> Tensor {
        unary({ $0 * logistic($0) }) { x, _ in
            let s = x.sigmoid()
            return s * (x * (1 - s) + 1)
        }
    }

    /// x for x > 0, α (eˣ − 1) otherwise; derivative 1 or α eˣ.
    public func elu(alpha: Double = 1) -> Tensor {
        unary({ $0 > 0 ? $0 : alpha * Glibc.expm1($0) }) { x, _ in
            Tensor.where(x.greater(0), Tensor.ones(x.shape), x.exp() * alpha)
        }
    }

    /// 1 where x > 0, else 0; a constant.
    public func step() -> Tensor { greater(0) }
}

@inline(__always) func logistic(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + Glibc.exp(-x)) : { let e = Glibc.exp(x); return e / (1 + e) }()
}

@inline(__always) func softplusScalar(_ x: Double) -> Double {
    x > 0 ? x + Glibc.log1p(Glibc.exp(-x)) : Glibc.log1p(Glibc.exp(x))
}

struct Relu: UnaryKernel { @inline(__always) func callAsFunction(_ x: Double) -> Double { Swift.max(x, 0) } }
struct ReluBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Double, _ x: Double) -> Double { x > 0 ? g : 0 } }
struct TanhBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Double, _ y: Double) -> Double { g * (1 - y * y) } }
struct SigmoidBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Double, _ y: Double) -> Double { g * y * (1 - y) } }

/// Φ(x) + x φ(x) from x and Φ(x), with the vectorizable exponential.
struct GELUDerivativeKernel: BinaryKernel {
    @inline(__always) func callAsFunction(_ x: Double, _ cdf: Double) -> Double {
        cdf + x * 0.3989422804014327 * VectorMath.exp(-0.5 * x * x)
    }
}
