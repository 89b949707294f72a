/// How a hybrid model's network enters the right-hand side, with `f = f_physics(t, y; p)`:
public enum HybridCoupling: String, Sendable, CaseIterable {
    /// `y'_i = f_i + g_k(y)` for the listed state components i (the k-th output goes to the k-th
    /// listed component): the universal differential equation's additive closure.
    case additive
    /// `y'_i = f_i + g_k(y, f)`: the network sees the state and the physics' output and corrects
    /// the latter (a learned post-processing of an imperfect model's tendencies).
    case physicsOutput = "physics_output"
    /// `y' = f_physics(t, y; q)` with `q_j = p_j + h_k(y)` for the listed physical parameters j: the
    /// network predicts state-dependent parameters (closure relations of a known equation's
    /// coefficients), with `p_j` their baseline value.
    case parameters
    /// `y' = f + J ∇H(y)` with `J = [[0, I], [−I, 0]]` on the state `(q, p)`: a Hamiltonian neural
    /// network (Greydanus et al. 2019) whose scalar output `H` is an energy the learned dynamics
    /// conserve exactly (with no physics, the model is a pure Hamiltonian network).
    case hamiltonian

    /// The network's input width for a state of `dimension` components.
    public func networkInputs(dimension: Int) -> Int { self == .physicsOutput ? 2 * dimension : dimension }
}
