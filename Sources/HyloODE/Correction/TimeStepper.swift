/// A user's own time integrator, `u_{k+1} = S(t_k, Δt, u_k)` — typically a coarse or cheap
/// numerical scheme whose error a network learns to correct (solver in the loop).
///
/// `step` throws to abort (a failed callback); `vjp` adds `vᵀ ∂S/∂u`. Steppers without their own
/// VJP inherit central differences (2·dimension steps per VJP) and say so through `derivatives`.
public protocol TimeStepper: AnyObject {
    var dimension: Int { get }
    var derivatives: DerivativeSource { get }
    func step(_ t: Double, _ dt: Double, _ u: [Double], into next: inout [Double]) throws
    func vjp(_ t: Double, _ dt: Double, _ u: [Double], cotangent v: [Double], addingTo uBar: inout [Double]) throws
}

public extension TimeStepper {
    var derivatives: DerivativeSource { .finiteDifferences }

    func vjp(_ t: Double, _ dt: Double, _ u: [Double], cotangent v: [Double], addingTo uBar: inout [Double]) throws {
        try finiteDifferenceVJP(t, dt, u, cotangent: v, addingTo: &uBar)
    }

    /// `vᵀ ∂S/∂u` by central differences with the step `ε^(1/3) · max(|u_j|, 1)`.
    func finiteDifferenceVJP(_ t: Double, _ dt: Double, _ u: [Double], cotangent v: [Double], addingTo uBar: inout [Double]) throws {
        var plus = [Double](repeating: 0, count: dimension), minus = plus, x = u
        for j in 0..<dimension {
            let h = differenceStep(u[j])
            x[j] = u[j] + h
            try step(t, dt, x, into: &plus)
            x[j] = u[j] - h
            try step(t, dt, x, into: &minus)
            x[j] = u[j]
            var s = 0.0
            for i in 0..<dimension { s += v[i] * (plus[i] - minus[i]) }
            uBar[j] += s / (2 * h)
        }
    }
}

/// A `TimeStepper` from Swift closures.
public final class ClosureStepper: TimeStepper {
    public typealias Step = (Double, Double, [Double], inout [Double]) throws -> Void
    public typealias VJP = (Double, Double, [Double], [Double], inout [Double]) throws -> Void
    public let dimension: Int
    let stepFunction: Step
    let vjpFunction: VJP?

    public init(dimension: Int, vjp: VJP? = nil, step: @escaping Step) {
        self.dimension = dimension
        self.stepFunction = step
        self.vjpFunction = vjp
    }

    public var derivatives: DerivativeSource { vjpFunction == nil ? .finiteDifferences : .exact }

    public func step(_ t: Double, _ dt: Double, _ u: [Double], into next: inout [Double]) throws { try stepFunction(t, dt, u, &next) }

    public func vjp(_ t: Double, _ dt: Double, _ u: [Double], cotangent v: [Double], addingTo uBar: inout [Double]) throws {
        if let vjpFunction { try vjpFunction(t, dt, u, v, &uBar) } else { try finiteDifferenceVJP(t, dt, u, cotangent: v, addingTo: &uBar) }
    }
}
