import Glibc
import HyloCore

/// Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright, *Numerical
/// Optimization*, Algorithms 7.4, 3.5 and 3.6), on a flat vector of unknowns.
public struct LBFGS: Sendable {
    /// Why the iteration ended.
    public enum StopReason: String, Sendable {
        /// `‖∇f‖∞ ≤ gradientTolerance`.
        case gradientTolerance = "gradient_tolerance"
        /// `|f_k − f_{k+1}| ≤ functionTolerance · max(1, |f_k|)`.
        case functionTolerance = "function_tolerance"
        case maxIterations = "max_iterations"
        /// No step satisfying the strong Wolfe conditions was found (often: at the precision limit).
        case lineSearchFailed = "line_search_failed"
        /// The objective returned a non-finite value at the starting point.
        case nonFinite = "non_finite"
        case cancelled
    }

    public struct Result: Sendable {
        public var x: [Double]
        public var value: Double
        public var gradientNorm: Double
        public var iterations: Int
        public var evaluations: Int
        public var reason: StopReason
    }

    public var history = 10
    public var maxIterations = 1000
    public var gradientTolerance = 1e-9
    public var functionTolerance = 1e-14
    /// Sufficient-decrease (Armijo) and curvature constants of the strong Wolfe conditions.
    public var c1 = 1e-4, c2 = 0.9
    public var maxLineSearchEvaluations = 25

    public init(history: Int = 10, maxIterations: Int = 1000, gradientTolerance: Double = 1e-9,
                functionTolerance: Double = 1e-14) {
        self.history = history; self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance; self.functionTolerance = functionTolerance
    }

