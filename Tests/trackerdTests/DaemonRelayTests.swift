import Foundation
import Simulator
import TestSupport
import TrackerProfiles
import Testing

/// The relay end to end: `trackerd run` as a process on the simulator's pty, the registry made
/// by the CLI in real SQLite, phones and trackers on the simulated network.
@Suite(.timeLimit(.minutes(1)))
struct DaemonRelayTests {
    struct Audience: Sendable, CustomStringConvertible {
        var description: String
        var tracker: Cast.Tracker
        var receivers: [String]
        var bystanders: [String]
    }

    @Test(arguments: [
        Audience(description: "one phone", tracker: Cast.bob, receivers: [Cast.bobPhone], bystanders: Cast.adaPhones),
        Audience(description: "three phones", tracker: Cast.adaCar, receivers: Cast.adaPhones, bystanders: [Cast.bobPhone]),
    ])
    func aTrackerReportReachesEveryPhoneOfItsOwnerAndNoOneElse(_ audience: Audience) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        let report = "help me!\nlat:52.516275\nlong:13.377704\nspeed:0.00\nT:26/11/23 09:30"
        try h.simulation.send(from: audience.tracker.number, text: report)

        for phone in audience.receivers {
            let inbox = await h.inbox(of: phone, count: 1)
            #expect(inbox == [InboxMessage(from: Cast.gateway, text: report, parts: 1)], "phone \(phone)")
        }
        #expect(await h.waitForCounter("relayed", atLeast: 1))
        #expect(await h.waitForEmptyStorage())
        for phone in audience.bystanders {
            #expect(h.inbox(of: phone).isEmpty, "bystander \(phone)")
        }
        #expect(h.simulation.statistics.submittedMessages == audience.receivers.count)
    }

    struct Body: Sendable, CustomStringConvertible {
        var description: String
        var text: String
        var ucs2: Bool
        var parts: Int
    }

    @Test(arguments: [
        Body(description: "2-part GSM 7-bit with extension characters",
             text: String(repeating: "lat:52.520008 long:13.404954 {ok} [€] ", count: 6) + "end", ucs2: false, parts: 2),
        Body(description: "UCS-2 Chinese with a surrogate pair", text: "位置 纬度:22.543099 经度:114.057868 🚗", ucs2: false, parts: 1),
        Body(description: "2-part UCS-2", text: String(repeating: "当前位置!纬度:N22.543099,经度:E114.057868。", count: 3), ucs2: false, parts: 2),
        Body(description: "ASCII sent as UCS-2 stays UCS-2 (2 parts, not 1)",
             text: "lat:52.520008 long:13.404954 speed:0.00 T:26/11/23 09:30 http://maps.google.com/maps?q=52.520008,13.404954",
             ucs2: true, parts: 2),
    ])
    func aBodyArrivesIntactWithItsPartCount(_ body: Body) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        try h.simulation.send(from: Cast.bobTracker, text: body.text, ucs2: body.ucs2)

        let inbox = await h.inbox(of: Cast.bobPhone, count: 1)
        try #require(inbox.count == 1)
        #expect(Array(inbox[0].text.utf8) == Array(body.text.utf8))
        #expect(inbox[0].parts == body.parts)
        #expect(h.simulation.statistics.submittedParts == body.parts)
        #expect(await h.waitForEmptyStorage())
    }

    @Test(arguments: Cast.adaTrackers)
    func locateMakesTheTrackerAnswerInItsFormatAndTheAnswerReachesTheOwner(_ tracker: Cast.Tracker) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        try h.simulation.send(from: Cast.adaPhones[0], text: "locate \(tracker.label.uppercased())")

        let lat = tracker.position.latitude
        let lon = tracker.position.longitude
        let expectedStart = switch tracker.model {
        case .tk103: String(format: "lat:%.6f\nlong:%.6f\nspeed:", lat, lon)
        case .xexun: String(format: "lat: %.6f long: %010.6f speed: ", lat, lon)
        case .gt06, .generic: String(format: "Current position!Lat:N%.6f,Lon:E%.6f,", lat, lon)
        case .teltonika: String(format: "GPS:1 Sat:7 Lat:%.5f Long:%.5f ", lat, lon)
        }
        for phone in Cast.adaPhones {
            let inbox = await h.inbox(of: phone, count: 1)
            try #require(inbox.count == 1, "phone \(phone)")
            #expect(inbox[0].from == Cast.gateway)
            #expect(inbox[0].text.hasPrefix(expectedStart), "phone \(phone) got \(inbox[0].text.debugDescription)")
        }
        #expect(await h.waitForCounter("relayed", atLeast: 1))
        #expect(await h.waitForEmptyStorage())
        // One command to the one tracker asked; the answer went to Ada's phones only.
        #expect(h.simulation.statistics.trackerCommands == 1)
        #expect(h.simulation.statistics.trackerReplies == 1)
        #expect(h.inbox(of: Cast.bobPhone).isEmpty)
        #expect(h.counter("commandsSent") == 1)
    }

    @Test func stopEndsRelaysToThatPhoneAndStartResumesThem() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        let quitter = Cast.adaPhones[1]
        let others = [Cast.adaPhones[0], Cast.adaPhones[2]]

        try h.simulation.send(from: quitter, text: " stop ")
        let stopped = await h.inbox(of: quitter, count: 1)
        try #require(stopped.count == 1)
        #expect(stopped[0].text.contains("no more messages"))

        let first = "lat:52.000001 long:13.000001 first"
        try h.simulation.send(from: Cast.adaCar.number, text: first)
        for phone in others { #expect(await h.inbox(of: phone, count: 1).map(\.text) == [first]) }
        #expect(await h.waitForCounter("relayed", atLeast: 1))
        #expect(h.inbox(of: quitter).map(\.text) == [stopped[0].text], "a phone that sent STOP got a report")

        try h.simulation.send(from: quitter, text: "START")
        let started = await h.inbox(of: quitter, count: 2)
        try #require(started.count == 2)
        #expect(started[1].text.contains("resumed"))

        let second = "lat:52.000002 long:13.000002 second"
        try h.simulation.send(from: Cast.adaCar.number, text: second)
        for phone in others { #expect(await h.inbox(of: phone, count: 2).map(\.text) == [first, second]) }
        #expect(await h.inbox(of: quitter, count: 3).last?.text == second)
        #expect(await h.waitForEmptyStorage())
    }

    @Test(arguments: ["storage", "direct"])
    func bothReceiveModesRelay(_ mode: String) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon(["--receive", mode])
        #expect((try h.modemStatus())["receiveMode"] as? String == mode)
        let reports = ["lat:1.000001 long:2.000001 one", "lat:1.000002 long:2.000002 two"]
        for report in reports { try h.simulation.send(from: Cast.adaCar.number, text: report) }
        for phone in Cast.adaPhones {
            let texts = await h.inbox(of: phone, count: 2).map(\.text)
            #expect(Set(texts) == Set(reports), "phone \(phone)")
        }
        #expect(await h.waitForCounter("relayed", atLeast: 2))
        #expect(await h.waitForEmptyStorage())
        #expect(h.counter("duplicates") == 0)
    }

    struct Stranger: Sendable, CustomStringConvertible {
        var description: String
        var text: String
    }

    @Test(arguments: [
        Stranger(description: "a position from an unknown number", text: "help me!\nlat:51.500729\nlong:-0.124625"),
        Stranger(description: "a spoofed LOCATE with a label", text: "LOCATE car"),
        Stranger(description: "a spoofed LOCATE without a label", text: "locate"),
        Stranger(description: "a spoofed STOP", text: "STOP"),
    ])
    func anUnregisteredSenderGetsNothingAndLeavesNothing(_ stranger: Stranger) async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon()
        try h.simulation.send(from: Cast.stranger, text: stranger.text)

        #expect(await h.waitForCounter("unknownSenders", atLeast: 1))
        #expect(await h.waitForEmptyStorage())
        let statistics = h.simulation.statistics
        #expect(statistics.submittedParts == 0, "the gateway sent an SMS")
        #expect(statistics.trackerCommands == 0)
        for phone in Cast.allPhones { #expect(h.inbox(of: phone).isEmpty) }
        // Not even the stranger's number or coordinates reach the log.
        let log = h.log
        #expect(!log.contains("5550009999"))
        #expect(!log.contains("51.500729"))
    }

    @Test func aTrackerOverItsRateLimitIsNotRelayedAndItsMessagesAreDeleted() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon(["--tracker-per-hour", "2", "--tracker-burst", "2"])
        let reports = (1...5).map { "lat:40.00000\($0) long:-3.00000\($0) report \($0)" }
        for report in reports { try h.simulation.send(from: Cast.bobTracker, text: report) }

        #expect(await h.waitForCounter("rateLimited", atLeast: 3))
        #expect(await h.waitForCounter("relayed", atLeast: 2))
        #expect(await h.waitForEmptyStorage())
        let texts = h.inbox(of: Cast.bobPhone).map(\.text)
        #expect(texts.count == 2)
        #expect(Set(texts).count == 2 && Set(texts).isSubset(of: Set(reports)))
        #expect(h.counter("relayed") == 2)
        #expect(h.counter("rateLimited") == 3)
    }

    @Test func aPhoneOverItsRateLimitIsNotAnsweredAndItsMessagesAreDeleted() async throws {
        let h = try DaemonHarness()
        defer { h.shutDown() }
        try await h.startDaemon(["--phone-per-hour", "1", "--phone-burst", "1"])
        // Three different texts: the duplicate filter (same sender, second and text) must not be what stops them.
        for text in ["HELP", "help", " Help "] { try h.simulation.send(from: Cast.bobPhone, text: text) }
        #expect(await h.waitForCounter("rateLimited", atLeast: 2))
        #expect(await h.waitForEmptyStorage())
        #expect(h.inbox(of: Cast.bobPhone).count == 1)
        #expect(h.simulation.statistics.submittedParts == 1)
        #expect(h.counter("repliesSent") == 1)
    }
}
