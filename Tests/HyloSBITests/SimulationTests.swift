import Testing
import HyloCore
@testable import HyloSBI

@Suite struct SimulationTests {
    /// x = θ + noise; invalid when θ₀ > 0.8 (code 1); NaN when θ₁ > 0.9.
    let simulator: (Int, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, inout Philox) -> Int32 = { _, th, x, rng in
        if th[0] > 0.8 { return 1 }
        x[0] = th[0] + 0.1 * rng.normal()
        x[1] = th[1] > 0.9 ? .nan : th[1] + 0.1 * rng.normal()
        return 0
    }

    @Test func resultsDoNotDependOnTheNumberOfWorkers() throws {
        var rng = Philox(seed: 4)
        let theta = rng.uniform([2000, 2])
        let one = try runSimulations(theta: theta, outputs: 2, workers: 1, seed: 11, simulator: simulator)
        let four = try runSimulations(theta: theta, outputs: 2, workers: 4, seed: 11, simulator: simulator)
        #expect(one.x.scalars.elementsEqual(four.x.scalars) { $0.bitPattern == $1.bitPattern })
        #expect(one.valid == four.valid)
        let other = try runSimulations(theta: theta, outputs: 2, workers: 2, seed: 12, simulator: simulator)
        #expect(!other.x.scalars.elementsEqual(one.x.scalars) { $0.bitPattern == $1.bitPattern })
    }

    @Test func invalidAndNonFiniteSimulationsAreCounted() throws {
        let theta = Tensor(rows: [[0.1, 0.1], [0.9, 0.1], [0.1, 0.95], [0.2, 0.3]])
        let r = try runSimulations(theta: theta, outputs: 2, workers: 2, seed: 1, simulator: simulator)
        #expect(r.valid == [true, false, false, true])
        #expect(r.failedCount == 1 && r.nonFiniteCount == 1 && r.validCount == 2)
        // NPE keeps only the valid ones.
        let npe = NPE(prior: IndependentPrior.boxUniform(low: [0, 0], high: [1, 1]))
        let kept = try npe.appendSimulations(theta: r.theta, x: r.x)
        #expect(kept.kept == 2 && kept.excluded == 2 && npe.excludedCount == 2)
        // Later simulations must have as many outputs.
        #expect(throws: InferenceError.self) { try npe.appendSimulations(theta: Tensor.zeros([1, 2]), x: Tensor.zeros([1, 3])) }
    }

    @Test func negativeCodeAborts() {
        #expect(throws: SimulationError.self) {
            try runSimulations(theta: Tensor.zeros([100, 1]), outputs: 1, workers: 2, seed: 0) { i, _, _, _ in i == 37 ? -5 : 0 }
        }
    }

    @Test func progressCancels() {
        #expect(throws: SimulationError.self) {
            try runSimulations(theta: Tensor.zeros([1000, 1]), outputs: 1, workers: 2, seed: 0,
                               progress: { done, _ in done < 100 }) { _, _, x, _ in x[0] = 1; return 0 }
        }
    }
}

@Suite struct BatchedSimulationTests {
    /// x = θ + noise drawn from the row's seed: the same whatever the batching.
    func row(_ theta: Double, _ seed: UInt64) -> Double {
        var r = Philox(seed: seed)
        return theta + r.normal()
    }

    @Test func batchedRunsMatchSingleRunsForAnyBatchSizeAndWorkers() throws {
        var rng = Philox(seed: 8)
        let theta = rng.uniform([1000, 1])
        let single = try runSimulations(theta: theta, outputs: 1, workers: 2, seed: 3) { _, th, x, rng in
            x[0] = self.row(th[0], rng.nextUInt64()); return 0
        }
        for (batch, workers) in [(1, 1), (64, 2), (1000, 3), (333, 2)] {
            let batched = try runBatchedSimulations(theta: theta, outputs: 1, batchSize: batch, workers: workers, seed: 3) {
                rows, th, x, seeds, status in
                for i in 0..<rows.count {
                    x[i] = self.row(th[i], seeds[i])
                    status[i] = th[i] > 0.95 ? 2 : 0
                }
                return 0
            }
            for i in 0..<1000 where batched.valid[i] { #expect(batched.x.scalars[i] == single.x.scalars[i]) }
            #expect(batched.failedCount == (0..<1000).filter { theta.scalars[$0] > 0.95 }.count)
        }
    }
}
