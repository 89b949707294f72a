/// The Butcher tableau of an explicit Runge–Kutta method, optionally with an embedded method of
/// lower order for error estimation.
///
/// Stage i: `Yᵢ = y + h Σ_{j<i} a[i][j] kⱼ`, `kᵢ = f(t + cᵢ h, Yᵢ)`; step `y + h Σ bᵢ kᵢ`; error
/// estimate `h Σ eᵢ kᵢ` with `e = b − b̂`.
public struct ExplicitTableau: Sendable {
    public let name: String
    /// Order of the propagated solution.
    public let order: Int
    /// Order of the embedded solution (0: none, fixed steps only).
    public let embeddedOrder: Int
    let a: [[Double]]
    let b: [Double]
    let c: [Double]
    let e: [Double]
    /// The last stage is evaluated at the new solution (first same as last).
    let fsal: Bool

    var stages: Int { b.count }
    var isAdaptive: Bool { embeddedOrder > 0 }

    /// `embedded` gives `b̂`; rows of `a` may be shorter than their index (missing entries are 0).
    init(name: String, order: Int, embeddedOrder: Int = 0, a: [[Double]], b: [Double], embedded: [Double]? = nil) {
        let s = b.count
        self.name = name
        self.order = order
        self.embeddedOrder = embeddedOrder
        let rows = (0..<s).map { i in (0..<i).map { j in i < a.count && j < a[i].count ? a[i][j] : 0 } }
        self.a = rows
        self.b = b
        self.c = rows.map { $0.reduce(0, +) }
        let bHat = embedded.map { $0 + Array(repeating: 0, count: s - $0.count) } ?? b
        self.e = zip(b, bHat).map { $0 - $1 }
        self.fsal = s > 1 && rows[s - 1] == Array(b.prefix(s - 1)) && b[s - 1] == 0
    }
}
