import Glibc

/// Closed-form solutions of the PINN test problems.
public enum ClosedFormPDESolutions {
    /// Heat equation u_t = α u_xx on [0, L], u(0, x) = sin(kπx/L), u(t, 0) = u(t, L) = 0:
    /// u = exp(−α (kπ/L)² t) sin(kπx/L).
    public static func heat(t: Double, x: Double, diffusivity a: Double, length l: Double = 1, mode k: Int = 1) -> Double {
        let w = Double(k) * Double.pi / l
        return Glibc.exp(-a * w * w * t) * Glibc.sin(w * x)
    }

    /// Poisson u_xx + u_yy + sin(πx) sin(πy) = 0 on [0, 1]² with u = 0 on the boundary:
    /// u = sin(πx) sin(πy) / (2π²).
    public static func poisson(x: Double, y: Double) -> Double {
        Glibc.sin(Double.pi * x) * Glibc.sin(Double.pi * y) / (2 * Double.pi * Double.pi)
    }

    /// Diffusion–reaction (DeepXDE's `diffusion_reaction` example) on x ∈ [−π, π], t ∈ [0, 1]:
    /// u_t = u_xx + e^{−t} (3/2 sin 2x + 8/3 sin 3x + 15/4 sin 4x + 63/8 sin 8x), solved by
    /// u = e^{−t} (sin x + sin 2x / 2 + sin 3x / 3 + sin 4x / 4 + sin 8x / 8).
    public static func diffusionReaction(t: Double, x: Double) -> Double {
        Glibc.exp(-t) * [1.0, 2, 3, 4, 8].reduce(0) { $0 + Glibc.sin($1 * x) / $1 }
    }

    /// The source term of `diffusionReaction` as an expression in x and t.
    public static let diffusionReactionSource = "exp(-t)*(3/2*sin(2*x) + 8/3*sin(3*x) + 15/4*sin(4*x) + 63/8*sin(8*x))"
}
