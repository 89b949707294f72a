import CHylo
import HyloODE

/// An `ODESystem` whose right-hand side and derivatives are C callbacks. Missing derivatives are
/// derived from the callbacks given (vᵀJ and Jv from the Jacobian) or computed by central
/// differences; `sources` tells which.
final class CallbackSystem: ODESystem {
    let dimension: Int
    let parameterCount: Int
    let f: hylo_ode_rhs_fn
    /// The user data as an address, so the system can be called from worker threads (the header
    /// makes the callbacks' reentrancy the caller's duty).
    let userData: UInt
    var jacobianCallback: hylo_ode_jacobian_fn?
    var jvpCallback: hylo_ode_jvp_fn?
    var vjpStateCallback: hylo_ode_vjp_fn?
    var vjpParameterCallback: hylo_ode_vjp_fn?

    init(dimension: Int, parameterCount: Int, f: hylo_ode_rhs_fn, userData: UnsafeMutableRawPointer?) {
        self.dimension = dimension
        self.parameterCount = parameterCount
        self.f = f
        self.userData = UInt(bitPattern: userData)
    }

    enum Source: Int32 { case callback = 0, derived = 1, finiteDifferences = 2 }

    /// ∂f/∂y, (∂f/∂y)v, vᵀ∂f/∂y, vᵀ∂f/∂p, (∂f/∂p)q.
    var sources: [Source] {
        [jacobianCallback != nil ? .callback : .finiteDifferences,
         jvpCallback != nil ? .callback : jacobianCallback != nil ? .derived : .finiteDifferences,
         vjpStateCallback != nil ? .callback : jacobianCallback != nil ? .derived : .finiteDifferences,
         vjpParameterCallback != nil ? .callback : .finiteDifferences,
         vjpParameterCallback != nil ? .derived : .finiteDifferences]
    }

    var derivatives: DerivativeSource {
        sources[2] != .finiteDifferences && (parameterCount == 0 || sources[3] != .finiteDifferences) ? .exact : .finiteDifferences
    }

    private var user: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: userData) }

    /// Maps a callback's return code: 0 ok, > 0 illegal state, < 0 abort.
    private func outcome(_ code: Int32) throws -> Bool {
        if code < 0 { throw CallbackAbort(code: code) }
        return code == 0
    }

    private func call(_ y: [Double], _ p: [Double], _ out: inout [Double],
                      _ body: (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?) -> Int32) throws -> Bool {
        let code = y.withUnsafeBufferPointer { yp in
            p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { op in body(yp.baseAddress, pp.baseAddress, op.baseAddress) } }
        }
        return try outcome(code)
    }

    func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool {
        try call(y, p, &dy) { f(t, $0, $1, $2, user) }
    }

    func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        guard let jacobianCallback else { return try finiteDifferenceJacobian(t, y, p, into: &J) }
        return try call(y, p, &J) { jacobianCallback(t, $0, $1, $2, user) }
    }

    func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
             addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        let d = dimension
        var out = [Double](repeating: 0, count: max(d, parameterCount))
        if let vjpStateCallback {
            guard try call(y, p, &out, { a, b, o in v.withUnsafeBufferPointer { vjpStateCallback(t, a, b, $0.baseAddress, o, user) } })
            else { return false }
            for i in 0..<d { yBar[i] += out[i] }
        } else if jacobianCallback != nil {
            var J = [Double](repeating: 0, count: d * d)
            guard try jacobian(t, y, p, into: &J) else { return false }
            for i in 0..<d where v[i] != 0 { for j in 0..<d { yBar[j] += v[i] * J[i * d + j] } }
        } else {
            guard try finiteDifferenceVJP(t, y, p, cotangent: v, addingTo: &yBar, &pBar, state: true, parameters: false) else {
                return false
            }
        }
        guard parameterCount > 0 else { return true }
        if let vjpParameterCallback {
            guard try call(y, p, &out, { a, b, o in v.withUnsafeBufferPointer { vjpParameterCallback(t, a, b, $0.baseAddress, o, user) } })
            else { return false }
            for k in 0..<parameterCount { pBar[k] += out[k] }
            return true
        }
        return try finiteDifferenceVJP(t, y, p, cotangent: v, addingTo: &yBar, &pBar, state: false, parameters: true)
    }

    func jvp(_ t: Double, _ y: [Double], _ p: [Double], tangent u: [Double], parameterTangent q: [Double],
             into out: inout [Double]) throws -> Bool {
        let d = dimension
        guard jvpCallback != nil || jacobianCallback != nil else {
            return try finiteDifferenceJVP(t, y, p, tangent: u, parameterTangent: q, into: &out)
        }
        if let jvpCallback {
            guard try call(y, p, &out, { a, b, o in u.withUnsafeBufferPointer { jvpCallback(t, a, b, $0.baseAddress, o, user) } })
            else { return false }
        } else {
            var J = [Double](repeating: 0, count: d * d)
            guard try jacobian(t, y, p, into: &J) else { return false }
            for i in 0..<d { out[i] = (0..<d).reduce(0) { $0 + J[i * d + $1] * u[$1] } }
        }
        guard q.contains(where: { $0 != 0 }) else { return true }
        var parameterPart = [Double](repeating: 0, count: d)
        if let vjpParameterCallback {
            // (∂f/∂p) q row by row: row i is e_iᵀ ∂f/∂p.
            var e = [Double](repeating: 0, count: d), row = [Double](repeating: 0, count: parameterCount)
            for i in 0..<d {
                e[i] = 1
                guard try call(y, p, &row, { a, b, o in e.withUnsafeBufferPointer { vjpParameterCallback(t, a, b, $0.baseAddress, o, user) } })
                else { return false }
                e[i] = 0
                parameterPart[i] = zip(row, q).reduce(0) { $0 + $1.0 * $1.1 }
            }
        } else {
            guard try finiteDifferenceJVP(t, y, p, tangent: Array(repeating: 0, count: d), parameterTangent: q,
                                          into: &parameterPart) else { return false }
        }
        for i in 0..<d { out[i] += parameterPart[i] }
        return true
    }
}
