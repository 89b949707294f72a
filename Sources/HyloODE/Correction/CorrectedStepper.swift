import HyloCore
import HyloNN

/// Solver in the loop (Um et al. 2020): a user's time stepper followed by a learned correction,
/// `ũ_{k+1} = w + C(w; φ)` with `w = S(t_k, Δt, ũ_k)` — the network sees the stepper's output and
/// adds what the scheme gets wrong (its truncation error, unresolved scales). Trained through `m`
/// unrolled steps (`trainCorrection`), the correction learns to keep the states it will itself
/// produce on track, not only states from the reference data.
///
/// The network works in normalized units, `C(w) = σ_out ⊙ net((w − μ) / σ_in)`: a scheme's error
/// is orders of magnitude smaller than the state, and a network asked to output 10⁻³ from inputs
/// of 10² learns slowly. `μ`, `σ_in` (the states' mean and spread per component) and `σ_out` (the
/// spread of the stepper's one-step errors) are fitted on the reference data when first trained.
public final class CorrectedStepper {
    public let stepper: TimeStepper
    /// `dimension → … → dimension`.
    public let network: DenseNetwork
    public internal(set) var normalization: Normalization?

    public struct Normalization: Sendable, Equatable {
        public var inputShift: [Double], inputScale: [Double], outputScale: [Double]
    }

    public init(stepper: TimeStepper, network: DenseNetwork) throws {
        guard network.inputs == stepper.dimension, network.outputs == stepper.dimension else {
            throw ODEError.invalidArgument("the correction network maps \(network.inputs) to \(network.outputs) values; the stepper's state has \(stepper.dimension)")
        }
        self.stepper = stepper
        self.network = network
    }

    public var dimension: Int { stepper.dimension }

    /// One step's intermediates for the backward pass.
    struct StepRecord {
        var input: [Double]
        var stepped: [Double]
        var tape = DenseNetwork.Tape()
    }

    /// `ũ_{k+1}`; `weights` nil: the stepper alone. Non-finite states throw.
    func step(_ t: Double, _ dt: Double, _ u: [Double], weights: [Double]?, record: inout StepRecord) throws -> [Double] {
        var w = [Double](repeating: 0, count: dimension)
        try stepper.step(t, dt, u, into: &w)
        record.input = u
        record.stepped = w
        var next = w
        if let weights {
            let x = normalizedInput(w)
            let c = x.withUnsafeBufferPointer { xp in weights.withUnsafeBufferPointer { network(xp, weights: $0, tape: &record.tape) } }
            for i in 0..<dimension { next[i] += (normalization?.outputScale[i] ?? 1) * c[i] }
        }
        guard next.allSatisfy(\.isFinite) else { throw ODEError.nonFinite(t: t + dt) }
        return next
    }

    /// Given `v = ∂L/∂ũ_{k+1}`, adds `∂L/∂φ` to `weightsBar` and returns `∂L/∂ũ_k`.
    func backward(_ t: Double, _ dt: Double, _ record: StepRecord, cotangent v: [Double], weights: [Double],
                  weightsBar: inout [Double]) throws -> [Double] {
        var xBar = [Double](repeating: 0, count: dimension)
        let cotangent = (0..<dimension).map { (normalization?.outputScale[$0] ?? 1) * v[$0] }
        weights.withUnsafeBufferPointer { wp in
            weightsBar.withUnsafeMutableBufferPointer { gb in
                network.backward(record.tape, cotangent: cotangent, weights: wp, xBar: &xBar, wBar: gb.baseAddress)
            }
        }
        let wBar = (0..<dimension).map { v[$0] + xBar[$0] / (normalization?.inputScale[$0] ?? 1) }
        var uBar = [Double](repeating: 0, count: dimension)
        try stepper.vjp(t, dt, record.input, cotangent: wBar, addingTo: &uBar)
        return uBar
    }

    private func normalizedInput(_ w: [Double]) -> [Double] {
        guard let normalization else { return w }
        return (0..<dimension).map { (w[$0] - normalization.inputShift[$0]) / normalization.inputScale[$0] }
    }

