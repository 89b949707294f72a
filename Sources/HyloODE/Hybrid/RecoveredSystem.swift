import Glibc

/// A discovered model: the physics plus active library terms, `y'_i = f_i(t, y; p) + Σ_k c_k θ_{j_k}(y)`
/// over the active (component i_k, term j_k) pairs. Its parameters are the coefficients `c`,
/// preceded by the physical parameters when those are refitted too (`fixedPhysics` nil).
///
/// Derivatives: the coefficients' are exact (`∂y'_i/∂c_k = θ_{j_k}(y)`), the physics' come from
/// the physics, and the library terms' state derivatives are central differences of the terms
/// alone — no extra physics evaluations.
final class RecoveredSystem: ODESystem {
    let physics: ODESystem?
    let fixedPhysics: [Double]?
    let library: CandidateLibrary
    let active: [(component: Int, term: Int)]
    let dimension: Int

    init(physics: ODESystem?, fixedPhysics: [Double]?, library: CandidateLibrary, active: [(component: Int, term: Int)], dimension: Int) {
        self.physics = physics
        self.fixedPhysics = fixedPhysics
        self.library = library
        self.active = active
        self.dimension = dimension
    }

    private var physicsCount: Int { fixedPhysics == nil ? physics?.parameterCount ?? 0 : 0 }
    var parameterCount: Int { physicsCount + active.count }
    var derivatives: DerivativeSource { physics?.derivatives ?? .exact }

    private func physicsParameters(_ p: [Double]) -> [Double] { fixedPhysics ?? Array(p[0..<physicsCount]) }

    /// `Σ_k c_k θ_{j_k}(y)` added into `dy`.
    private func addTerms(_ y: [Double], _ p: [Double], into dy: inout [Double]) {
        let terms = library.row(y)
        for (k, a) in active.enumerated() { dy[a.component] += p[physicsCount + k] * terms[a.term] }
    }

    func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool {
        if let physics {
            guard try physics.rhs(t, y, physicsParameters(p), into: &dy) else { return false }
        } else {
            for i in 0..<dimension { dy[i] = 0 }
        }
        addTerms(y, p, into: &dy)
        return true
    }

    func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
             addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        if let physics {
            var physicsBar = [Double](repeating: 0, count: physics.parameterCount)
            guard try physics.vjp(t, y, physicsParameters(p), cotangent: v, addingTo: &yBar, &physicsBar) else { return false }
            for k in 0..<physicsCount { pBar[k] += physicsBar[k] }
        }
        let terms = library.row(y)
        for (k, a) in active.enumerated() { pBar[physicsCount + k] += v[a.component] * terms[a.term] }
        var plus = [Double](repeating: 0, count: dimension), minus = plus, x = y
        for j in 0..<dimension {
            let h = differenceStep(y[j])
            for i in 0..<dimension { plus[i] = 0; minus[i] = 0 }
            x[j] = y[j] + h
            addTerms(x, p, into: &plus)
            x[j] = y[j] - h
            addTerms(x, p, into: &minus)
            x[j] = y[j]
            for i in 0..<dimension { yBar[j] += v[i] * (plus[i] - minus[i]) / (2 * h) }
        }
        return true
    }
}
