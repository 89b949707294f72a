/// How a tensor was made: the op's inputs and the rule that maps the gradient of its output to
/// gradients of its inputs (a vector–Jacobian product).
///
/// Backward rules are written with the same differentiable ops as forward code. When gradients are
/// taken with `createGraph: true` the rules run with recording on, so the gradients are themselves
/// differentiable: gradient-of-gradient, Hessian–vector products, input derivatives of any order.
/// The graph lives exactly as long as some tensor refers to it; nothing is global.
final class Node {
    typealias Backward = (_ gradOutput: Tensor, _ output: Tensor) -> [Tensor?]

    private(set) var inputs: [Tensor]
    private(set) var backward: Backward?
    let shape: [Int]
    /// The output's values, kept only for rules that need them (tanh, exp, sigmoid …).
    let savedOutput: ScalarBuffer?

    /// A leaf: a tensor gradients are taken with respect to.
    init(leafOf shape: [Int]) {
        inputs = []
        backward = nil
        self.shape = shape
        savedOutput = nil
    }

    init(inputs: [Tensor], shape: [Int], savedOutput: ScalarBuffer?, backward: @escaping Backward) {
        self.inputs = inputs
        self.backward = backward
        self.shape = shape
        self.savedOutput = savedOutput
    }

    /// Releases a long chain of nodes iteratively: the default recursive release of a graph with
    /// 10⁵ steps (an unrolled ODE solve) would overflow the stack.
    deinit {
        var pending = takeInputNodes()
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) { pending.append(contentsOf: node.takeInputNodes()) }
        }
    }

    /// Moves out the references this node holds to other nodes (its inputs and its rule's captures).
    private func takeInputNodes() -> [Node] {
        let nodes = inputs.compactMap(\.node)
        inputs = []
        backward = nil
        return nodes
    }
}

/// Per-thread autodiff switches.
struct AutodiffState {
    var recording = true
}

let autodiffState = ThreadLocal { AutodiffState() }

/// Whether ops on this thread currently record a graph.
public var isRecordingGradients: Bool { autodiffState.value.recording }

/// Runs `body` without recording: results are constants. Use for inference and optimizer updates.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try withRecording(false, body)
}

func withRecording<R>(_ on: Bool, _ body: () throws -> R) rethrows -> R {
    let saved = autodiffState.value.recording
    autodiffState.value.recording = on
    defer { autodiffState.value.recording = saved }
    return try body()
}

extension Tensor {
    /// Makes the result of an op: records a node when recording is on and any input requires grad.
    ///
    /// - Parameters:
    ///   - saveOutput: keep the output values for `backward` (reached as its second argument).
    ///   - backward: maps the output gradient to one gradient (or `nil`) per input, each of the
    ///     input's shape.
    static func record(
        _ scalars: ScalarBuffer, shape: [Int], inputs: [Tensor], saveOutput: Bool = false,
        backward: @escaping Node.Backward
    ) -> Tensor {
        guard autodiffState.value.recording, inputs.contains(where: { $0.node != nil }) else {
            return Tensor(shape: shape, scalars: scalars, node: nil)
        }
        let node = Node(inputs: inputs, shape: shape, savedOutput: saveOutput ? scalars : nil,
                        backward: backward)
        return Tensor(shape: shape, scalars: scalars, node: node)
    }
}

extension Tensor {
    /// An op computed by a fused kernel outside the engine: `value` is its output (computed from
    /// `inputs`), `vjp` maps the output's cotangent to one cotangent (or `nil`) per input, each of
    /// the input's shape. Recorded like any built-in op when an input requires gradients.
    ///
    /// Under `gradients(…, createGraph: true)` `vjp` runs with recording on; a kernel that computes
    /// its cotangents directly yields constants there, so for higher derivatives it should build
    /// them from differentiable ops (for instance by differentiating a composed reference
    /// implementation) when `isRecordingGradients` is true.
    public static func fused(_ value: Tensor, inputs: [Tensor], vjp: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        record(value.scalars, shape: value.shape, inputs: inputs) { g, _ in vjp(g) }
    }
}

