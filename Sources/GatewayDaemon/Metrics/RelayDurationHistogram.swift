import TrackerGateway

/// `trackerd_relay_duration_seconds`: how long relays took from receipt to the last acceptance,
/// as the relay's counters already hold it — cumulative buckets with fixed upper bounds.
///
/// Written out here rather than through swift-prometheus' `Histogram`, which takes only single
/// observations: the relay aggregates on its own thread (its hot path stays free of metrics), so
/// what reaches the exporter is buckets, a sum and a count, and the exposition is their
/// Prometheus text form (exposition formats, "Histograms and summaries").
struct RelayDurationHistogram: Equatable {
    /// Upper bounds in seconds, ascending, without +Inf.
    var bounds: [Double]
    /// `cumulative[i]` relays took at most `bounds[i]`; one more entry for +Inf.
    var cumulative: [Int]
    var sum: Double
    var count: Int

    init(bounds: [Double], cumulative: [Int], sum: Double, count: Int) {
        self.bounds = bounds
        self.cumulative = cumulative
        self.sum = sum
        self.count = count
    }

    /// The relay's histogram. The relay does not time its relays yet (the lead adds
    /// `RelayCounters.relayDurationBuckets`), so until then the metric has no samples.
    init(_ counters: RelayCounters) {
        self.init(bounds: [], cumulative: [], sum: 0, count: 0)
    }

    /// `# HELP`, `# TYPE` and, once there are buckets, each `_bucket{le=…}`, `_sum` and `_count`.
    func exposition(name: String, help: String) -> String {
        var lines = ["# HELP \(name) \(help)", "# TYPE \(name) histogram"]
        if cumulative.count == bounds.count + 1, !bounds.isEmpty {
            for (bound, total) in zip(bounds, cumulative) {
                lines.append("\(name)_bucket{le=\"\(Self.format(bound))\"} \(total)")
            }
            lines.append("\(name)_bucket{le=\"+Inf\"} \(cumulative[bounds.count])")
            lines.append("\(name)_sum \(Self.format(sum))")
            lines.append("\(name)_count \(count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `0.005`, `1`, `2.5`: the shortest form Prometheus reads back as the same value.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
