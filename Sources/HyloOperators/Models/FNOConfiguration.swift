import HyloNN

/// The architecture of a Fourier neural operator (Li et al. 2021). Defaults are the paper's 1-D
/// Burgers setting: 16 modes, width 64, four Fourier layers, a 128-channel projection, GELU.
public struct FNOConfiguration: Codable, Equatable, Sendable {
    /// Modes kept per spatial axis: `[K]` for 1-D, `[K₁, K₂]` for 2-D.
    public var modes: [Int] = [16]
    public var width = 64
    public var layers = 4
    /// Channels of the input function a (the grid coordinates are appended to them).
    public var inChannels = 1
    /// Channels of the output function.
    public var outChannels = 1
    /// Hidden channels of the lifting network (0: one linear map from the inputs to `width`).
    public var liftingChannels = 0
    /// Hidden channels of the projection network back to the output channels.
    public var projectionChannels = 128
    public var activation = "gelu"
    /// Zero cells appended at the end of every spatial axis before the Fourier layers (and cut
    /// after them), for inputs that are not periodic.
    public var padding = 0
    /// Append the grid coordinates x ∈ [0, 1] as input channels (the paper does).
    public var appendGrid = true

    public init() {}

    public var dimensions: Int { modes.count }

    /// Why this configuration cannot be built, or `nil`.
    public var problem: String? {
        if !(1...2).contains(modes.count) { return "modes must name 1 or 2 axes, got \(modes.count)" }
        if let k = modes.first(where: { $0 < 1 || $0 > 4096 }) { return "modes must lie in 1…4096, got \(k)" }
        if !(1...4096).contains(width) { return "width must lie in 1…4096, got \(width)" }
        if !(1...64).contains(layers) { return "layers must lie in 1…64, got \(layers)" }
        if !(1...4096).contains(inChannels) { return "in_channels must lie in 1…4096, got \(inChannels)" }
        if !(1...4096).contains(outChannels) { return "out_channels must lie in 1…4096, got \(outChannels)" }
        if !(0...4096).contains(liftingChannels) { return "lifting_channels must lie in 0…4096, got \(liftingChannels)" }
        if !(1...4096).contains(projectionChannels) { return "projection_channels must lie in 1…4096, got \(projectionChannels)" }
        if Activation(rawValue: activation) == nil {
            return "activation must be one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")), got '\(activation)'"
        }
        if !(0...4096).contains(padding) { return "padding must lie in 0…4096, got \(padding)" }
        let weights = modes.reduce(2 * layers * width * width * (modes.count == 2 ? 2 : 1), *)
        if weights > 1 << 28 { return "the spectral weights would hold \(weights) numbers (more than 2^28)" }
        return nil
    }

    /// Why a grid of `sizes` points cannot be used with these modes, or `nil`.
    public func gridProblem(_ sizes: [Int]) -> String? {
        if sizes.count != dimensions { return "the grid has \(sizes.count) axes, the operator \(dimensions)" }
        let padded = sizes.map { $0 + padding }
        if padded[padded.count - 1] / 2 + 1 < modes[modes.count - 1] {
            return "\(sizes[sizes.count - 1]) points do not resolve \(modes[modes.count - 1]) modes (at least \(2 * modes[modes.count - 1] - 2 - padding) needed)"
        }
        if dimensions == 2 && padded[0] < 2 * modes[0] {
            return "\(sizes[0]) points do not resolve \(modes[0]) modes (at least \(2 * modes[0] - padding) needed)"
        }
        return nil
    }
}