/// Gradients of a scalar (or of `⟨seed, output⟩` for a non-scalar output) with respect to `inputs`.
///
/// - Parameters:
///   - output: the tensor to differentiate.
///   - inputs: tensors made by `requiringGrad()` or by ops on them.
///   - seed: the cotangent of `output`; defaults to ones (so a scalar output gets d output / d input).
///   - createGraph: record the backward pass, making the gradients differentiable.
/// - Returns: one gradient per input, of the input's shape; zeros where the output does not depend
///   on the input.
public func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil,
                      createGraph: Bool = false) -> [Tensor] {
    let seedValue = seed ?? Tensor.ones(output.shape)
    precondition(seedValue.shape == output.shape, "seed shape \(seedValue.shape) ≠ output shape \(output.shape)")
    guard let root = output.node else { return inputs.map { Tensor.zeros($0.shape) } }

    let targets = Set(inputs.compactMap { $0.node.map(ObjectIdentifier.init) })
    let order = topologicalOrder(from: root, reaching: targets)
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seedValue]

    withRecording(createGraph) {
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard let g = grads[id], let backward = node.backward else { continue }
            if !targets.contains(id) { grads[id] = nil }  // free intermediate gradients as we go
            let out = Tensor(shape: node.shape, scalars: node.savedOutput ?? Tensor.noScalars, node: node)
            let inputGrads = backward(g, out)
            for (input, ig) in zip(node.inputs, inputGrads) {
                guard let inNode = input.node, let ig, order.contains(inNode) else { continue }
                let key = ObjectIdentifier(inNode)
                if let existing = grads[key] { grads[key] = existing + ig } else { grads[key] = ig }
            }
        }
    }
    return inputs.map { x in
        guard let n = x.node, let g = grads[ObjectIdentifier(n)] else { return Tensor.zeros(x.shape) }
        return g
    }
}

/// The nodes from which some target is reachable, in an order where every node follows its inputs.
private func topologicalOrder(from root: Node, reaching targets: Set<ObjectIdentifier>) -> NodeList {
    var reaches: [ObjectIdentifier: Bool] = [:]
    var order: [Node] = []
    // Iterative post-order DFS: deep graphs (long ODE unrolls) must not overflow the stack.
    var stack: [(Node, Int)] = [(root, 0)]
    var onStack: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
    while let (node, next) = stack.popLast() {
        let id = ObjectIdentifier(node)
        if next < node.inputs.count {
            stack.append((node, next + 1))
            if let child = node.inputs[next].node {
                let cid = ObjectIdentifier(child)
                if reaches[cid] == nil, !onStack.contains(cid) {
                    onStack.insert(cid)
                    stack.append((child, 0))
                }
            }
            continue
        }
        onStack.remove(id)
        let r = targets.contains(id) || node.inputs.contains { inp in
            inp.node.map { reaches[ObjectIdentifier($0)] ?? false } ?? false
        }
        reaches[id] = r
        if r { order.append(node) }
    }
    return NodeList(order)
}

/// Nodes in topological order with O(1) membership.
private struct NodeList {
    let nodes: [Node]
    let members: Set<ObjectIdentifier>
    init(_ nodes: [Node]) { self.nodes = nodes; members = Set(nodes.map(ObjectIdentifier.init)) }
    func reversed() -> ReversedCollection<[Node]> { nodes.reversed() }
    func contains(_ n: Node) -> Bool { members.contains(ObjectIdentifier(n)) }
}

/// The vector–Jacobian product `vᵀ J` of `f` at `x`, with the value `f(x)`.
public func valueAndPullback(at x: [Tensor], cotangent v: Tensor? = nil, createGraph: Bool = false,
                             of f: ([Tensor]) -> Tensor) -> (value: Tensor, vjp: [Tensor]) {
    let leaves = x.map { $0.requiresGrad ? $0 : $0.requiringGrad() }
    let y = withRecording(true) { f(leaves) }
    return (y.detachedUnless(createGraph), gradients(of: y, wrt: leaves, seed: v, createGraph: createGraph))
}

/// The Jacobian–vector product `J u` of `f` at `x`, computed as the derivative of a vector–Jacobian
/// product with respect to its cotangent (the "double-vjp" trick), so it needs only reverse mode.
public func jacobianVectorProduct(at x: [Tensor], tangents u: [Tensor],
                                  of f: ([Tensor]) -> Tensor) -> (value: Tensor, jvp: Tensor) {
    precondition(x.count == u.count, "one tangent per input")
    let leaves = x.map { $0.requiresGrad ? $0 : $0.requiringGrad() }
    return withRecording(true) {
        let y = f(leaves)
        let v = Tensor.zeros(y.shape).requiringGrad()
        let vjp = gradients(of: y, wrt: leaves, seed: v, createGraph: true)
        var dot = Tensor(0)
        for (g, t) in zip(vjp, u) { dot = dot + (g * t).sum() }
        let jvp = gradients(of: dot, wrt: [v])[0]
        return (y.detached(), jvp)
    }
}

extension Tensor {
    /// Stands in for the output values of rules that do not keep them.
    static let noScalars = ScalarBuffer(repeating: 0, count: 0)

    /// `record` for ops that build their result as an array.
    static func record(_ scalars: [Double], shape: [Int], inputs: [Tensor], saveOutput: Bool = false,
                       backward: @escaping Node.Backward) -> Tensor {
        record(ScalarBuffer(scalars), shape: shape, inputs: inputs, saveOutput: saveOutput, backward: backward)
    }

    func detachedUnless(_ keep: Bool) -> Tensor { keep ? self : detached() }
}
