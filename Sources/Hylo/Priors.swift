import CHylo
import HyloCore
import HyloSBI

/// The object behind `hylo_prior *`.
final class PriorHandle {
    let prior: Prior
    init(_ prior: Prior) { self.prior = prior }
}

private func makePrior(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ build: () throws -> Prior) throws {
    let out = try Check.pointer(out, "out")
    out.pointee = Handle.make(PriorHandle(try build()))
}

@c @implementation
public func hylo_prior_create_box_uniform(_ low: UnsafePointer<Double>?, _ high: UnsafePointer<Double>?, _ dim: Int,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_prior_create_box_uniform") {
        try makePrior(out) {
            try Check.positive(dim, "dim", max: 1 << 20)
            let l = try Check.array(low, count: dim, "low"), h = try Check.array(high, count: dim, "high")
            if let i = (0..<dim).first(where: { !(l[$0] < h[$0]) }) {
                throw HyloError.invalid("low[\(i)] = \(l[i]) is not below high[\(i)] = \(h[i])")
            }
            return IndependentPrior.boxUniform(low: l, high: h)
        }
    }
}

@c @implementation
public func hylo_prior_create_gaussian(_ mean: UnsafePointer<Double>?, _ covariance: UnsafePointer<Double>?, _ dim: Int,
                                       _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_prior_create_gaussian") {
        try makePrior(out) {
            try Check.positive(dim, "dim", max: 1 << 12)
            let m = try Check.array(mean, count: dim, "mean")
            let c = try Check.array(covariance, count: dim * dim, "covariance")
            let rows = (0..<dim).map { Array(c[($0 * dim)..<(($0 + 1) * dim)]) }
            for i in 0..<dim { for j in 0..<i where abs(rows[i][j] - rows[j][i]) > 1e-12 * max(1, abs(rows[i][j])) {
                throw HyloError.invalid("covariance is not symmetric: [\(i)][\(j)] = \(rows[i][j]) but [\(j)][\(i)] = \(rows[j][i])")
            } }
            do { return try GaussianPrior(mean: m, covariance: rows) } catch {
                throw HyloError(HYLO_E_NUMERICAL, "covariance is not positive definite (\(error))")
            }
        }
    }
}

@c @implementation
public func hylo_prior_create_independent(_ kinds: UnsafePointer<Int32>?, _ params: UnsafePointer<Double>?, _ dim: Int,
                                          _ out: UnsafeMutablePointer<OpaquePointer?>?) -> hylo_status {
    abiCall("hylo_prior_create_independent") {
        try makePrior(out) {
            try Check.positive(dim, "dim", max: 1 << 20)
            let k = Array(UnsafeBufferPointer(start: try Check.pointer(kinds, "kinds"), count: dim))
            let p = try Check.array(params, count: 2 * dim, "params")
            let marginals = try (0..<dim).map { i -> Marginal in
                let (a, b) = (p[2 * i], p[2 * i + 1])
                let m: Marginal
                switch k[i] {
                case HYLO_MARGINAL_UNIFORM: m = .uniform(low: a, high: b)
                case HYLO_MARGINAL_NORMAL: m = .normal(mean: a, std: b)
                case HYLO_MARGINAL_LOGNORMAL: m = .logNormal(mu: a, sigma: b)
                case HYLO_MARGINAL_GAMMA: m = .gamma(shape: a, rate: b)
                case HYLO_MARGINAL_BETA: m = .beta(a: a, b: b)
                default: throw HyloError.invalid("kinds[\(i)] = \(k[i]) is not a HYLO_MARGINAL_* constant")
                }
                if let why = m.invalidReason { throw HyloError.invalid("marginal \(i): \(why)") }
                return m
            }
            return IndependentPrior(marginals)
        }
    }
}

@c @implementation
public func hylo_prior_free(_ prior: OpaquePointer?) { Handle.release(prior, as: PriorHandle.self) }

@c @implementation
public func hylo_prior_dimension(_ prior: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> hylo_status {
    abiCall("hylo_prior_dimension") {
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        try Check.pointer(out, "out").pointee = p.prior.dimension
    }
}

@c @implementation
public func hylo_prior_sample(_ prior: OpaquePointer?, _ n: Int, _ seed: UInt64, _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_prior_sample") {
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        let count = try Check.product(n, p.prior.dimension, "n × dim")
        guard count > 0 else { return }
        let out = try Check.pointer(out, "out")
        var rng = Philox(seed: seed, stream: 0x7072_696f_72)
        let s = p.prior.sample(n, rng: &rng)
        s.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: count) }
    }
}

@c @implementation
public func hylo_prior_log_prob(_ prior: OpaquePointer?, _ theta: UnsafePointer<Double>?, _ n: Int,
                                _ out: UnsafeMutablePointer<Double>?) -> hylo_status {
    abiCall("hylo_prior_log_prob") {
        let p = try Handle.get(prior, "prior", as: PriorHandle.self)
        let count = try Check.product(n, p.prior.dimension, "n × dim")
        guard count > 0 else { return }
        let t = try Check.array(theta, count: count, "theta", finite: false)
        if let i = t.firstIndex(where: \.isNaN) { throw HyloError(HYLO_E_NOT_FINITE, "theta[\(i)] is NaN") }
        let out = try Check.pointer(out, "out")
        let lp = withoutGradients { p.prior.logProb(Tensor(shape: [n, p.prior.dimension], scalars: t)) }
        lp.scalars.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: n) }
    }
}
