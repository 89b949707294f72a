import HyloCore

/// The 1-D viscous Burgers data set of the FNO paper: u_t + (u²/2)_x = ν u_xx on the periodic unit
/// interval, u(0) drawn from a `PeriodicGaussianField` (σ = 25, τ = 5, γ = 2), the operator
/// u(0) ↦ u(T) with ν = 0.1 and T = 1. Solved by Fourier ETDRK4 on a fine grid (8192 points) and
/// subsampled to the requested resolution, as the published data were.
public struct BurgersOperatorData: Sendable {
    public var viscosity = 0.1
    public var finalTime = 1.0
    public var field = PeriodicGaussianField(sigma: 25, tau: 5, gamma: 2)
    /// Points of the grid the equation is solved on.
    public var solverPoints = 8192
    /// Time step of the solver.
    public var step = 1e-3

    public init() {}

    /// `count` pairs at `resolution` points (a divisor of `solverPoints`): initial and final states,
    /// each `[count, resolution]` row-major. Sample i (counted from `first`) depends only on (seed, i), whatever the threads.
    public func generate(count: Int, resolution: Int, seed: UInt64, first: Int = 0) -> (initial: [Double], final: [Double]) {
        precondition(resolution >= 2 && solverPoints % resolution == 0, "the resolution must divide \(solverPoints)")
        let n = solverPoints, stride = n / resolution
        let linear = (0..<(n / 2 + 1)).map { k -> Double in
            let wave = 2 * Double.pi * Double(k)
            return -viscosity * wave * wave
        }
        // −(u²/2)_x in Fourier space: the transform of u²/2 times −ik.
        let integrator = PeriodicETDRK4(points: n, linear: linear, step: step, nonlinearity: { u in u * u * 0.5 }) { re, im in
            for k in re.indices {
                let wave = 2 * Double.pi * Double(k)
                (re[k], im[k]) = (wave * im[k], -wave * re[k])
            }
            // The Nyquist bin's derivative of a real signal vanishes.
            if n % 2 == 0 { re[n / 2] = 0; im[n / 2] = 0 }
        }
        let steps = Int((finalTime / step).rounded())
        let pairs = generatePairs(count: count, width: resolution, seed: seed, first: first) { rng, u0, u1 in
            let start = field.sample(sizes: [n], rng: &rng)
            var state = integrator.spectrum(of: start)
            integrator.advance(&state, steps: steps)
            let end = integrator.signal(of: state)
            for j in 0..<resolution { u0[j] = start[j * stride]; u1[j] = end[j * stride] }
        }
        return (pairs.inputs, pairs.outputs)
    }
}