    /// Fits the normalization on reference trajectories `dt` apart: the states' mean and standard
    /// deviation, and the root mean square of the stepper's one-step errors, per component
    /// (spreads below 10⁻¹² of the largest fall back to that).
    func fitNormalization(_ trajectories: [[[Double]]], t0: Double, dt: Double) throws {
        let d = dimension
        var sum = [Double](repeating: 0, count: d), squares = sum, errors = sum, count = 0.0, steps = 0.0
        var next = [Double](repeating: 0, count: d)
        for trajectory in trajectories {
            for (k, u) in trajectory.enumerated() {
                for i in 0..<d { sum[i] += u[i]; squares[i] += u[i] * u[i] }
                count += 1
                guard k + 1 < trajectory.count else { continue }
                try stepper.step(t0 + Double(k) * dt, dt, u, into: &next)
                for i in 0..<d { let e = trajectory[k + 1][i] - next[i]; errors[i] += e * e }
                steps += 1
            }
        }
        func floored(_ v: [Double]) -> [Double] {
            let largest = v.max() ?? 1
            return v.map { Swift.max($0, largest > 0 ? 1e-12 * largest : 1) }
        }
        let mean = sum.map { $0 / count }
        let spread = (0..<d).map { Swift.max(squares[$0] / count - mean[$0] * mean[$0], 0).squareRoot() }
        normalization = Normalization(inputShift: mean, inputScale: floored(spread),
                                      outputScale: floored(errors.map { ($0 / Swift.max(steps, 1)).squareRoot() }))
    }

    /// The states after each of `steps` steps from `u0` at `t0` (corrected with `weights`, or the
    /// stepper alone with nil).
    public func rollout(from u0: [Double], t0: Double, dt: Double, steps: Int, weights: [Double]?) throws -> [[Double]] {
        guard u0.count == dimension else { throw ODEError.invalidArgument("u0 has \(u0.count) values; the state has \(dimension)") }
        var u = u0, record = StepRecord(input: [], stepped: [])
        return try (0..<steps).map { k in
            u = try step(t0 + Double(k) * dt, dt, u, weights: weights, record: &record)
            return u
        }
    }
}

/// Saving a trained correction: a safetensors checkpoint of kind `"corrected_stepper"` with the
/// network's architecture and weights. The stepper is code; loading takes it again.
extension CorrectedStepper {
    public static let checkpointKind = "corrected_stepper"

    public func checkpoint(weights: [Double]) -> Checkpoint {
        let normalizers = normalization.map { [("input_shift", Tensor($0.inputShift)), ("input_scale", Tensor($0.inputScale)),
                                                ("output_scale", Tensor($0.outputScale))] } ?? []
        return Checkpoint(kind: Self.checkpointKind, tensors: [("weights", Tensor(weights))] + normalizers,
                          metadata: [
            "widths": network.widths.map(String.init).joined(separator: ","),
            "activation": network.activation.rawValue,
        ])
    }

    public static func load(_ ck: Checkpoint, stepper: TimeStepper) throws -> (model: CorrectedStepper, weights: [Double]) {
        let widths = (ck.metadata["widths"] ?? "").split(separator: ",").compactMap { Int($0) }
        guard widths.count >= 2, widths.allSatisfy({ (1...65536).contains($0) }) else {
            throw CheckpointError.inconsistent("metadata 'widths' is missing or invalid")
        }
        guard let activation = Activation(rawValue: ck.metadata["activation"] ?? "") else {
            throw CheckpointError.inconsistent("activation '\(ck.metadata["activation"] ?? "")' is not supported")
        }
        guard widths[0] == stepper.dimension else {
            throw CheckpointError.inconsistent("the correction was saved for states of \(widths[0]) values; the stepper given has \(stepper.dimension)")
        }
        let model: CorrectedStepper
        do { model = try CorrectedStepper(stepper: stepper, network: DenseNetwork(widths: widths, activation: activation)) }
        catch { throw CheckpointError.inconsistent("\(error)") }
        guard let stored = ck["weights"], stored.shape == [model.network.parameterCount] else {
            throw CheckpointError.inconsistent("'weights' is missing or not of shape [\(model.network.parameterCount)]")
        }
        // A correction saved before its first training has no normalization yet.
        guard ck["input_shift"] != nil else { return (model, stored.scalars.array) }
        var normalization: [[Double]] = []
        for name in ["input_shift", "input_scale", "output_scale"] {
            guard let t = ck[name], t.shape == [widths[0]], t.scalars.array.allSatisfy(\.isFinite) else {
                throw CheckpointError.inconsistent("'\(name)' is missing or not \(widths[0]) finite values")
            }
            normalization.append(t.scalars.array)
        }
        model.normalization = Normalization(inputShift: normalization[0], inputScale: normalization[1], outputScale: normalization[2])
        return (model, stored.scalars.array)
    }
}
