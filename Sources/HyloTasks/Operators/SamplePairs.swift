import Dispatch
import HyloCore

/// Fills `count` (input, output) pairs of `width` numbers each on the worker threads: sample i
/// (counted from `first`) gets its own generator keyed by (seed, first + i) and writes its pair
/// through `fill(rng, input, output)`, so the data do not depend on the number of threads.
func generatePairs(count: Int, width: Int, seed: UInt64, first: Int,
                   _ fill: (inout Philox, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void)
    -> (inputs: [Double], outputs: [Double]) {
    var inputs = [Double](repeating: 0, count: count * width), outputs = inputs
    inputs.withUnsafeMutableBufferPointer { a in
        outputs.withUnsafeMutableBufferPointer { b in
            guard let a = a.baseAddress, let b = b.baseAddress else { return }
            DispatchQueue.concurrentPerform(iterations: count) { i in
                var rng = Philox(seed: seed, stream: UInt64(first + i))
                fill(&rng, a + i * width, b + i * width)
            }
        }
    }
    return (inputs, outputs)
}
