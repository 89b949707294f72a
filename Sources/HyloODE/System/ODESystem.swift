/// The right-hand side of `y' = f(t, y; p)`, with optional derivatives.
///
/// States and parameters are flat `[Double]`s. `rhs` returns `false` when `y` is a state the model
/// cannot evaluate (the solver retries a smaller step) and throws to abort the solve. Systems that
/// cannot differentiate themselves inherit finite-difference derivatives (see
/// `FiniteDifferences.swift`) and say so through `derivatives`.
public protocol ODESystem: AnyObject {
    var dimension: Int { get }
    var parameterCount: Int { get }
    /// Where `jacobian`, `vjp` and `jvp` come from; shown to users so that a finite-difference
    /// fallback is never silent.
    var derivatives: DerivativeSource { get }

    /// `dy = f(t, y; p)`.
    func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool
    /// `∂f/∂y` at `(t, y)`, row-major `dimension × dimension`.
    func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool
    /// Adds `vᵀ ∂f/∂y` to `yBar` and `vᵀ ∂f/∂p` to `pBar`.
    func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
             addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool
    /// `(∂f/∂y) u + (∂f/∂p) q` (`q` empty: no parameter direction).
    func jvp(_ t: Double, _ y: [Double], _ p: [Double], tangent u: [Double], parameterTangent q: [Double],
             into out: inout [Double]) throws -> Bool
}

/// How an `ODESystem`'s derivatives are obtained.
public enum DerivativeSource: String, Sendable {
    /// Supplied by the system: exact up to rounding.
    case exact
    /// One-sided finite differences of `rhs`: about half the digits, and `dimension + parameterCount`
    /// evaluations of `f` per vector–Jacobian product.
    case finiteDifferences = "finite differences"
}

/// Why a solve stopped before the end, with what the user can change.
public enum ODEError: Error, CustomStringConvertible, Equatable {
    /// The right-hand side (or one of its derivatives) asked to abort with this code.
    case callbackAborted(code: Int32, t: Double)
    case stepSizeTooSmall(t: Double, h: Double)
    case tooManySteps(t: Double, steps: Int)
    case nonFinite(t: Double)
    /// The right-hand side called a state illegal outside a step that could be retried.
    case illegalState(t: Double)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .callbackAborted(code, t): "the right-hand side aborted with code \(code) at t = \(t)"
        case let .illegalState(t): "the right-hand side called the state at t = \(t) illegal where no step could be retried"
        case let .stepSizeTooSmall(t, h):
            "the step size fell to \(h) at t = \(t) (illegal states, a singularity or a stiff problem: try a stiff method, looser tolerances or a smaller min_step)"
        case let .tooManySteps(t, steps): "reached max_steps = \(steps) at t = \(t); raise max_steps or use a stiff method"
        case let .nonFinite(t): "the solution became NaN or infinite at t = \(t)"
        case let .invalidArgument(message): message
        }
    }
}

/// An error a user's callback raises to abort a solve with its own code.
public struct CallbackAbort: Error {
    public let code: Int32
    public init(code: Int32) { self.code = code }
}
