import Glibc
import Testing
import HyloCore
import HyloSBI
@testable import HyloTasks

/// The ODE-based sbibm tasks against the observations stored with the references: the data
/// simulated at the true parameters of each observation must be consistent with it.
@Suite struct ODETaskTests {
    static func reference(_ task: String, _ k: Int) throws -> (truth: [Double], observation: [Double]) {
        let dir = "\(TaskTests.sbibm)/\(task)/obs\(k)"
        return (try readCSV("\(dir)/true_parameters.csv").scalars.array, try readCSV("\(dir)/observation.csv").scalars.array)
    }

    @Test(arguments: 1...5) func sirObservationIsABinomialDrawAroundTheEpidemic(k: Int) throws {
        let (truth, observation) = try Self.reference("sir", k)
        let fractions = try #require(SIR().infectedFraction(beta: truth[0], gamma: truth[1]))
        for (f, observed) in zip(fractions, observation) {
            let mean = 1000 * f, sd = (1000 * f * (1 - f)).squareRoot()
            #expect(abs(observed - mean) <= 5 * sd + 1, "observed \(observed), Binomial(1000, \(f)) has mean \(mean)")
        }
    }

    @Test(arguments: 1...5) func lotkaVolterraObservationIsALogNormalDrawAroundTheSolution(k: Int) throws {
        let (truth, observation) = try Self.reference("lotka_volterra", k)
        let states = try #require(LotkaVolterra().populations(truth))
        for species in 0..<2 {
            for (time, u) in states.enumerated() {
                // log x ~ N(log u, 0.1²): a 5σ band
                let z = (Glibc.log(observation[species * 10 + time]) - Glibc.log(u[species])) / 0.1
                #expect(abs(z) < 5, "species \(species) at t = \(2.1 * Double(time)): z = \(z)")
            }
        }
    }

    @Test func binomialDrawsHaveTheRightMoments() {
        var rng = Philox(seed: 5)
        for p in [0.001, 0.3, 0.5, 0.93] {
            let draws = (0..<20_000).map { _ in Double(rng.binomial(1000, p)) }
            let mean = draws.reduce(0, +) / 20_000
            let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 19_999
            let expectedVariance = 1000 * p * (1 - p)
            #expect(abs(mean - 1000 * p) < 5 * (expectedVariance / 20_000).squareRoot() + 1e-9, "p = \(p): mean \(mean)")
            #expect(abs(variance / expectedVariance - 1) < 0.05, "p = \(p): variance \(variance)")
        }
    }

    @Test func simulationsAreDeterministicAcrossWorkers() throws {
        for task in [SIR() as SBITask, LotkaVolterra()] {
            let a = try task.simulations(64, seed: 3, workers: 1), b = try task.simulations(64, seed: 3, workers: 2)
            #expect(a.x.scalars == b.x.scalars, "\(task.name)")
            #expect(a.x.scalars.allSatisfy { $0.isFinite }, "\(task.name)")
        }
    }
}
