/// An `ODESystem` from Swift closures: the right-hand side and, optionally, its derivatives.
public final class ClosureSystem: ODESystem {
    public typealias RHS = (Double, [Double], [Double], inout [Double]) throws -> Bool
    public typealias Jacobian = (Double, [Double], [Double], inout [Double]) throws -> Bool
    public typealias VJP = (Double, [Double], [Double], [Double], inout [Double], inout [Double]) throws -> Bool

    public let dimension: Int
    public let parameterCount: Int
    let f: RHS
    let jacobianFunction: Jacobian?
    let vjpFunction: VJP?

    /// `jacobian` and `vjp`, when given, must be exact; without `vjp` the parameter derivatives are
    /// finite differences.
    public init(dimension: Int, parameterCount: Int = 0, jacobian: Jacobian? = nil, vjp: VJP? = nil, rhs: @escaping RHS) {
        self.dimension = dimension
        self.parameterCount = parameterCount
        self.f = rhs
        self.jacobianFunction = jacobian
        self.vjpFunction = vjp
    }

    public var derivatives: DerivativeSource { vjpFunction == nil ? .finiteDifferences : .exact }

    public func rhs(_ t: Double, _ y: [Double], _ p: [Double], into dy: inout [Double]) throws -> Bool {
        try f(t, y, p, &dy)
    }

    public func jacobian(_ t: Double, _ y: [Double], _ p: [Double], into J: inout [Double]) throws -> Bool {
        if let jacobianFunction { return try jacobianFunction(t, y, p, &J) }
        return try finiteDifferenceJacobian(t, y, p, into: &J)
    }

    public func vjp(_ t: Double, _ y: [Double], _ p: [Double], cotangent v: [Double],
                    addingTo yBar: inout [Double], _ pBar: inout [Double]) throws -> Bool {
        if let vjpFunction { return try vjpFunction(t, y, p, v, &yBar, &pBar) }
        return try finiteDifferenceVJP(t, y, p, cotangent: v, addingTo: &yBar, &pBar)
    }
}
