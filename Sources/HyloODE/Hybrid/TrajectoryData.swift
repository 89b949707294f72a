/// Observations of one trajectory: the state at `times` (after `t0`, where it starts from `y0`),
/// with an optional mask (false: not observed, left out of the loss).
public struct TrajectoryData: Sendable {
    public var t0: Double
    public var y0: [Double]
    public var times: [Double]
    public var observations: [[Double]]
    public var mask: [[Bool]]?

    public init(t0: Double, y0: [Double], times: [Double], observations: [[Double]], mask: [[Bool]]? = nil) {
        self.t0 = t0; self.y0 = y0; self.times = times; self.observations = observations; self.mask = mask
    }

    func observed(_ k: Int, _ i: Int) -> Bool { mask?[k][i] ?? true }

    var observedCount: Int { mask.map { $0.reduce(0) { $0 + $1.filter { $0 }.count } } ?? times.count * y0.count }

    func validate(dimension d: Int) throws {
        func fail(_ m: String) throws -> Never { throw ODEError.invalidArgument(m) }
        if y0.count != d { try fail("y0 has \(y0.count) components; the model has \(d)") }
        if observations.count != times.count { try fail("\(observations.count) observation rows for \(times.count) times") }
        if observations.contains(where: { $0.count != d }) { try fail("every observation row needs \(d) values") }
        if let mask, mask.count != times.count || mask.contains(where: { $0.count != d }) {
            try fail("the mask must have the observations' shape (\(times.count) × \(d))")
        }
        for (k, row) in observations.enumerated() {
            for (i, v) in row.enumerated() where observed(k, i) && !v.isFinite {
                try fail("observation [\(k)][\(i)] is \(v); mask it out instead")
            }
        }
    }
}
