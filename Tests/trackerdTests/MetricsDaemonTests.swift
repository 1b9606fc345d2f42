import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` of the real daemon, scraped before and after relays over real HTTP.
@Suite(.timeLimit(.minutes(1)))
struct MetricsDaemonTests {
    /// The port the daemon says it bound (asked for port 0: the kernel picks a free one).
    static func port(in log: String) -> Int? {
        guard let range = log.range(of: #"address=127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return nil }
        return Int(log[range].split(separator: ":").last ?? "")
    }

    static func get(_ port: Int, _ path: String = "/metrics") async throws -> (status: Int, contentType: String?, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type"), String(decoding: data, as: UTF8.self))
    }

    /// The value of the sample line that starts with `series` and a space.
    static func value(_ series: String, in body: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func countersMoveWithRelaysAndTheBodyHoldsNoNumber() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon(["--metrics-listen", "127.0.0.1:0"])
        let port = try #require(Self.port(in: h.log), "log:\n\(h.log.suffix(2000))")

        let before = try await Self.get(port)
        #expect(before.status == 200)
        #expect(before.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(Self.value(#"trackerd_relays_total{outcome="relayed"}"#, in: before.body) == 0)
        #expect(Self.value(#"trackerd_modem_up{modem="1"}"#, in: before.body) == 1)
        #expect(before.body.contains("# TYPE trackerd_relay_duration_seconds histogram"))

        let reports = ["lat:40.416775 long:-3.703790 metrics one", "lat:40.416776 long:-3.703791 metrics two"]
        for report in reports { try h.simulation.send(from: Cast.bobTracker, text: report) }
        try h.simulation.send(from: Cast.stranger, text: "who is this")
        #expect(await h.inbox(of: Cast.bobPhone, count: 2).count == 2)
        #expect(await h.waitForCounter("relayed", atLeast: 2))
        #expect(await h.waitForCounter("unknownSenders", atLeast: 1))

        let after = try await Self.get(port)
        #expect(Self.value(#"trackerd_relays_total{outcome="relayed"}"#, in: after.body) == 2)
        #expect(Self.value(#"trackerd_sends_total{modem="1",result="accepted"}"#, in: after.body) == 2)
        #expect(Self.value(#"trackerd_unknown_senders_total"#, in: after.body) == 1)
        #expect(Self.value(#"trackerd_modem_registered{modem="1"}"#, in: after.body) == 1)
        let received = try #require(Self.value(#"trackerd_last_received_timestamp_seconds{modem="1"}"#, in: after.body))
        #expect(abs(received - Date().timeIntervalSince1970) < 600)

        let leaks = PII.needles(extra: reports + ["who is this", "40.416775", h.linkPath]).filter { after.body.contains($0) }
        #expect(leaks.isEmpty, "the metrics carry \(leaks)")
        #expect(try await Self.get(port, "/").status == 404)
    }

    @Test func withoutMetricsListenNothingListens() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        #expect(!h.log.contains("metrics endpoint listening"))
    }

    @Test func anAddressInUseStopsStartUpWithOneLine() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon(["--metrics-listen", "127.0.0.1:0"])
        let port = try #require(Self.port(in: h.log))
        // A second gateway on a data directory of its own (one on the same directory is refused
        // earlier, by the daemon lock) whose metrics address is taken.
        let other = try DaemonHarness()
        defer { other.shutDown() }
        let second = try ProcessRunner.run("trackerd", [
            "run", "--device", other.root.appendingPathComponent("absent").path, "--own-number", Cast.gateway,
            "--data-dir", other.dataDirectory.path, "--metrics-listen", "127.0.0.1:\(port)",
        ])
        #expect(second.status == 78)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(second.stderr)")
        #expect(lines.first?.hasPrefix("trackerd: metrics.listen 127.0.0.1:\(port): cannot listen: ") == true, "\(second.stderr)")
    }
}
