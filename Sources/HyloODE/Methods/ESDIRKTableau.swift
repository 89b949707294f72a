/// An explicit-first-stage, singly diagonally implicit Runge–Kutta method (ESDIRK): `a[0][0] = 0`,
/// every later diagonal entry is `γ`, so each stage solves `Yᵢ − h γ f(tᵢ, Yᵢ) = y + h Σ_{j<i} a[i][j] kⱼ`
/// with the same Newton matrix `I − h γ J`.
public struct ESDIRKTableau: Sendable {
    public let name: String
    public let order: Int
    public let embeddedOrder: Int
    let gamma: Double
    /// Strictly lower part of the stage matrix.
    let a: [[Double]]
    let b: [Double]
    let c: [Double]
    let e: [Double]

    var stages: Int { b.count }

    init(name: String, order: Int, embeddedOrder: Int, gamma: Double, a: [[Double]], b: [Double], embedded: [Double]) {
        self.name = name
        self.order = order
        self.embeddedOrder = embeddedOrder
        self.gamma = gamma
        let s = b.count
        let rows = (0..<s).map { i in (0..<i).map { j in j < a[i].count ? a[i][j] : 0 } }
        self.a = rows
        self.b = b
        self.c = (0..<s).map { i in i == 0 ? 0 : rows[i].reduce(0, +) + gamma }
        self.e = zip(b, embedded).map { $0 - $1 }
    }

    /// Kværnø's L-stable, stiffly accurate 7-stage ESDIRK of order 5 with an embedded order-4
    /// solution (A. Kværnø, BIT 44, 2004), as tabulated in ARKODE.
    public static let kvaerno5 = ESDIRKTableau(
        name: "kvaerno5", order: 5, embeddedOrder: 4, gamma: 0.26,
        a: [[], [0.26],
            [0.13, 0.8403332099679080963171360487915268154051],
            [0.2237196147832050559163143898290529441991, 0.4767553231979969983278927937270874162429,
             -0.06470895363112615133816161180658488282681],
            [0.1664856432324832152535151725360430044452, 0.1045001884159172041151167240328967362455,
             0.03631482272098715161651993758285203251909, -0.1309070445107399857071749645700052401819],
            [0.1385564023126822495054973091161581456582, 0, -0.04245337201752043098884399725982168512523,
             0.02446657898003141965963581513879101305561, 0.6194303907248067618237108730048725264114],
            [0.1365975117764029144062783844146127033921, 0, -0.05496908796538376712487773114648630009105,
             -0.04118626728321046868299776958296295741592, 0.6299330489901640319161060392667246534806,
             0.06962479448202728948549107704811190063421]],
        b: [0.1365975117764029144062783844146127033921, 0, -0.05496908796538376712487773114648630009105,
            -0.04118626728321046868299776958296295741592, 0.6299330489901640319161060392667246534806,
            0.06962479448202728948549107704811190063421, 0.26],
        embedded: [0.1385564023126822495054973091161581456582, 0, -0.04245337201752043098884399725982168512523,
                   0.02446657898003141965963581513879101305561, 0.6194303907248067618237108730048725264114, 0.26, 0])
}
