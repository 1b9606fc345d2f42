import Foundation
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real daemon under a pretend systemd: a datagram socket in `NOTIFY_SOCKET`, a watchdog in
/// `WATCHDOG_USEC`, a journal stream in `JOURNAL_STREAM`.
@Suite(.timeLimit(.minutes(1)))
struct SystemdDaemonTests {
    /// `trackerd run` on the harness's modem with `environment` added.
    static func start(_ h: DaemonHarness, environment: [String: String]) throws -> DaemonProcess {
        try DaemonProcess(arguments: ["run", "--device", h.linkPath, "--own-number", Cast.gateway, "--data-dir", h.dataDirectory.path, "--log-level", "debug"],
                          log: h.logURL, environment: environment)
    }

    static func statuses(_ socket: NotifySocket) -> [String] {
        socket.assignments.filter { $0.hasPrefix("STATUS=") }
    }

    @Test func saysReadyPingsTheWatchdogReportsStatusAndSaysStopping() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let socket = try NotifySocket(path: h.root.appendingPathComponent("notify").path)
        defer { socket.close() }
        let daemon = try Self.start(h, environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "400000"])
        defer { daemon.kill(signal: SIGKILL) }

        try #require(await poll { socket.assignments.contains("READY=1") }, "log:\n\(h.log.suffix(3000))")
        #expect(socket.assignments.first == "READY=1", "READY before anything else")
        // Regular pings, at half the timeout.
        #expect(await poll { socket.assignments.filter { $0 == "WATCHDOG=1" }.count >= 4 })

        let report = "lat:40.416775 long:-3.703790 under systemd"
        try h.simulation.send(from: Cast.bobTracker, text: report)
        #expect(await h.inbox(of: Cast.bobPhone, count: 1).count == 1)
        #expect(await poll { Self.statuses(socket).contains("STATUS=1/1 modems ready, 1 relay today") }, "\(Self.statuses(socket))")
        let leaks = PII.needles(extra: [report, "40.416775"]).filter { needle in socket.messages.contains { $0.contains(needle) } }
        #expect(leaks.isEmpty, "STATUS carries \(leaks)")

        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0, "log:\n\(h.log.suffix(2000))")
        #expect(socket.assignments.contains("STOPPING=1"))
        let stopping = try #require(socket.assignments.firstIndex(of: "STOPPING=1"))
        #expect(!socket.assignments[stopping...].contains("WATCHDOG=1"), "no ping after STOPPING=1")
    }

    @Test func aWedgedModemThreadStopsThePings() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let socket = try NotifySocket(path: "@trackerd-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        defer { socket.close() }
        let daemon = try Self.start(h, environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "400000", "TRACKERD_TEST_HOOKS": "1"])
        defer { daemon.kill(signal: SIGKILL) }
        try #require(await poll { socket.assignments.filter { $0 == "WATCHDOG=1" }.count >= 2 }, "log:\n\(h.log.suffix(3000))")

        daemon.kill(signal: SIGUSR2)
        let withheld = "STATUS=watchdog withheld: thread of modem 1 not turning"
        try #require(await poll { socket.assignments.contains(withheld) }, "log:\n\(h.log.suffix(3000))")
        // Three more checks that found it stuck, and no ping among them: systemd would restart us.
        #expect(await poll { socket.assignments.filter { $0 == withheld }.count >= 4 })
        let first = try #require(socket.assignments.firstIndex(of: withheld))
        #expect(!socket.assignments[first...].contains("WATCHDOG=1"))
        #expect(h.log.contains("watchdog pings withheld"))
        #expect(daemon.isRunning, "a wedged thread is systemd's to end, not ours")
    }

    @Test func underJournaldEachLineCarriesItsPriority() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        // The log file is the daemon's stderr: name it as the journal stream.
        try #require(FileManager.default.createFile(atPath: h.logURL.path, contents: nil))
        var info = stat()
        try #require(stat(h.logURL.path, &info) == 0)
        let daemon = try Self.start(h, environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"])
        defer { daemon.kill(signal: SIGKILL) }
        try #require(await poll { (try? h.modemStatus())?["state"] as? String == "ready" })
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let lines = h.log.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil }, "\(lines.prefix(5))")
        #expect(lines.contains { $0.hasPrefix("<6>modem ready") })
        #expect(lines.contains { $0.hasPrefix("<7>") }, "debug lines are priority 7")
    }

    @Test func outsideJournaldLinesArePlain() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        // A JOURNAL_STREAM that is not our stderr (it was redirected): plain lines.
        let daemon = try Self.start(h, environment: ["JOURNAL_STREAM": "1:1"])
        defer { daemon.kill(signal: SIGKILL) }
        try #require(await poll { (try? h.modemStatus())?["state"] as? String == "ready" })
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0)
        let lines = h.log.split(separator: "\n")
        #expect(lines.contains { $0.contains("modem ready") })
        #expect(!lines.contains { $0.hasPrefix("<") })
    }
}
