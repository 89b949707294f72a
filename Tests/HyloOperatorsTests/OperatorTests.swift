import Glibc
import HyloCore
import HyloNN
import Testing
@testable import HyloOperators

/// The spectral layer against a direct DFT, gradients, resolution independence, learning and files.
@Suite struct OperatorTests {
    func random(_ shape: [Int], seed: UInt64) -> Tensor { var rng = Philox(seed: seed); return rng.normal(shape) }

    /// y_o(x) = 1/N Σ_k c_k Re( Σ_i V_i(k) R_io(k) e^{2πi k·x/N} ), V by direct summation.
    @Test(arguments: [[10], [9, 8]])
    func spectralConvolutionMatchesDirectDFT(sizes: [Int]) {
        let modes = sizes.count == 2 ? [2, 3] : [4]
        var rng = Philox(seed: 1)
        let layer = SpectralConvolution(inChannels: 2, outChannels: 3, modes: modes, rng: &rng)
        let v = random([2, 2] + sizes, seed: 2)
        let y = layer(v)
        let n1 = sizes.count == 2 ? sizes[0] : 1, n2 = sizes[sizes.count - 1], points = n1 * n2
        let rows: [Int] = sizes.count == 2 ? [0, 1, n1 - 2, n1 - 1] : [0]
        let kLast = modes[modes.count - 1]
        for b in 0..<2 { for o in 0..<3 { for p in 0..<points {
            let (x1, x2) = (p / n2, p % n2)
            var sum = 0.0
            for (r, k1) in rows.enumerated() { for k2 in 0..<kLast {
                var zr = 0.0, zi = 0.0
                for i in 0..<2 {
                    var vr = 0.0, vi = 0.0
                    for q in 0..<points {
                        let phase = 2 * Double.pi * (Double(k1 * (q / n2)) / Double(n1) + Double(k2 * (q % n2)) / Double(n2))
                        let value = v.scalars[(b * 2 + i) * points + q]
                        vr += value * cos(phase); vi -= value * sin(phase)
                    }
                    let w = ((r * kLast + k2) * 2 + i) * 3 + o
                    let (wr, wi) = (layer.weightReal.value.scalars[w], layer.weightImag.value.scalars[w])
                    zr += vr * wr - vi * wi; zi += vr * wi + vi * wr
                }
                let c = k2 == 0 || (n2 % 2 == 0 && k2 == n2 / 2) ? 1.0 : 2.0
                let phase = 2 * Double.pi * (Double(k1 * x1) / Double(n1) + Double(k2 * x2) / Double(n2))
                sum += c * (zr * cos(phase) - zi * sin(phase))
            } }
            #expect(abs(y.scalars[(b * 3 + o) * points + p] - sum / Double(points)) < 1e-12)
        } } }
    }

    @Test(arguments: [[12], [8, 7]])
    func spectralConvolutionGradients(sizes: [Int]) {
        let modes = sizes.count == 2 ? [2, 2] : [3]
        var rng = Philox(seed: 3)
        let layer = SpectralConvolution(inChannels: 2, outChannels: 2, modes: modes, rng: &rng)
        let check = GradientCheck.run(at: [random([2, 2] + sizes, seed: 4), layer.weightReal.value, layer.weightImag.value]) { xs in
            let probe = SpectralConvolution(inChannels: 2, outChannels: 2, modes: modes, rng: &rng)
            probe.weightReal.value = xs[1]; probe.weightImag.value = xs[2]
            return probe(xs[0]).squared()
        }
        #expect(check.firstOrderError < 1e-6 && check.secondOrderError < 1e-5)
    }

    @Test func networksHaveFiniteDifferenceGradients() {
        var c = FNOConfiguration()
        c.modes = [2, 2]; c.width = 3; c.layers = 2; c.projectionChannels = 4; c.liftingChannels = 3; c.padding = 2
        let fno = FNONetwork(c, seed: 5)
        let a = random([2, 1, 6, 5], seed: 6)
        let fnoCheck = GradientCheck.run(at: fno.parameters.map(\.value) + [a], secondOrder: false) { xs in
            for (p, x) in zip(fno.parameters, xs) { p.value = x }
            return fno(xs[xs.count - 1]).squared().sum()
        }
        #expect(fnoCheck.firstOrderError < 1e-6)
        var d = DeepONetConfiguration()
        d.branch = [5, 4, 3]; d.trunk = [1, 4, 3]; d.activation = "tanh"
        let onet = DeepONetNetwork(d, seed: 7)
        let (u, y) = (random([3, 5], seed: 8), random([4, 1], seed: 9))
        let onetCheck = GradientCheck.run(at: onet.parameters.map(\.value), secondOrder: false) { xs in
            for (p, x) in zip(onet.parameters, xs) { p.value = x }
            return onet(u, y).squared().sum() + onet.pointwise(u.selectRows([0, 1, 2]), y.selectRows([0, 1, 2])).sum()
        }
        #expect(onetCheck.firstOrderError < 1e-6)
    }

