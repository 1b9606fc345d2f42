import Foundation
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The privacy invariants checked on the bytes a real run leaves behind: no location in the data
/// directory or the logs (invariants 1 and 6), no account PII readable in the database or its WAL
/// (invariant 4), and nothing left on the SIM (invariant 2).
@Suite(.timeLimit(.minutes(2)))
struct DaemonPrivacyTests {
    /// A tracker report with coordinates no other report has.
    static func report(_ number: Int) -> (text: String, coordinates: [String]) {
        let lat = String(format: "%.6f", 10 + Double(number) * 0.013579)
        let lon = String(format: "%.6f", -20 - Double(number) * 0.024681)
        let text = "help me!\nlat:\(lat)\nlong:\(lon)\nspeed:0.00\nT:26/11/23 09:\(number % 60)\nhttp://maps.google.com/maps?f=q&q=\(lat),\(lon)&z=16"
        return (text, [lat, lon])
    }

    @Test func afterTwoHundredRelaysNoBodyOrCoordinateIsAnywhereAndStorageIsEmpty() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let daemon = try await h.startDaemon(["--tracker-per-hour", "100000", "--tracker-burst", "1000"])
        let reports = (1...200).map(Self.report)
        // In batches below the SIM's 30 slots, as a real network would trickle them in.
        for batch in stride(from: 0, to: reports.count, by: 20) {
            for report in reports[batch..<min(batch + 20, reports.count)] {
                try h.simulation.send(from: Cast.bobTracker, text: report.text)
            }
            let received = await h.inbox(of: Cast.bobPhone, count: batch + 20)
            try #require(received.count >= batch + 20, "stalled after \(received.count) relays")
        }
        #expect(Set(h.inbox(of: Cast.bobPhone).map(\.text)) == Set(reports.map(\.text)))
        #expect(await h.waitForCounter("relayed", atLeast: 200))
        #expect(await h.waitForEmptyStorage())

        var needles = reports.flatMap { [$0.text] + $0.coordinates }
        // A body that survived only as a log line's hex or as one of its own lines.
        needles += reports.map { Data($0.text.utf8).map { String(format: "%02X", $0) }.joined() }
        needles += reports.map { "q=\($0.coordinates[0]),\($0.coordinates[1])" }

        // While running (WAL and SHM present) and after a clean stop.
        var files = ByteScan.files(under: h.dataDirectory) + [h.logURL]
        #expect(ByteScan.hits(of: needles, in: files).isEmpty)
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        files = ByteScan.files(under: h.dataDirectory) + [h.logURL]
        let hits = ByteScan.hits(of: needles, in: files)
        #expect(hits.isEmpty, "found \(hits.prefix(5).map { "\($0.file): \($0.needle.prefix(40))" })")
        // Nor a full number: the log masks them all.
        let numbers = ByteScan.hits(of: PII.needles(), in: [h.logURL])
        #expect(numbers.isEmpty, "log holds \(numbers.map(\.needle))")
        // The log was written at debug level, so a leaking line would have been there to find.
        #expect(h.log.contains("relayed"))
        #expect(h.simulation.storedMessages().isEmpty)
    }

    @Test func noNameNumberOrEmailIsReadableInTheDatabaseOrItsWAL() async throws {
        let h = try DaemonHarness(registry: false)
        defer { h.shutDown() }
        // A registry made here by the CLI (not the shared copy), so its first writes are scanned too.
        try RegistryTemplate.fill(h.dataDirectory)
        try expectNoPII(in: h, when: "after registration")

        let daemon = try await h.startDaemon()
        try h.simulation.send(from: Cast.adaPhones[2], text: "STOP")
        #expect(await h.inbox(of: Cast.adaPhones[2], count: 1).count == 1)
        try h.simulation.send(from: Cast.adaPhones[2], text: "START")
        #expect(await h.inbox(of: Cast.adaPhones[2], count: 2).count == 2)
        try h.simulation.send(from: Cast.adaCar.number, text: "lat:1.234567 long:2.345678")
        #expect(await h.waitForCounter("relayed", atLeast: 1))
        let files = ByteScan.files(under: h.dataDirectory).map(\.lastPathComponent)
        #expect(files.contains { $0.hasSuffix("-wal") }, "expected a WAL while the daemon runs: \(files)")
        try expectNoPII(in: h, when: "while the daemon runs")

        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        try expectNoPII(in: h, when: "after the daemon stopped")
        #expect(!h.log.contains(Cast.adaName) && !h.log.contains(Cast.adaPhones[2]))
    }

    private func expectNoPII(in h: DaemonHarness, when: String) throws {
        // The gateway's own number is the operator's, kept readable on purpose (Registry.setGatewayOwnNumber).
        let gateway = [Cast.gateway, String(Cast.gateway.dropFirst()), String(Cast.gateway.suffix(10))]
        let needles = PII.needles().filter { !gateway.contains($0) }
        let files = ByteScan.files(under: h.dataDirectory)
        try #require(files.contains { $0.lastPathComponent == "registry.sqlite" })
        for file in files {
            let data = try Data(contentsOf: file)
            // `strings` over the file, and the raw bytes as well (a needle may sit next to binary).
            let runs = ByteScan.printableRuns(of: data)
            let readable = needles.filter { needle in runs.contains { $0.contains(needle) } }
            #expect(readable.isEmpty, "\(when): \(file.lastPathComponent) shows \(readable)")
            let raw = needles.filter { data.range(of: Data($0.utf8)) != nil }
            #expect(raw.isEmpty, "\(when): \(file.lastPathComponent) holds \(raw)")
            // UTF-16 too, in case a field was stored as UCS-2 text.
            let wide = needles.filter { needle in
                data.range(of: Data(needle.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })) != nil
                    || data.range(of: Data(needle.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })) != nil
            }
            #expect(wide.isEmpty, "\(when): \(file.lastPathComponent) holds UTF-16 \(wide)")
        }
    }
}
