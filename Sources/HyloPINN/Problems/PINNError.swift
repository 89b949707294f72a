/// Why a PINN problem or its training was rejected.
public enum PINNError: Error, CustomStringConvertible {
    /// An expression failed to parse or names something unknown; `context` says which one.
    case expression(ExpressionError, context: String)
    case invalid(String)
    /// The loss became NaN or infinite.
    case numerical(String)

    public var description: String {
        switch self {
        case .expression(let e, let context): return "\(context): \(e)"
        case .invalid(let message), .numerical(let message): return message
        }
    }
}