    /// A band-limited input gives the same layer output at the points two resolutions share.
    @Test func spectralConvolutionIsResolutionIndependent() {
        var rng = Philox(seed: 10)
        let layer = SpectralConvolution(inChannels: 1, outChannels: 2, modes: [3, 4], rng: &rng)
        func field(_ n: Int) -> Tensor {
            Tensor(shape: [1, 1, n, n], scalars: (0..<(n * n)).map { p in
                let (x, y) = (Double(p / n) / Double(n), Double(p % n) / Double(n))
                return sin(2 * .pi * x) * cos(4 * .pi * y) + 0.5 * cos(2 * .pi * (2 * x + y))
            })
        }
        let (coarse, fine) = (layer(field(16)), layer(field(32)))
        for o in 0..<2 { for i in 0..<16 { for j in 0..<16 {
            #expect(abs(coarse.scalars[(o * 16 + i) * 16 + j] - fine.scalars[(o * 32 + 2 * i) * 32 + 2 * j]) < 1e-12)
        } } }
    }

    /// The heat equation's solution operator u(0) ↦ u(0.01) (ν = 1) on 32 points, learned by a
    /// small FNO to a few per cent.
    @Test func fnoLearnsTheHeatSemigroup() {
        var rng = Philox(seed: 11)
        let n = 32, samples = 64
        var inputs: [Double] = [], outputs: [Double] = []
        for _ in 0..<samples {
            let coefficients = (1...4).map { _ in (rng.normal(), rng.normal()) }
            for (list, time) in [(0, 0.0), (1, 0.01)] {
                let values = (0..<n).map { j -> Double in
                    coefficients.enumerated().reduce(0.0) { sum, term in
                        let k = Double(term.offset + 1), x = 2 * Double.pi * k * Double(j) / Double(n)
                        return sum + exp(-4 * .pi * .pi * k * k * time) * (term.element.0 * cos(x) + term.element.1 * sin(x))
                    }
                }
                if list == 0 { inputs += values } else { outputs += values }
            }
        }
        var c = FNOConfiguration()
        c.modes = [6]; c.width = 8; c.layers = 2; c.projectionChannels = 16
        let model = FNOModel(c, seed: 12)
        var options = OperatorTrainingOptions()
        options.epochs = 150; options.batchSize = 16; options.stepEvery = 50; options.learningRate = 1e-2
        let a = Tensor(shape: [samples, 1, n], scalars: inputs), u = Tensor(shape: [samples, 1, n], scalars: outputs)
        let result = model.fit(inputs: a, outputs: u, options: options)
        #expect(result.epochs == 150)
        let error = OperatorLoss.relativeL2(model.predict(a), u).scalar
        #expect(error < 0.05)
    }

    @Test func deepONetLearnsTheAntiderivativeOfLinesAndSavesBitExactly() throws {
        // u = α + βx, s(y) = αy + βy²/2, seen at 8 sensors.
        var rng = Philox(seed: 13)
        let sensors = (0..<8).map { Double($0) / 7 }, points = Tensor(shape: [10, 1], scalars: (0..<10).map { Double($0) / 9 })
        var u: [Double] = [], s: [Double] = []
        for _ in 0..<64 {
            let (alpha, beta) = (rng.normal(), rng.normal())
            u += sensors.map { alpha + beta * $0 }
            s += points.scalars.map { alpha * $0 + beta * $0 * $0 / 2 }
        }
        var c = DeepONetConfiguration()
        c.branch = [8, 20, 20]; c.trunk = [1, 20, 20]; c.activation = "tanh"
        let model = DeepONetModel(c, seed: 14)
        var options = OperatorTrainingOptions()
        options.epochs = 1500; options.batchSize = 64; options.weightDecay = 0; options.loss = .mse; options.stepGamma = 1
        options.learningRate = 3e-3
        let (ut, st) = (Tensor(shape: [64, 8], scalars: u), Tensor(shape: [64, 10], scalars: s))
        _ = model.fit(.cartesian(u: ut, y: points, s: st), options: options)
        let mse = OperatorLoss.mse(model.predict(ut, at: points), st).scalar
        #expect(mse < 1e-3)
        let restored = try DeepONetModel.load(try Checkpoint.decode(try model.checkpoint().encoded(), kind: DeepONetModel.checkpointKind))
        #expect(restored.predict(ut, at: points).scalars.elementsEqual(model.predict(ut, at: points).scalars) { $0.bitPattern == $1.bitPattern })
    }

    @Test func fnoCheckpointRoundTripsAndRejectsForeignFiles() throws {
        var c = FNOConfiguration()
        c.modes = [3]; c.width = 4; c.layers = 2; c.projectionChannels = 8
        let model = FNOModel(c, seed: 15)
        var options = OperatorTrainingOptions()
        options.epochs = 2; options.batchSize = 4
        let a = random([8, 1, 16], seed: 16), u = random([8, 1, 16], seed: 17)
        _ = model.fit(inputs: a, outputs: u, options: options)
        let bytes = try model.checkpoint().encoded()
        let restored = try FNOModel.load(try Checkpoint.decode(bytes, kind: FNOModel.checkpointKind))
        #expect(restored.predict(a).scalars.elementsEqual(model.predict(a).scalars) { $0.bitPattern == $1.bitPattern })
        #expect(throws: (any Error).self) { try Checkpoint.decode(Array(bytes.prefix(bytes.count - 9)), kind: FNOModel.checkpointKind) }
        #expect(throws: (any Error).self) { try Checkpoint.decode(bytes, kind: DeepONetModel.checkpointKind) }
    }
}
