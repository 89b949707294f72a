import Glibc

/// Finite-difference derivatives for systems that supply none: central differences with the step
/// `ε^(1/3) · max(|x|, 1)`, which balances truncation against rounding (about 10 digits). Central
/// rather than forward differences because Rosenbrock methods lose their order with an inaccurate
/// Jacobian, and gradients through a solver inherit every error of the VJP.
public extension ODESystem {
    var derivatives: DerivativeSource { .finiteDifferences }

    func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        try finiteDifferenceJacobian(t, y, p, into: &J)
    }

    func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
             addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        try finiteDifferenceVJP(t, y, p, cotangent: v, addingTo: &yBar, &pBar)
    }

    func jvp(_ t: Double, _ y: [Double], _ p: [Double], tangent u: [Double], parameterTangent q: [Double],
             into out: inout [Double]) throws -> Bool {
        try finiteDifferenceJVP(t, y, p, tangent: u, parameterTangent: q, into: &out)
    }

    /// The finite-difference Jacobian, for systems whose own is optional.
    func finiteDifferenceJacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        let d = dimension
        var f0 = [Double](repeating: 0, count: d), f1 = f0, yy = y
        for j in 0..<d {
            let h = differenceStep(y[j])
            yy[j] = y[j] + h
            guard try rhs(t, yy, p, into: &f1) else { return false }
            yy[j] = y[j] - h
            guard try rhs(t, yy, p, into: &f0) else { return false }
            yy[j] = y[j]
            for i in 0..<d { J[i * d + j] = (f1[i] - f0[i]) / (2 * h) }
        }
        return true
    }

    /// `vᵀ ∂f/∂y` (if `state`) and `vᵀ ∂f/∂p` (if `parameters`) by central differences.
    func finiteDifferenceVJP(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                             addingTo yBar: inout [Double], _ pBar: inout [Double],
                             state: Bool = true, parameters: Bool = true) throws -> Bool {
        let d = dimension
        var f0 = [Double](repeating: 0, count: d), f1 = f0
        func column(_ h: Double) -> Double {
            var s = 0.0
            for i in 0..<d { s += v[i] * (f1[i] - f0[i]) }
            return s / (2 * h)
        }
        var yy = y
        for j in 0..<(state ? d : 0) {
            let h = differenceStep(y[j])
            yy[j] = y[j] + h
            guard try rhs(t, yy, p, into: &f1) else { return false }
            yy[j] = y[j] - h
            guard try rhs(t, yy, p, into: &f0) else { return false }
            yy[j] = y[j]
            yBar[j] += column(h)
        }
        var pp = p
        for k in 0..<(parameters ? p.count : 0) {
            let h = differenceStep(p[k])
            pp[k] = p[k] + h
            guard try rhs(t, y, pp, into: &f1) else { return false }
            pp[k] = p[k] - h
            guard try rhs(t, y, pp, into: &f0) else { return false }
            pp[k] = p[k]
            pBar[k] += column(h)
        }
        return true
    }

    func finiteDifferenceJVP(_ t: Double, _ y: [Double], _ p: [Double], tangent u: [Double], parameterTangent q: [Double],
                             into out: inout [Double]) throws -> Bool {
        // The step is relative to the size of the components the direction moves.
        let d = dimension
        var scale = 0.0, size = 1.0
        for i in 0..<d where u[i] != 0 { scale = max(scale, abs(u[i])); size = max(size, abs(y[i])) }
        for k in 0..<q.count where q[k] != 0 { scale = max(scale, abs(q[k])); size = max(size, abs(p[k])) }
        guard scale > 0 else {
            for i in 0..<d { out[i] = 0 }
            return true
        }
        let h = cbrt(Double.ulpOfOne) * size / scale
        var minus = [Double](repeating: 0, count: d)
        var yy = y, pp = p
        for i in 0..<d { yy[i] = y[i] - h * u[i] }
        for k in 0..<q.count { pp[k] = p[k] - h * q[k] }
        guard try rhs(t, yy, pp, into: &minus) else { return false }
        for i in 0..<d { yy[i] = y[i] + h * u[i] }
        for k in 0..<q.count { pp[k] = p[k] + h * q[k] }
        guard try rhs(t, yy, pp, into: &out) else { return false }
        for i in 0..<d { out[i] = (out[i] - minus[i]) / (2 * h) }
        return true
    }
}

@inline(__always)
func differenceStep(_ x: Double) -> Double {
    let h = cbrt(Double.ulpOfOne) * max(abs(x), 1)
    return (x + h) - x  // exactly representable
}
