import Foundation
import Simulator
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The daemon as a process: crashes, signals, `trackerd status`, and refusing insecure files.
@Suite(.timeLimit(.minutes(1)))
struct DaemonLifecycleTests {
    @Test func aMessageReadWhenTheDaemonIsKilledIsRelayedAfterTheRestart() async throws {
        // A slow network keeps the relay inside +CMGS, between the read and the delete.
        let h = try DaemonHarness(radioDelay: .seconds(2))
        defer { h.shutDown() }
        let daemon = try await h.startDaemon()
        let report = "lat:40.416775 long:-3.703790 killed mid-relay"
        try h.simulation.send(from: Cast.bobTracker, text: report)

        try #require(await h.waitForReadMessage())
        daemon.kill(signal: SIGKILL)
        #expect(await daemon.waitForExit() != nil)
        #expect(daemon.wasKilledBySignal)
        #expect(h.simulation.storedMessages().count == 1, "the message must stay on the SIM until relayed")

        try await h.restartDaemon()
        let inbox = await h.inbox(of: Cast.bobPhone, count: 1)
        #expect(inbox.first?.text == report)
        #expect(await h.waitForEmptyStorage())
        // At least once, at most twice (the send in flight at the kill may have gone out).
        #expect((1...2).contains(h.inbox(of: Cast.bobPhone).count))
    }

    @Test func sigtermExitsZeroAndDeletesNothingNotYetRelayed() async throws {
        let h = try DaemonHarness(radioDelay: .seconds(2))
        defer { h.shutDown() }
        let daemon = try await h.startDaemon()
        let reports = (1...3).map { "lat:40.40000\($0) long:-3.70000\($0) terminated \($0)" }
        for report in reports { try h.simulation.send(from: Cast.bobTracker, text: report) }

        try #require(await h.waitForReadMessage())
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit() == 0, "log:\n\(h.log.suffix(4000))")
        #expect(!daemon.wasKilledBySignal)
        // Every report is on the phone or still on the SIM.
        let delivered = Set(h.inbox(of: Cast.bobPhone).map(\.text))
        let stored = h.simulation.storedMessages().filter { $0.sender == Cast.bobTracker }
        #expect(delivered.count + stored.count >= reports.count, "delivered \(delivered.count), stored \(stored.count)")
        #expect(!stored.isEmpty, "the slow network cannot have taken all three before SIGTERM")
        #expect(!FileManager.default.fileExists(atPath: h.controlSocketPath), "control socket left behind")

        try await h.restartDaemon()
        #expect(await h.texts(of: Cast.bobPhone, including: Set(reports)) == Set(reports))
        #expect(await h.waitForEmptyStorage())
    }

    @Test func sigtermWhileTheModemIsAwayEndsTheDaemonWithoutWaitingOutTheBackOff() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let daemon = try await h.startDaemon()
        h.simulation.inject(.drop(reopenAfter: .seconds(60)))
        // From the fourth re-open on, the daemon backs off for 8 s before the next.
        try #require(await poll { ((try? h.modemStatus())?["reopens"] as? Int ?? 0) >= 4 })
        daemon.kill(signal: SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(4)) == 0, "log:\n\(h.log.suffix(2000))")
    }

    @Test func statusAnswersWithCountersAndNoPII() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        let report = "lat:40.416775 long:-3.703790 status check"
        try h.simulation.send(from: Cast.bobTracker, text: report)
        try h.simulation.send(from: Cast.stranger, text: "who is this")
        #expect(await h.inbox(of: Cast.bobPhone, count: 1).count == 1)
        #expect(await h.waitForCounter("relayed", atLeast: 1))
        #expect(await h.waitForCounter("unknownSenders", atLeast: 1))

        let json = try ProcessRunner.run("trackerd", ["status", "--data-dir", h.dataDirectory.path, "--json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let status = try #require(ProcessRunner.json(json.stdout) as? [String: Any])
        let modem = try #require((status["modems"] as? [[String: Any]])?.first)
        #expect(modem["state"] as? String == "ready")
        #expect(modem["receiveMode"] as? String == "storage")
        #expect(modem["number"] as? String == "+1•••••1111", "the gateway number is shown masked")
        let relay = try #require(status["relay"] as? [String: Any])
        #expect(relay["relayed"] as? Int == 1)
        #expect(relay["unknownSenders"] as? Int == 1)
        #expect(relay["deliveredSends"] as? Int == 1)

        let text = try ProcessRunner.run("trackerd", ["status", "--data-dir", h.dataDirectory.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("relayed: 1"))
        #expect(text.stdout.contains("modem 1:      ready"))
        #expect(text.stdout.contains("unknown senders: 1"), "counters read as words, not code names")

        for output in [json.stdout, text.stdout] {
            let hits = PII.needles(extra: [report, "who is this", "40.416775"]).filter { output.contains($0) }
            #expect(hits.isEmpty, "status shows \(hits)")
        }
    }

    @Test func statusWithoutADaemonExits69() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let result = try ProcessRunner.run("trackerd", ["status", "--data-dir", h.dataDirectory.path])
        #expect(result.status == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: ["master.key", "registry.sqlite"])
    func runRefusesAFileOthersCanRead(_ name: String) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let path = h.dataDirectory.appendingPathComponent(name).path
        try #require(chmod(path, 0o644) == 0)
        // As a child process with a deadline: a daemon that does not refuse would run for ever.
        let process = try DaemonProcess(arguments: [
            "run", "--device", h.linkPath, "--own-number", Cast.gateway, "--data-dir", h.dataDirectory.path,
        ], log: h.logURL)
        let status = await process.waitForExit()
        if status == nil { process.kill(signal: SIGKILL) }
        #expect(status == 77, "log: \(h.log)")
        #expect(h.log.contains(name))
        #expect(!FileManager.default.fileExists(atPath: h.controlSocketPath))
        // And it starts once the mode is right again.
        try #require(chmod(path, 0o600) == 0)
        try await h.startDaemon()
    }
}

/// Every piece of account PII the standard registry holds, in the spellings a leak would take.
enum PII {
    static func needles(extra: [String] = []) -> [String] {
        var needles = [Cast.adaName, Cast.adaAddress, Cast.adaEmail, Cast.bobName, Cast.bobAddress, Cast.bobEmail]
        needles += ["Kingsbury", "Bobadilla", "Quintana", "ada.kingsbury", "roberto.quintana", "James's Square", "Alcala"]
        let numbers = Cast.allPhones + Cast.allTrackers.map(\.number) + [Cast.gateway, Cast.stranger]
        for number in numbers {
            needles.append(number)
            needles.append(String(number.dropFirst()))
            // The national part, as a log line or an index might keep it.
            needles.append(String(number.suffix(10)))
        }
        return needles + extra
    }
}
