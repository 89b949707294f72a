import Glibc
import Testing
import HyloCore
import HyloTasks
@testable import HyloPINN

@Suite struct TrainingTests {
    /// Relative L2 error of `pinn` against `exact` on an n × n grid of the unit square-like box.
    static func relativeError(_ pinn: PINN, lower: [Double], upper: [Double], n: Int = 41, exact: (Double, Double) -> Double) -> Double {
        var rows: [[Double]] = []
        for i in 0..<n { for j in 0..<n {
            rows.append([lower[0] + (upper[0] - lower[0]) * Double(i) / Double(n - 1), lower[1] + (upper[1] - lower[1]) * Double(j) / Double(n - 1)])
        } }
        let u = pinn(Tensor(rows: rows)).scalars.array
        let e = rows.map { exact($0[0], $0[1]) }
        let num = zip(u, e).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, den = e.reduce(0) { $0 + $1 * $1 }
        return sqrt(num / den)
    }

    static func network(layers: Int = 2, width: Int = 20) -> PINNNetworkConfiguration {
        var c = PINNNetworkConfiguration(inputs: 0, outputs: 0, lower: [], upper: [])
        c.hiddenLayers = layers; c.hiddenFeatures = width
        return c
    }

    /// Poisson with the Dirichlet condition built in by an output transform, Adam then L-BFGS,
    /// to the 1e-3 (the soft-constraint version runs in the Python tests).
    @Test func poissonReachesTheClosedForm() throws {
        var problem = PDEProblem(coordinates: ["x", "y"], fields: ["u"], domain: Domain(lower: [0, 0], upper: [1, 1]))
        problem.equations = ["u_xx + u_yy + sin(pi*x)*sin(pi*y)"]
        problem.outputTransforms = ["u": "x*(1 - x)*y*(1 - y)*N"]
        problem.conditions = [.init(region: "x=1", residual: "u_n + pi/(2*pi^2)*sin(pi*y)")]  // Neumann, consistent
        let pinn = try PINN(problem: problem, configuration: Self.network())
        var options = PINNTrainingOptions()
        options.adamIterations = 300; options.learningRate = 5e-3; options.lbfgsIterations = 1000
        options.collocationPoints = 400; options.boundaryPoints = 160
        var stages: Set<String> = []
        let result = try pinn.train(options) { stage, _, _, loss, terms in
            stages.insert(stage)
            return loss.isFinite && terms.count == 2
        }
        #expect(stages == ["adam", "lbfgs"] && !result.cancelled && result.lbfgsReason != nil)
        #expect(result.termNames == ["equation 0", "condition 0 (x=1)"])
        let error = Self.relativeError(pinn, lower: [0, 0], upper: [1, 1]) { ClosedFormPDESolutions.poisson(x: $0, y: $1) }
        #expect(error < 1e-3, "relative L2 \(error), \(result)")
    }

    /// The heat equation with a hard initial/boundary constraint (an output transform) and the
    /// diffusivity unknown, recovered from 40 observations of the exact solution.
    @Test func heatInverseProblemRecoversTheDiffusivity() throws {
        var problem = PDEProblem(coordinates: ["x", "t"], fields: ["u"], domain: Domain(lower: [0, 0], upper: [1, 0.5], time: 1))
        problem.coefficients = [.init(name: "a", initial: 0.1)]
        problem.equations = ["u_t - a*u_xx"]
        problem.outputTransforms = ["u": "sin(pi*x) + t*x*(1 - x)*N"]
        var rng = Philox(seed: 5)
        let points = rng.uniform([40, 2]) * Tensor([1, 0.5])
        let values = (0..<40).map { ClosedFormPDESolutions.heat(t: points.scalars[2 * $0 + 1], x: points.scalars[2 * $0], diffusivity: 0.4) }
        problem.observations = [.init(field: "u", points: points, values: Tensor(values))]
        let pinn = try PINN(problem: problem, configuration: Self.network())
        var options = PINNTrainingOptions()
        options.adamIterations = 200; options.learningRate = 1e-2; options.lbfgsIterations = 300
        options.collocationPoints = 300
        let result = try pinn.train(options)
        #expect(Swift.abs(pinn.coefficientValues[0] - 0.4) < 0.01, "a = \(pinn.coefficientValues), \(result)")
    }

    @Test func cancellingKeepsTheParametersReached() throws {
        var problem = PDEProblem(coordinates: ["x"], fields: ["u"], domain: Domain(lower: [0], upper: [1]))
        problem.equations = ["u_xx + 1"]
        problem.conditions = [.init(region: "boundary", residual: "u")]
        let pinn = try PINN(problem: problem, configuration: Self.network())
        var options = PINNTrainingOptions()
        options.adamIterations = 50; options.collocationPoints = 32
        let result = try pinn.train(options) { _, done, _, _, _ in done < 5 }
        #expect(result.cancelled && result.adamIterations == 5)
    }
}
