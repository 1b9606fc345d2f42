import Foundation
import Simulator
import TestSupport
import TrackerProfiles
import Testing

/// Issue #10, end to end: one `trackerd run` process driving several simulated modems on real
/// ptys, a real SQLite registry made by the CLI.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DaemonPoolTests {
    static let second = "+15550001112"
    static let third = "+15550001113"

    /// Bob's tk103, authorised to all of the pool's numbers: its alarms reach every modem.
    static func bobsTrackerAuthorised(to numbers: [String]) -> [VirtualTrackerConfiguration] {
        [VirtualTrackerConfiguration(number: Cast.bob.number, model: Cast.bob.model, password: Cast.bob.password, authorised: numbers, position: Cast.bob.position)]
    }

    @Test func threeModemsRelayEveryReportOnceThroughAnUnplugAndASpellOfRefusals() async throws {
        let pool = [Cast.gateway, Self.second, Self.third]
        let h = try DaemonHarness(poolNumbers: [Self.second, Self.third], trackers: Self.bobsTrackerAuthorised(to: pool))
        defer { h.shutDown() }
        try await h.startDaemon(["--health-probe-seconds", "2", "--tracker-burst", "1000", "--tracker-per-hour", "100000"])
        let reports = (1...300).map { "alarm \($0)" }
        for (number, report) in reports.enumerated() {
            try h.simulation.raiseAlarm(tracker: Cast.bobTracker, kind: report)
            if number == 150 {
                // The second modem is unplugged for good; the third refuses its next sends.
                try h.simulation.inject(.drop(reopenAfter: .seconds(3_600)), modem: Self.second)
                try h.simulation.inject(.cmsError(count: 8, code: 500), modem: Self.third)
            }
            if number % 25 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let expected = Set(reports)
        func received() -> [String] { h.inbox(of: Cast.bobPhone).map { String($0.text.prefix(while: { $0 != "\n" })) } }
        _ = await poll(timeout: .seconds(120)) { Set(received()).isSuperset(of: expected) }
        let texts = received()
        #expect(Set(texts) == expected, "missing: \(expected.subtracting(texts).sorted().prefix(5))")
        // Each report once. The one exception is a send the unplug cut off after the modem had
        // handed it to the network: its outcome is unknown, so it goes out again of another
        // modem (at least once, never lost) — at most one such send per modem unplugged.
        #expect(texts.count - Set(texts).count <= 1, "duplicates: \(texts.count - Set(texts).count)")
        for number in [Cast.gateway, Self.third] {
            #expect(await poll { h.simulation.storedMessages(modem: number)?.isEmpty == true }, "left on \(number)")
        }
        // The unplugged modem comes back: what it holds is known already and only freed.
        h.simulation.modem(number: Self.second)?.reset()
        #expect(await poll(timeout: .seconds(30)) { h.simulation.storedMessages(modem: Self.second)?.isEmpty == true })
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.inbox(of: Cast.bobPhone).count == texts.count, "nothing relayed again after the re-plug")
        let status = try h.status()
        let totals = try #require(status["pool"] as? [String: Any])
        #expect(totals["modems"] as? Int == 3)
        let modems = try #require(status["modems"] as? [[String: Any]])
        // The load was spread: more than one modem sent relays.
        #expect(modems.filter { ($0["sends"] as? Int ?? 0) > 0 }.count >= 2)
    }

    @Test func anAlarmDeliveredToTwoModemsReachesEachPhoneOnce() async throws {
        let h = try DaemonHarness(poolNumbers: [Self.second], trackers: Self.bobsTrackerAuthorised(to: [Cast.gateway, Self.second]))
        defer { h.shutDown() }
        try await h.startDaemon()
        try h.simulation.raiseAlarm(tracker: Cast.bobTracker, kind: "help me!")
        #expect(await h.waitForCounter("duplicates", atLeast: 1))
        #expect(await h.inbox(of: Cast.bobPhone, count: 1).count == 1)
        for number in [Cast.gateway, Self.second] {
            #expect(await poll { h.simulation.storedMessages(modem: number)?.isEmpty == true }, "left on \(number)")
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.inbox(of: Cast.bobPhone).count == 1)
    }

    @Test func aTrackerProvisionedToTwoNumbersAnswersLocateWithEitherDownAndTheOwnerHearsWhenBothAre() async throws {
        let tracker = [VirtualTrackerConfiguration(number: Cast.bob.number, model: .tk103, password: Cast.bob.password, authorised: [], position: Cast.bob.position)]
        let h = try DaemonHarness(poolNumbers: [Self.second, Self.third], trackers: tracker)
        defer { h.shutDown() }
        // Provisioned while the pool has two modems: the tracker obeys those two numbers.
        try await h.startDaemon(modemCount: 2)
        let provision = try ProcessRunner.run("trackerd", ["tracker", "provision", "5", "--data-dir", h.dataDirectory.path, "--timeout", "30"])
        #expect(provision.status == 0, "\(provision.stderr)")
        #expect(provision.stdout.contains("(2 gateway numbers)"), "\(provision.stdout)")
        #expect(Set(h.simulation.network.tracker(Cast.bob.number)?.authorised ?? []) == [Cast.gateway, Self.second])

        var answers = 0
        for down in [Self.second, Cast.gateway] {
            let up = down == Cast.gateway ? Self.second : Cast.gateway
            try h.simulation.inject(.drop(reopenAfter: .seconds(3_600)), modem: down)
            #expect(await poll { Self.ready(h) == 1 })
            try h.simulation.send(from: Cast.bobPhone, text: "LOCATE", to: up)
            answers += 1
            let inbox = await h.inbox(of: Cast.bobPhone, count: answers)
            #expect(inbox.count == answers && inbox.last?.text.hasPrefix("lat:") == true, "with \(down) down: \(inbox.last?.text ?? "nothing")")
            h.simulation.modem(number: down)?.reset()
            #expect(await poll { Self.ready(h) == 2 })
        }

        // With a third modem, which the tracker does not know, and both it knows down: the owner is told.
        h.daemon?.kill(signal: SIGTERM)
        #expect(await h.daemon?.waitForExit() == 0)
        try await h.startDaemon()
        for number in [Cast.gateway, Self.second] { try h.simulation.inject(.drop(reopenAfter: .seconds(3_600)), modem: number) }
        #expect(await poll { Self.ready(h) == 1 })
        try h.simulation.send(from: Cast.bobPhone, text: "LOCATE", to: Self.third)
        let inbox = await h.inbox(of: Cast.bobPhone, count: answers + 1)
        #expect(inbox.last?.text == "Your tracker cannot be reached right now. Please try again later.")
        #expect(h.counter("trackerUnreachable") == 1)
    }

    static func ready(_ h: DaemonHarness) -> Int? {
        ((try? h.status())?["pool"] as? [String: Any])?["ready"] as? Int
    }

    @Test(arguments: [
        (["--modem", "/tmp/x=+15550001111", "--modem", "/tmp/x=+15550001112"], 64, "given twice"),
        (["--modem", "/tmp/x=+15550001111", "--modem", "/tmp/y=+15550001111"], 64, "for two modems"),
        (["--modem", "/tmp/x=+15550002001"], 65, "not a gateway number"),
        (["--modem", "/tmp/x+15550001111"], 64, "expected PATH=E164"),
        (["--modem", "/tmp/x=+15550001111,speed=9600"], 64, "unknown key 'speed'"),
    ])
    func aWrongPoolIsRefusedInOneLineAndNothingStarts(arguments: [String], status: Int32, words: String) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        let result = try ProcessRunner.run("trackerd", ["run", "--data-dir", h.dataDirectory.path] + arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See") }.count <= 2)
        #expect(!FileManager.default.fileExists(atPath: h.controlSocketPath), "the daemon started")
    }
}

