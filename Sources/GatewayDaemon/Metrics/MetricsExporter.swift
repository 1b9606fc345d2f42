import Foundation
import Prometheus
import Synchronization
import TrackerGateway

/// Turns the daemon's status into Prometheus metrics, at each scrape: the relay's hot path is
/// never instrumented.
///
/// Issue 12's names, Prometheus conventions (`_total` counters, base units, `_seconds`). The
/// status holds totals since start; counters move by the difference from the last scrape, gauges
/// are set. The `modem` label is the modem's position in the pool (`1`, `2`, …): no label or
/// value carries a number, a customer id or a body (DESIGN.md invariant 6).
public final class MetricsExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let state = Mutex(State())

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]
    }

    private struct State {
        var counters: [SeriesKey: (counter: Counter, total: Int)] = [:]
        var gauges: [SeriesKey: Gauge] = [:]
    }

    public init() {}

    /// The exposition for `status`, after moving every metric to it.
    public func scrape(_ status: DaemonStatus) -> String {
        state.withLock { state in update(&state, from: status) }
        var text = registry.emitToString()
        text += RelayDurationHistogram(status.relay).exposition(name: "trackerd_relay_duration_seconds",
                                                                 help: "Time from a tracker message's receipt to the last phone's acceptance.")
        return text
    }

    private func update(_ state: inout State, from status: DaemonStatus) {
        let relay = status.relay
        for (outcome, total) in [("relayed", relay.relayed), ("expired", relay.droppedExpired), ("undeliverable", relay.undeliverable)] {
            count(&state, "trackerd_relays_total", ["outcome": outcome], total,
                  help: "Tracker messages by what became of them: relayed to every phone, dropped as too old, or with no phone to go to.")
        }
        count(&state, "trackerd_rate_limited_total", ["kind": "message"], relay.rateLimited,
              help: "Messages over a tracker's or a phone's rate limit, deleted unrelayed.")
        count(&state, "trackerd_unknown_senders_total", [:], relay.unknownSenders, help: "Messages from numbers the registry does not know, deleted unread.")
        count(&state, "trackerd_duplicates_total", [:], relay.duplicates, help: "Second deliveries of a message already relayed.")
        gauge(&state, "trackerd_retries_pending", [:], Double(relay.pendingRetries), help: "Relays waiting for a retry now.")
        for (index, modem) in status.modems.enumerated() {
            let label = ["modem": "\(index + 1)"]
            count(&state, "trackerd_sends_total", label.merging(["result": "accepted"]) { $1 }, modem.sends,
                  help: "SMS a modem was asked to send, by whether the network accepted them.")
            count(&state, "trackerd_sends_total", label.merging(["result": "failed"]) { $1 }, modem.sendFailures,
                  help: "SMS a modem was asked to send, by whether the network accepted them.")
            gauge(&state, "trackerd_modem_up", label, modem.state == .ready ? 1 : 0, help: "1 while the modem is open and ready, else 0.")
            gauge(&state, "trackerd_modem_registered", label, Self.isRegistered(modem.registration) ? 1 : 0,
                  help: "1 while the modem is registered on a network (home or roaming), else 0.")
            gauge(&state, "trackerd_modem_signal_dbm", label, modem.signalDBm.map(Double.init) ?? .nan,
                  help: "Received signal strength at the last health probe; NaN when unknown.")
            gauge(&state, "trackerd_modem_storage_used", label, modem.storageUsed.map(Double.init) ?? .nan,
                  help: "Messages held in the modem's storage at the last look.")
            gauge(&state, "trackerd_modem_storage_capacity", label, modem.storageTotal.map(Double.init) ?? .nan,
                  help: "Messages the modem's storage can hold.")
            gauge(&state, "trackerd_last_received_timestamp_seconds", label, (modem.lastReceivedAt ?? status.startedAt).timeIntervalSince1970,
                  help: "When the modem last received a message (Unix time), or when the daemon started if none came since.")
        }
    }

    private func count(_ state: inout State, _ name: String, _ labels: [String: String], _ total: Int, help: String) {
        let pairs = labels.sorted { $0.key < $1.key }
        let key = SeriesKey(name: name, labels: pairs.flatMap { [$0.key, $0.value] })
        var series = state.counters[key] ?? (registry.makeCounter(descriptor: Self.descriptor(name, help), labels: pairs.map { ($0.key, $0.value) }), 0)
        if total > series.total { series.counter.increment(by: Int64(total - series.total)) }
        series.total = max(series.total, total)
        state.counters[key] = series
    }

    private func gauge(_ state: inout State, _ name: String, _ labels: [String: String], _ value: Double, help: String) {
        let pairs = labels.sorted { $0.key < $1.key }
        let key = SeriesKey(name: name, labels: pairs.flatMap { [$0.key, $0.value] })
        let gauge = state.gauges[key] ?? registry.makeGauge(descriptor: Self.descriptor(name, help), labels: pairs.map { ($0.key, $0.value) })
        state.gauges[key] = gauge
        gauge.set(value)
    }

    /// The whole name is given (`trackerd_relays_total`): unit and `_total` are part of the names.
    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static func isRegistered(_ registration: String?) -> Bool { registration == "home" || registration == "roaming" }
}
