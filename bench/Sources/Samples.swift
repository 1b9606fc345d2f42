/// Durations measured in a run, with the summary figures the report prints.
struct Samples {
    private(set) var values: [Duration] = []

    mutating func add(_ value: Duration) { values.append(value) }

    var count: Int { values.count }

    /// Nearest-rank percentile, `p` in 0…100.
    func percentile(_ p: Double) -> Duration? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var mean: Duration? {
        guard !values.isEmpty else { return nil }
        return values.reduce(.zero, +) / values.count
    }
}

extension Duration {
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }

    var milliseconds: Double { microseconds / 1000 }

    var seconds: Double { microseconds / 1e6 }
}
