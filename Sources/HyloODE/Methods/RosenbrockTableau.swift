/// A Rosenbrock (linearly implicit) method in the form of Hairer & Wanner's RODAS code, where the
/// stages are increments `Kᵢ` (already multiplied by h):
///
///     (I/(hγ) − J) Kᵢ = f(t + αᵢ h, y + Σ_{j<i} a[i][j] Kⱼ) + Σ_{j<i} (C[i][j]/h) Kⱼ + h γᵢ ∂f/∂t
///     y₊ = y + Σ mᵢ Kᵢ,    error = Σ eᵢ Kᵢ
///
/// with `J = ∂f/∂y(t, y)` exact: Rosenbrock methods keep their order only with the true Jacobian.
public struct RosenbrockTableau: Sendable {
    public let name: String
    public let order: Int
    let gamma: Double
    let a: [[Double]]
    let C: [[Double]]
    let alpha: [Double]
    let gammaSums: [Double]
    let m: [Double]
    let e: [Double]

    var stages: Int { m.count }

    /// RODAS4 (Hairer & Wanner, Solving ODEs II, §VI.4): 6 stages, order 4 with an embedded order-3
    /// solution, L-stable and stiffly accurate.
    public static let rodas4: RosenbrockTableau = {
        let a = [[], [1.544], [0.9466785280815826, 0.2557011698983284],
                 [3.314825187068521, 2.896124015972201, 0.9986419139977817],
                 [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950],
                 [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950, 1]]
        let C = [[], [-5.6688], [-2.430093356833875, -0.2063599157091915],
                 [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
                 [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160],
                 [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054]]
        return RosenbrockTableau(
            name: "rodas4", order: 4, gamma: 0.25, a: a, C: C,
            alpha: [0, 0.386, 0.21, 0.63, 1, 1],
            gammaSums: [0.25, -0.1043, 0.1035, -0.3620000000000023e-1, 0, 0],
            m: [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950, 1, 1],
            e: [0, 0, 0, 0, 0, 1])
    }()
}
