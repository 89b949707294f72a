/// Calls a system's right-hand side and Jacobian for the solver: counts the calls, turns a
/// non-finite derivative into an illegal state (so the step is retried smaller) and a callback abort
/// into `ODEError.callbackAborted` at the current time.
final class Evaluator {
    let system: ODESystem
    let parameters: [Double]
    var statistics = ODEStatistics()

    init(_ system: ODESystem, parameters: [Double]) {
        self.system = system
        self.parameters = parameters
    }

    var dimension: Int { system.dimension }

    func rhs(_ t: Double, _ y: [Double], into dy: inout [Double]) throws -> Bool {
        statistics.rhsEvaluations += 1
        let ok = try aborting(at: t) { try system.rhs(t, y, parameters, into: &dy) }
        guard ok, dy.allSatisfy({ $0.isFinite }) else {
            statistics.illegalStates += 1
            return false
        }
        return true
    }

    func jacobian(_ t: Double, _ y: [Double], into J: inout [Double]) throws -> Bool {
        statistics.jacobianEvaluations += 1
        let ok = try aborting(at: t) { try system.jacobian(t, y, parameters, into: &J) }
        return ok && J.allSatisfy { $0.isFinite }
    }
}

/// Runs a user callback, mapping its abort to an `ODEError` that carries the time.
func aborting<R>(at t: Double, _ body: () throws -> R) throws -> R {
    do { return try body() } catch let abort as CallbackAbort {
        throw ODEError.callbackAborted(code: abort.code, t: t)
    }
}

/// The weighted RMS norm the step-size and Newton controls use:
/// `√(mean((eᵢ / (atol + rtol · max(|yᵢ|, |ŷᵢ|)))²))`.
@inline(__always)
func weightedNorm(_ e: [Double], _ y: [Double], _ yNew: [Double], rtol: Double, atol: Double) -> Double {
    var s = 0.0
    for i in 0..<e.count {
        let w = atol + rtol * max(abs(y[i]), abs(yNew[i]))
        let r = e[i] / w
        s += r * r
    }
    return e.isEmpty ? 0 : (s / Double(e.count)).squareRoot()
}