    /// Minimizes `f`, which returns the value and gradient at a point. `progress(iteration, value)`
    /// returning `false` cancels.
    public func minimize(from x0: [Double], _ f: ([Double]) -> (Double, [Double]),
                         progress: (Int, Double) -> Bool = { _, _ in true }) -> Result {
        var x = x0
        var (fx, g) = f(x)
        var evaluations = 1
        var result: Result { Result(x: x, value: fx, gradientNorm: infNorm(g), iterations: iteration, evaluations: evaluations, reason: reason) }
        var iteration = 0
        var reason = StopReason.maxIterations
        guard fx.isFinite, g.allSatisfy(\.isFinite) else { reason = .nonFinite; return result }
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []

        while iteration < maxIterations {
            if infNorm(g) <= gradientTolerance { reason = .gradientTolerance; return result }
            // Two-loop recursion: d = −H g.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                axpy(-alpha[i], y[i], &q)
            }
            let gamma = s.isEmpty ? Swift.min(1, 1 / Swift.max(l1Norm(g), 1e-300)) : dot(s[s.count - 1], y[y.count - 1]) / dot(y[y.count - 1], y[y.count - 1])
            for i in q.indices { q[i] *= gamma }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], q)
                axpy(alpha[i] - beta, s[i], &q)
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if !(slope < 0) {  // not a descent direction (or NaN): restart from steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                d = g.map { -$0 }
                slope = dot(g, d)
                for i in d.indices { d[i] *= Swift.min(1, 1 / Swift.max(l1Norm(g), 1e-300)) }
                slope = dot(g, d)
            }
            let search = lineSearch(x: x, fx: fx, slope: slope, direction: d, f: f)
            evaluations += search.evaluations
            guard let step = search.step else { reason = .lineSearchFailed; return result }
            let xNew = zip(x, d).map { $0 + step.alpha * $1 }
            let sk = zip(xNew, x).map { $0 - $1 }, yk = zip(step.g, g).map { $0 - $1 }
            let sy = dot(sk, yk)
            let previous = fx
            x = xNew; fx = step.f; g = step.g
            iteration += 1
            if sy > 1e-12 * Swift.max(dot(yk, yk), 1e-300) {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > history { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            if !progress(iteration, fx) { reason = .cancelled; return result }
            if Swift.abs(previous - fx) <= functionTolerance * Swift.max(1, Swift.abs(previous)) {
                reason = infNorm(g) <= gradientTolerance ? .gradientTolerance : .functionTolerance
                return result
            }
        }
        return result
    }

    struct Point { var alpha: Double; var f: Double; var g: [Double]; var slope: Double }

    /// Finds a step length satisfying the strong Wolfe conditions (Algorithm 3.5 with zoom, 3.6).
    func lineSearch(x: [Double], fx: Double, slope: Double, direction d: [Double],
                    f: ([Double]) -> (Double, [Double])) -> (step: Point?, evaluations: Int) {
        var evaluations = 0
        func phi(_ a: Double) -> Point {
            evaluations += 1
            let (v, g) = f(zip(x, d).map { $0 + a * $1 })
            return Point(alpha: a, f: v, g: g, slope: dot(g, d))
        }
        let armijo = { (p: Point) in p.f <= fx + self.c1 * p.alpha * slope }
        let curvature = { (p: Point) in Swift.abs(p.slope) <= -self.c2 * slope }
        var previous = Point(alpha: 0, f: fx, g: [], slope: slope)
        var alpha = 1.0
        var first = true
        while evaluations < maxLineSearchEvaluations {
            var p = phi(alpha)
            // A non-finite value: step back until finite.
            while !(p.f.isFinite && p.slope.isFinite) && evaluations < maxLineSearchEvaluations {
                alpha = (previous.alpha + alpha) / 2
                p = phi(alpha)
            }
            guard p.f.isFinite && p.slope.isFinite else { return (nil, evaluations) }
            if !armijo(p) || (!first && p.f >= previous.f) {
                return (zoom(previous, p), evaluations)
            }
            if curvature(p) { return (p, evaluations) }
            if p.slope >= 0 { return (zoom(p, previous), evaluations) }
            previous = p
            first = false
            alpha *= 2
        }
        return (nil, evaluations)

        func zoom(_ lo0: Point, _ hi0: Point) -> Point? {
            var lo = lo0, hi = hi0
            while evaluations < maxLineSearchEvaluations {
                let a = cubicMinimizer(lo, hi)
                let p = phi(a)
                if !p.f.isFinite || !armijo(p) || p.f >= lo.f {
                    hi = p
                } else {
                    if curvature(p) { return p }
                    if p.slope * (hi.alpha - lo.alpha) >= 0 { hi = lo }
                    lo = p
                }
                if Swift.abs(hi.alpha - lo.alpha) < 1e-16 * Swift.max(1, lo.alpha) { break }
            }
            // Out of evaluations: accept a point that decreases f enough, if we have one.
            return lo.alpha > 0 && armijo(lo) ? lo : nil
        }
    }

    /// The minimizer of the cubic through two points with slopes (N&W eq. 3.59), kept inside the
    /// middle 80 % of the interval; bisection when the cubic has no minimizer there.
    func cubicMinimizer(_ a: Point, _ b: Point) -> Double {
        let (lo, hi) = (Swift.min(a.alpha, b.alpha), Swift.max(a.alpha, b.alpha))
        let width = hi - lo
        guard a.f.isFinite, b.f.isFinite else { return (lo + hi) / 2 }
        let d1 = a.slope + b.slope - 3 * (a.f - b.f) / (a.alpha - b.alpha)
        let disc = d1 * d1 - a.slope * b.slope
        guard disc >= 0 else { return (lo + hi) / 2 }
        let d2 = (b.alpha > a.alpha ? 1.0 : -1.0) * Glibc.sqrt(disc)
        let t = b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
        guard t.isFinite else { return (lo + hi) / 2 }
        return Swift.min(Swift.max(t, lo + 0.1 * width), hi - 0.1 * width)
    }
}

@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}
@inline(__always) func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) { for i in y.indices { y[i] += a * x[i] } }
func infNorm(_ x: [Double]) -> Double { x.reduce(0) { Swift.max($0, Swift.abs($1)) } }
func l1Norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + Swift.abs($1) } }

extension LBFGS {
    /// Minimizes a loss over module parameters; `loss()` is evaluated with recording on.
    public func minimize(_ parameters: [Parameter], loss: () -> Tensor,
                         progress: (Int, Double) -> Bool = { _, _ in true }) -> Result {
        let x0 = parameters.flatMap { $0.value.scalars }
        func assign(_ x: [Double]) {
            var offset = 0
            for p in parameters {
                p.value.assignValues(Array(x[offset..<(offset + p.count)]))
                offset += p.count
            }
        }
        let result = minimize(from: x0, { x in
            assign(x)
            let l = loss()
            let g = gradients(of: l, wrt: parameters.map(\.value))
            return (l.scalar, g.flatMap(\.scalars))
        }, progress: progress)
        assign(result.x)
        return result
    }
}
