import Glibc

/// Candidate terms for equation discovery: named functions of the state.
public struct CandidateLibrary: Sendable {
    public let names: [String]
    let functions: [@Sendable ([Double]) -> Double]

    /// Every monomial of the variables up to `degree` (including the constant 1).
    public static func polynomials(variables: [String], degree: Int) -> CandidateLibrary {
        var exponents: [[Int]] = [Array(repeating: 0, count: variables.count)]
        for _ in 0..<degree {
            var next: [[Int]] = []
            for e in exponents where e.reduce(0, +) == exponents.last!.reduce(0, +) {
                for v in 0..<variables.count where e[(v + 1)...].allSatisfy({ $0 == 0 }) {
                    var f = e
                    f[v] += 1
                    next.append(f)
                }
            }
            exponents += next
        }
        let names = exponents.map { e -> String in
            let factors = e.enumerated().filter { $0.element > 0 }.map { $0.element == 1 ? variables[$0.offset] : "\(variables[$0.offset])^\($0.element)" }
            return factors.isEmpty ? "1" : factors.joined(separator: "*")
        }
        let functions: [@Sendable ([Double]) -> Double] = exponents.map { e in
            { x in e.enumerated().reduce(1.0) { $0 * pow(x[$1.offset], Double($1.element)) } }
        }
        return CandidateLibrary(names: names, functions: functions)
    }

    /// sin and cos of each variable.
    public static func trigonometric(variables: [String]) -> CandidateLibrary {
        var names: [String] = [], functions: [@Sendable ([Double]) -> Double] = []
        for (i, v) in variables.enumerated() {
            names += ["sin(\(v))", "cos(\(v))"]
            functions += [{ sin($0[i]) }, { cos($0[i]) }]
        }
        return CandidateLibrary(names: names, functions: functions)
    }

    public static func + (a: CandidateLibrary, b: CandidateLibrary) -> CandidateLibrary {
        CandidateLibrary(names: a.names + b.names, functions: a.functions + b.functions)
    }

    func row(_ x: [Double]) -> [Double] { functions.map { $0(x) } }

    /// The library of the listed terms only.
    func restricted(to terms: [Int]) -> CandidateLibrary {
        CandidateLibrary(names: terms.map { names[$0] }, functions: terms.map { functions[$0] })
    }
}

/// Sequentially thresholded least squares (STLSQ; Brunton, Proctor & Kutz, PNAS 2016): fit every
/// target as a linear combination of library terms, zero the coefficients below `threshold`,
/// refit on the terms left, and repeat until the support stops changing. Returns one coefficient
/// row per target (targets: samples × outputs).
public func sparseRegression(samples: [[Double]], targets: [[Double]], library: CandidateLibrary,
                             threshold: Double, ridge: Double = 1e-10, maxIterations: Int = 20) throws -> [[Double]] {
    guard !samples.isEmpty, samples.count == targets.count else {
        throw ODEError.invalidArgument("sparse regression needs as many target rows as samples (\(samples.count) vs \(targets.count))")
    }
    let theta = samples.map(library.row)
    let outputs = targets[0].count, terms = library.names.count
    return try (0..<outputs).map { o in
        var active = Array(repeating: true, count: terms)
        var xi = [Double](repeating: 0, count: terms)
        for _ in 0..<maxIterations {
            let columns = (0..<terms).filter { active[$0] }
            guard !columns.isEmpty else { return Array(repeating: 0, count: terms) }
            let fitted = try leastSquares(theta, targets.map { $0[o] }, columns: columns, ridge: ridge)
            xi = Array(repeating: 0, count: terms)
            for (k, c) in columns.enumerated() { xi[c] = fitted[k] }
            let next = (0..<terms).map { active[$0] && abs(xi[$0]) >= threshold }
            if next == active { break }
            active = next
        }
        return xi.enumerated().map { active[$0.offset] ? $0.element : 0 }
    }
}

/// Ridge-regularized least squares on a subset of columns, by the normal equations.
private func leastSquares(_ A: [[Double]], _ b: [Double], columns: [Int], ridge: Double) throws -> [Double] {
    let m = columns.count
    var normal = [Double](repeating: 0, count: m * m), rhs = [Double](repeating: 0, count: m)
    for (row, value) in zip(A, b) {
        for (i, ci) in columns.enumerated() {
            rhs[i] += row[ci] * value
            for (j, cj) in columns.enumerated() { normal[i * m + j] += row[ci] * row[cj] }
        }
    }
    let scale = (0..<m).reduce(0.0) { max($0, normal[$1 * m + $1]) }
    for i in 0..<m { normal[i * m + i] += ridge * max(scale, 1) }
    guard let lu = DenseLU(normal, n: m) else { throw ODEError.invalidArgument("the library's columns are linearly dependent") }
    lu.solve(&rhs)
    return rhs
}
