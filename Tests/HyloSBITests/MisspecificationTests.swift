import Testing
import HyloCore
@testable import HyloSBI

@Suite struct MisspecificationTests {
    /// Simulations x ~ N(θ, 0.1 I) with θ ~ N(0, 0.1 I) in 2-D: an observation drawn from the same
    /// model is not flagged (p-values roughly uniform: few below 0.05), one far outside is
    /// (p < 0.01); so is a batch of observations whose noise is 3× larger.
    @Test func flagsObservationsUnlikeTheSimulations() throws {
        var rng = Philox(seed: 1)
        let simulations = rng.normal([4000, 2], std: 0.2.squareRoot()) + rng.normal([4000, 2], std: 0.1.squareRoot())
        var test = MisspecificationTest()
        test.referenceSize = 500; test.nullDraws = 200
        var flagged = 0
        for k in 0..<20 {
            test.seed = UInt64(k)
            let xo = rng.normal([1, 2], std: 0.2.squareRoot() * 1.0) + rng.normal([1, 2], std: 0.1.squareRoot())
            if try test.run(observations: xo, simulations: simulations).pValue < 0.05 { flagged += 1 }
        }
        #expect(flagged <= 4, "\(flagged) of 20 well-specified observations flagged")
        let far = try test.run(observations: Tensor(shape: [1, 2], scalars: [3, -3]), simulations: simulations)
        #expect(far.pValue < 0.01 && far.mmd > far.null.max()!)
        let wide = rng.normal([20, 2], std: 0.3.squareRoot() * 3)
        #expect(try test.run(observations: wide, simulations: simulations).pValue < 0.01)
        #expect(throws: InferenceError.self) { try test.run(observations: wide, simulations: simulations.selectRows(Array(0..<30))) }
    }
}
