import Glibc
import HyloCore
import HyloODE

/// Demo part 6: a universal differential equation. Lotka–Volterra observed at 30 times with 1 %
/// noise; the model knows growth and death (1.3x, −1.8y), a network learns the rest through the
/// solver, and equation discovery names what it learned.
func runHybridDemo() {
    print("\n6. A universal differential equation: predator–prey with the interaction unknown")
    do {
        let y0 = [0.44249296, 4.6280594], times = (1...30).map { Double($0) / 10 }
        let clean = try solve(lotkaVolterra, y0: y0, t0: 0, times: times).states
        let means = (0..<2).map { i in clean.reduce(0) { $0 + $1[i] } / Double(clean.count) }
        var rng = Philox(seed: 11)
        let data = [TrajectoryData(t0: 0, y0: y0, times: times,
                                   observations: clean.map { row in (0..<2).map { row[$0] + 0.01 * means[$0] * rng.normal() } })]
        let system = try HybridSystem(physics: lotkaVolterraKnownPart, network: DenseNetwork(widths: [2, 16, 16, 2]))
        var training = HybridTraining()
        training.adamIterations = 300
        training.lbfgsIterations = 500
        let start = now()
        let result = try trainHybrid(system, data: data, initialParameters: system.network.initialParameters(seed: 7),
                                     options: training) { stage, done, _, loss in
            if stage == "adam" && done % 100 == 0 || stage == "lbfgs" && done % 250 == 0 { print("   \(stage) \(done)  loss \(fmt(loss))") }
            return true
        }
        let trained = now() - start
        let library = CandidateLibrary.polynomials(variables: ["x", "y"], degree: 2)
        var discovery = EquationDiscovery(library: library)
        discovery.refitIterations = 100
        let found = try discoverEquations(system, parameters: result.parameters, data: data, options: discovery)
        for (i, name) in ["x' = 1.3 x", "y' = −1.8 y"].enumerated() {
            let terms = library.names.indices.filter { found.coefficients[i][$0] != 0 }
                .map { "\(found.coefficients[i][$0] < 0 ? "−" : "+") \((abs(found.coefficients[i][$0]) * 1000).rounded() / 1000) \(library.names[$0])" }
            print("   discovered \(name) \(terms.joined(separator: " "))")
        }
        print("   (truth: −0.9 x*y and +0.8 x*y); trained in \(String(format1: trained)) s, \(found.candidates.count) term sets refitted in \(String(format1: now() - start - trained)) s")
    } catch {
        print("   failed: \(error)")
        exit(1)
    }
}
