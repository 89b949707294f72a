import HyloCore

/// How ABC compares a simulation with the observation: summary statistics s(x) (the simulator's
/// output, or semi-automatic ones), an optional per-statistic scale, and the distance.
struct ABCComparison {
    let settings: ABCSettings
    /// The semi-automatic summary: a regression of θ on polynomial features of x.
    let regression: LinearRegression?
    let scales: [Double]
    /// s(xₒ).
    let observed: [Double]

    /// Fits the summaries and scales on the valid pilot simulations (θ `[n, d]`, x `[n, c]`).
    init(settings: ABCSettings, observation: [Double], pilotTheta: Tensor, pilotX: Tensor) throws {
        self.settings = settings
        if case .semiAutomatic(_, let degree) = settings.summary {
            guard pilotX.shape[0] > pilotX.shape[1] * degree + 1 else {
                throw ABCError("semi-automatic summaries need more valid pilot simulations (\(pilotX.shape[0])) than regression features (\(pilotX.shape[1] * degree + 1))")
            }
            regression = try LinearRegression(features: polynomialFeatures(pilotX, degree: degree), targets: pilotTheta)
        } else {
            regression = nil
        }
        let width = regression?.targets ?? pilotX.shape[1]
        observed = Self.summarize(Tensor(shape: [1, pilotX.shape[1]], scalars: observation), regression, settings.summary).scalars.map { $0 }
        let pilot = Self.summarize(pilotX, regression, settings.summary)
        scales = (0..<width).map { j in
            guard settings.scale == .mad, pilot.shape[0] > 1 else { return 1 }
            let mad = medianAbsoluteDeviation(stride(from: j, to: pilot.count, by: width).map { pilot.scalars[$0] })
            return mad > 0 && mad.isFinite ? mad : 1
        }
    }

    /// s(x) for rows of x.
    func summarize(_ x: Tensor) -> Tensor { Self.summarize(x, regression, settings.summary) }

    private static func summarize(_ x: Tensor, _ regression: LinearRegression?, _ summary: ABCSettings.Summary) -> Tensor {
        guard let regression, case .semiAutomatic(_, let degree) = summary else { return x }
        return regression.predict(polynomialFeatures(x, degree: degree))
    }

    /// The distance of each row of x to the observation (+∞ for invalid rows).
    func distances(_ x: Tensor, valid: [Bool]) -> [Double] {
        let s = summarize(x)
        let width = observed.count
        return (0..<x.shape[0]).map { i in
            guard valid[i] else { return .infinity }
            var total = 0.0
            for j in 0..<width {
                let e = (s.scalars[i * width + j] - observed[j]) / scales[j]
                total += settings.distance == .l1 ? Swift.abs(e) : e * e
            }
            switch settings.distance {
            case .l2: return total.squareRoot()
            case .l1: return total
            case .mse: return total / Double(width)
            }
        }
    }
}

/// median |vᵢ − median v|.
func medianAbsoluteDeviation(_ v: [Double]) -> Double {
    func median(_ a: [Double]) -> Double {
        let s = a.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }
    let m = median(v)
    return median(v.map { Swift.abs($0 - m) })
}
