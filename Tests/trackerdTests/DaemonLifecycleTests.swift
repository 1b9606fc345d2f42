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

/// Issue #9.9: a second daemon on the same data directory says so in one line and exits 75
/// (EX_TEMPFAIL), touching nothing of the first one's; after a `kill -9` a restart is not blocked.
@Suite(.timeLimit(.minutes(1)))
struct DaemonSingleInstanceTests {
    @Test func aSecondDaemonOnTheSameDataDirectoryIsRefusedClearly() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let first = try await h.startDaemon()
        let second = try ProcessRunner.run("trackerd", ["run", "--device", h.linkPath, "--own-number", Cast.gateway, "--data-dir", h.dataDirectory.path])
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr == "trackerd: another trackerd already runs on \(h.dataDirectory.path) (pid \(first.pid)); stop it first (its control socket answers `trackerd status`)\n")
        #expect(first.isRunning)
        #expect((try? h.modemStatus())?["state"] as? String == "ready", "the first daemon's socket still answers")
        first.kill(signal: SIGKILL)
        _ = await first.waitForExit()
        try await h.restartDaemon()
    }
}

/// Issue #9.9: the status's storage count follows the deletes; it no longer shows the last
/// probe's `3/30` after the storage was emptied.
@Suite(.timeLimit(.minutes(1)))
struct DaemonStorageStatusTests {
    @Test func theStorageCountDropsWhenStoredMessagesAreRelayedAndDeleted() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let reports = (1...3).map { "lat:40.41677\($0) long:-3.70379\($0) stored before start" }
        for report in reports { try h.simulation.send(from: Cast.bobTracker, text: report) }
        #expect(await poll { h.simulation.storedMessages().count == 3 })
        try await h.startDaemon()
        #expect(await h.texts(of: Cast.bobPhone, including: Set(reports)) == Set(reports))
        #expect(await h.waitForEmptyStorage())
        #expect(await poll { (try? h.modemStatus())?["storageUsed"] as? Int == 0 }, "status: \(String(describing: try? h.modemStatus()))")
    }
}

/// Issue #9.9: a device path that is not there yet is waited for (a hot-plugged modem is taken
/// up), and the daemon says so once, clearly, and in its status.
@Suite(.timeLimit(.minutes(1)))
struct DaemonMissingDeviceTests {
    @Test func aMissingModemIsWaitedForSaidOnceAndTakenUpWhenItAppears() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let later = h.root.appendingPathComponent("later").path
        try await h.startDaemon(waitUntilReady: false, device: later)
        #expect(await poll { (try? h.modemStatus())?["state"] as? String == "waiting-for-device" })
        // Several re-open attempts pass (back-off 0.5, 1, 2 s); the log says it once.
        try await Task.sleep(for: .seconds(4))
        #expect(h.log.components(separatedBy: "modem device not usable; waiting for it").count - 1 == 1, "log:\n\(h.log.suffix(2000))")
        #expect(((try? h.modemStatus())?["lastError"] as? String)?.contains("does not exist") == true)
        // The modem is plugged in: its path appears.
        try FileManager.default.createSymbolicLink(atPath: later, withDestinationPath: h.linkPath)
        #expect(await poll(timeout: .seconds(30)) { (try? h.modemStatus())?["state"] as? String == "ready" })
    }
}
