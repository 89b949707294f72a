import HyloCore
import HyloNN

/// A physics-informed network: a problem, a network for its fields and the unknown coefficients.
public final class PINN: Module {
    public let problem: PDEProblem
    let compiled: CompiledProblem
    public let network: PINNNetwork
    /// Unknown coefficients `[count]`, or `nil` for a forward problem.
    public let coefficients: Parameter?

    /// Builds the network for `problem`. `configuration` supplies the architecture; its inputs,
    /// outputs, bounds and hard periods are taken from the problem.
    public init(problem: PDEProblem, configuration: PINNNetworkConfiguration) throws {
        compiled = try CompiledProblem(problem)
        self.problem = problem
        var c = configuration
        c.inputs = problem.coordinates.count
        c.outputs = problem.fields.count
        c.lower = problem.domain.lower
        c.upper = problem.domain.upper
        c.periods = [:]
        for p in problem.periodic where p.hard {
            if let k = problem.coordinates.firstIndex(of: p.coordinate) { c.periods[k] = problem.domain.upper[k] - problem.domain.lower[k] }
        }
        guard (1...16).contains(c.hiddenLayers), (1...4096).contains(c.hiddenFeatures) else {
            throw PINNError.invalid("the network needs 1…16 hidden layers of 1…4096 units, got \(c.hiddenLayers) × \(c.hiddenFeatures)")
        }
        let smooth: [Function] = [.tanh, .sin, .sigmoid, .softplus, .silu, .gelu]
        guard smooth.contains(c.activation) else {
            throw PINNError.invalid("activation \(c.activation.rawValue) is not one of \(smooth.map(\.rawValue).joined(separator: ", "))")
        }
        network = PINNNetwork(c)
        coefficients = problem.coefficients.isEmpty ? nil : Parameter(Tensor(problem.coefficients.map(\.initial)))
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        collect([("network", network)]) + (coefficients.map { [("coefficients", $0)] } ?? [])
    }

    /// The names of the loss terms, in the order of `PINNTrainingResult.termLosses`.
    public var lossTermNames: [String] { LossTerms.describe(self).names }

    /// Current values of the unknown coefficients, in declaration order.
    public var coefficientValues: [Double] { coefficients?.value.scalars.array ?? [] }

    /// The fields at `points` (`[n, dimension]`): `[n, fields]`.
    public func callAsFunction(_ points: Tensor) -> Tensor {
        let jets = fields(at: points, plan: .values(dimension: problem.coordinates.count))
        return jets.count == 1 ? jets[0].value : Tensor.concatenate(jets.map(\.value), axis: 1)
    }

    /// Jets of every field, after the output transforms.
    func fields(at points: Tensor, plan: DerivativePlan) -> [Jet] {
        let raw = network(points, plan: plan)
        return raw.indices.map { f in
            guard let transform = compiled.transforms[f] else { return raw[f] }
            let jet = transform.expression.evaluate { name -> Jet in
                if name == "N" { return raw[f] }
                switch compiled.symbols.resolve(name) {
                case .success(.coordinate(let k)): return Jet.coordinate(k, of: points, plan: plan)
                case .success(.constant(let c)): return .constant(c)
                default: return .constant(0)  // unreachable: CompiledProblem admits nothing else
                }
            }
            let value = jet.value.expand(to: raw[f].value.shape)
            guard jet.plan == plan else { return Jet(plan: plan, value: value) }  // a constant transform
            return Jet(plan: plan, value: value, first: jet.first, second: jet.second, combined: jet.combined)
        }
    }

    /// An equation's residual at interior `points`, `[n, 1]`, from jets of the interior plan.
    func residual(_ equation: InteriorEquation, fields: [Jet], points: Tensor) -> Tensor {
        equation.collapsed.reduce(residual(equation.rest, fields: fields, points: points, normals: nil)) { r, c in
            r + fields[c.field].combination(c.combination)
        }
    }

    /// A residual at `points`, `[n, 1]`; `normals` (`[n, dimension]`) serve `u_n`.
    func residual(_ e: Expression, fields: [Jet], points: Tensor, normals: Tensor?) -> Tensor {
        let r = e.evaluate { name -> Tensor in
            switch compiled.symbols.resolve(name) {
            case .success(.coordinate(let k)): return points.slice(axis: 1, start: k, end: k + 1)
            case .success(.field(let f)): return fields[f].value
            case .success(.derivative(let f, let k)): return fields[f].derivative(k)
            case .success(.secondDerivative(let f, let pair)): return fields[f].derivative(pair.i, pair.j) ?? Tensor(0)
            case .success(.normalDerivative(let f)):
                guard let normals else { return Tensor(0) }
                return problem.domain.spatialAxes.map { k in
                    normals.slice(axis: 1, start: k, end: k + 1) * fields[f].derivative(k)
                }.reduce(Tensor(0), +)
            case .success(.constant(let c)): return Tensor(c)
            case .success(.coefficient(let i)): return coefficients?.value.slice(axis: 0, start: i, end: i + 1) ?? Tensor(0)
            case .failure: return Tensor(0)  // unreachable: names were checked
            }
        }
        return r.shape == [points.shape[0], 1] ? r : r.expand(to: [points.shape[0], 1])
    }
}
