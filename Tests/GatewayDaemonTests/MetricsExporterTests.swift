import Foundation
@testable import GatewayDaemon
import Testing
import TrackerGateway

/// The exposition the metrics endpoint serves, from status snapshots alone.
@Suite struct MetricsExporterTests {
    static func status(relayed: Int, sends: Int, failures: Int, signal: Int?) -> DaemonStatus {
        var modem = ModemSnapshot(device: "/dev/ttyUSB2", number: NumberMask.mask("+4917000000001"), receiveMode: "storage")
        modem.state = .ready
        modem.registration = "home"
        modem.signalDBm = signal
        modem.storageUsed = 3
        modem.storageTotal = 30
        modem.sends = sends
        modem.sendFailures = failures
        modem.lastReceivedAt = Date(timeIntervalSince1970: 1_764_576_000)
        var second = ModemSnapshot(device: "/dev/ttyUSB6", number: NumberMask.mask("+4917000000002"), receiveMode: "direct")
        second.state = .waitingForDevice
        var relay = RelayCounters()
        relay.relayed = relayed
        relay.unknownSenders = 2
        relay.duplicates = 1
        relay.rateLimited = 4
        relay.pendingRetries = 1
        return DaemonStatus(pid: 1, startedAt: Date(timeIntervalSince1970: 1_764_570_000), modems: [modem, second], relay: relay)
    }

    /// `name{labels} value` lines as a dictionary.
    static func samples(_ text: String) -> [String: String] {
        var samples: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func countersFollowTheStatusAndGaugesTakeItsValues() {
        let exporter = MetricsExporter()
        let before = Self.samples(exporter.scrape(Self.status(relayed: 0, sends: 0, failures: 0, signal: nil)))
        #expect(before[#"trackerd_relays_total{outcome="relayed"}"#] == "0")
        #expect(before[#"trackerd_modem_signal_dbm{modem="1"}"#] == "nan", "Prometheus reads nan as NaN")
        #expect(before[#"trackerd_modem_up{modem="1"}"#] == "1.0")
        #expect(before[#"trackerd_modem_up{modem="2"}"#] == "0.0")

        let after = Self.samples(exporter.scrape(Self.status(relayed: 5, sends: 7, failures: 2, signal: -71)))
        #expect(after[#"trackerd_relays_total{outcome="relayed"}"#] == "5")
        #expect(after[#"trackerd_sends_total{modem="1",result="accepted"}"#] == "7")
        #expect(after[#"trackerd_sends_total{modem="1",result="failed"}"#] == "2")
        #expect(after[#"trackerd_unknown_senders_total"#] == "2")
        #expect(after[#"trackerd_duplicates_total"#] == "1")
        #expect(after[#"trackerd_rate_limited_total{kind="message"}"#] == "4")
        #expect(after[#"trackerd_retries_pending"#] == "1.0")
        #expect(after[#"trackerd_modem_signal_dbm{modem="1"}"#] == "-71.0")
        #expect(after[#"trackerd_modem_registered{modem="1"}"#] == "1.0")
        #expect(after[#"trackerd_modem_registered{modem="2"}"#] == "0.0")
        #expect(after[#"trackerd_modem_storage_used{modem="1"}"#] == "3.0")
        #expect(after[#"trackerd_modem_storage_capacity{modem="1"}"#] == "30.0")
        #expect(after[#"trackerd_last_received_timestamp_seconds{modem="1"}"#] == "1764576000.0")
        #expect(after[#"trackerd_last_received_timestamp_seconds{modem="2"}"#] == "1764570000.0", "a modem that never received counts from the start")

        // The same totals again move nothing.
        let again = Self.samples(exporter.scrape(Self.status(relayed: 5, sends: 7, failures: 2, signal: -71)))
        #expect(again[#"trackerd_relays_total{outcome="relayed"}"#] == "5")
    }

    @Test func theBodyHoldsNoNumberOnlyPositions() {
        let text = MetricsExporter().scrape(Self.status(relayed: 1, sends: 1, failures: 0, signal: -80))
        for needle in ["+4917000000001", "4917000000001", "0001", "ttyUSB", "•"] {
            #expect(!text.contains(needle), "\(needle) in the metrics")
        }
        #expect(text.contains("# TYPE trackerd_relays_total counter"))
        #expect(text.contains("# TYPE trackerd_modem_up gauge"))
        #expect(text.contains("# TYPE trackerd_relay_duration_seconds histogram"))
    }

    @Test func theHistogramIsWrittenOutFromCumulativeBuckets() {
        let histogram = RelayDurationHistogram(bounds: [0.005, 0.1, 1], cumulative: [2, 5, 5, 6], sum: 12.25, count: 6)
        #expect(histogram.exposition(name: "x_seconds", help: "H.") == """
            # HELP x_seconds H.
            # TYPE x_seconds histogram
            x_seconds_bucket{le="0.005"} 2
            x_seconds_bucket{le="0.1"} 5
            x_seconds_bucket{le="1"} 5
            x_seconds_bucket{le="+Inf"} 6
            x_seconds_sum 12.25
            x_seconds_count 6

            """)
    }
}
