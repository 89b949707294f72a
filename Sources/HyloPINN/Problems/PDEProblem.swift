import HyloCore

/// A PDE problem as a user writes it: coordinates, unknown fields, a domain, residual equations,
/// conditions and data, all as expressions (see `Expression`).
///
/// Symbols in residuals: coordinates (single letters, e.g. `x`, `t`), fields (`u`), derivatives
/// (`u_x`, `u_xx`, `u_xt`: the letters after `_` are coordinates, up to second order), `u_n`
/// (outward normal derivative, on the boundary), named constants, unknown coefficients and `pi`.
public struct PDEProblem: Codable, Equatable {
    public var coordinates: [String]
    public var fields: [String]
    public var domain: Domain
    public var constants: [String: Double] = [:]
    /// Unknown coefficients, estimated with the network (inverse problems).
    public var coefficients: [Coefficient] = []
    /// Residuals that vanish in the interior.
    public var equations: [String] = []
    public var conditions: [Condition] = []
    public var periodic: [Periodicity] = []
    /// Hard constraints: field name ↦ an expression in the coordinates, constants and `N` (the
    /// network's raw output for that field), e.g. `"-sin(pi*x) + t*(1 - x^2)*N"`.
    public var outputTransforms: [String: String] = [:]
    /// Point observations; training data, not part of a saved model.
    public var observations: [Observation] = []

    public struct Coefficient: Codable, Equatable, Sendable {
        public var name: String, initial: Double
        public init(name: String, initial: Double) { self.name = name; self.initial = initial }
    }

    /// A residual that must vanish on a region: `"interior"`, `"boundary"` (the spatial boundary,
    /// at all times) or a face `"x=-1"` / `"t=0"` (a coordinate at one of its bounds).
    /// Dirichlet: `"u - g"`; Neumann: `"u_n - g"`; Robin: `"a*u + b*u_n - g"`; initial: on `"t=0"`.
    public struct Condition: Codable, Equatable, Sendable {
        public var region: String, residual: String, weight: Double
        public init(region: String, residual: String, weight: Double = 1) {
            self.region = region; self.residual = residual; self.weight = weight
        }
    }

    /// Periodicity in one coordinate: `hard` builds it into the network (periodic input embedding);
    /// otherwise values and first derivatives are matched across the two faces by a loss term.
    public struct Periodicity: Codable, Equatable, Sendable {
        public var coordinate: String, hard: Bool
        public init(coordinate: String, hard: Bool) { self.coordinate = coordinate; self.hard = hard }
    }

    /// Values of one field at points (`[n, dimension]`).
    public struct Observation: Equatable {
        public var field: String
        public var points: Tensor, values: Tensor
        public var weight: Double
        public init(field: String, points: Tensor, values: Tensor, weight: Double = 1) {
            self.field = field; self.points = points; self.values = values; self.weight = weight
        }
        public static func == (a: Observation, b: Observation) -> Bool {
            a.field == b.field && a.weight == b.weight && a.points.shape == b.points.shape
                && a.points.scalars.array == b.points.scalars.array && a.values.scalars.array == b.values.scalars.array
        }
    }

    enum CodingKeys: String, CodingKey {
        case coordinates, fields, domain, constants, coefficients, equations, conditions, periodic, outputTransforms
    }

    public init(coordinates: [String], fields: [String], domain: Domain) {
        self.coordinates = coordinates; self.fields = fields; self.domain = domain
    }

    /// Checks every name and expression so far, throwing a `PINNError` that points at the first
    /// problem; a problem without equations or data yet passes.
    public func validate() throws { _ = try CompiledProblem(self, complete: false) }
}
