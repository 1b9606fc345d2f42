import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" (keywords) and invariants 3 and 7 — LOCATE commands the
/// tracker and answers the phone nothing; STOP and START set consent; replies are fixed.
@Suite(.timeLimit(.minutes(1))) struct RelayKeywordTests {
    typealias H = RelayHarness

    struct LocateCase: Sendable, CustomTestStringConvertible {
        var model: TrackerModel
        var password: String
        var command: String
        var testDescription: String { model.rawValue }
    }

    @Test(arguments: [
        LocateCase(model: .tk103, password: "123456", command: "smslink123456"),
        LocateCase(model: .xexun, password: "654321", command: "smstext654321"),
        LocateCase(model: .gt06, password: "", command: "WHERE#"),
        LocateCase(model: .teltonika, password: "", command: "  getgps"),
        LocateCase(model: .generic, password: "x", command: "WHERE#"),
    ])
    func locateSendsExactlyTheModelsCommandToTheTrackerAndNothingToThePhone(_ row: LocateCase) async {
        var tracker = H.car
        tracker.model = row.model
        tracker.password = row.password
        let harness = H(trackers: [tracker])
        await harness.handle(H.message(from: H.phoneA.number, "locate", indices: [5]))

        #expect(await harness.modem.attempted == [.init(text: row.command, to: H.car.number, ucs2: false)])
        #expect(await harness.modem.deleted == [[5]])
        let counters = harness.relay.counters
        #expect(counters.commandsSent == 1 && counters.keywords == 1 && counters.repliesSent == 0)
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: [row.command].filter { $0.count > 6 })
    }

    @Test func theTrackersAnswerToLocateRelaysToTheOwnersPhonesOnly() async {
        let harness = H(phones: [H.phoneA, H.phoneB])
        await harness.handle(H.message(from: H.phoneB.number, "LOCATE", indices: [1]))
        await harness.handle(H.message(from: H.car.number, H.report, indices: [2]))

        let sent = await harness.modem.sent
        #expect(sent.first == .init(text: "smslink123456", to: H.car.number, ucs2: false))
        #expect(sent.dropFirst().map(\.to) == [H.phoneA.number, H.phoneB.number])
        #expect(!sent.contains { $0.to == H.otherCustomersPhone.number })
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func aSpoofedLocateFromAnUnregisteredNumberSendsNothingAnywhere() async {
        let harness = H()
        await harness.handle(H.message(from: H.stranger, "LOCATE Car", indices: [4]))

        #expect(await harness.modem.attempted.isEmpty)
        #expect(await harness.modem.deleted == [[4]])
        #expect(harness.relay.counters.unknownSenders == 1)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func locateWithSeveralTrackersAndNoLabelRepliesWithTheLabels() async {
        let harness = H(trackers: [H.car, H.van])
        await harness.handle(H.message(from: H.phoneA.number, "Locate"))

        let reply = H.testConfiguration.replies.chooseTracker + "Car, Van"
        #expect(await harness.modem.attempted == [.init(text: reply, to: H.phoneA.number, ucs2: false)])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func locateWithALabelInAnyCaseAndSpacingCommandsThatTracker() async {
        let harness = H(trackers: [H.car, H.van])
        await harness.handle(H.message(from: H.phoneA.number, "  locate   vAN "))

        #expect(await harness.modem.attempted == [.init(text: "WHERE#", to: H.van.number, ucs2: false)])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    /// The reply names the labels there are (it used to say "Send LOCATE for the list", though a
    /// LOCATE with one tracker answers with the position, not a list).
    @Test func locateWithAnUnknownLabelGetsTheLabelsToChooseFrom() async {
        let harness = H(trackers: [H.car, H.van])
        await harness.handle(H.message(from: H.phoneA.number, "LOCATE boat"))

        #expect(await harness.modem.attempted == [.init(text: H.testConfiguration.replies.chooseTracker + "Car, Van", to: H.phoneA.number, ucs2: false)])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func stopThenStartSetsConsentRepliesAndGatesRelays() async {
        let harness = H(phones: [H.phoneA, H.phoneB])
        let replies = H.testConfiguration.replies

        await harness.handle(H.message(from: H.phoneB.number, " stop ", indices: [1]))
        #expect(harness.directory.consent(ofPhone: H.phoneB.phoneID) == false)
        await harness.handle(H.message(from: H.car.number, H.report, indices: [2]))
        await harness.handle(H.message(from: H.phoneB.number, "LOCATE", at: Date(timeIntervalSince1970: 1_800_000_030), indices: [3]))

        await harness.handle(H.message(from: H.phoneB.number, "Start", at: Date(timeIntervalSince1970: 1_800_000_060), indices: [4]))
        #expect(harness.directory.consent(ofPhone: H.phoneB.phoneID) == true)
        await harness.handle(H.message(from: H.car.number, H.report, at: Date(timeIntervalSince1970: 1_800_000_100), indices: [5]))

        #expect(await harness.modem.attempted == [
            .init(text: replies.stopped, to: H.phoneB.number, ucs2: false),
            .init(text: H.report, to: H.phoneA.number, ucs2: false),
            .init(text: replies.started, to: H.phoneB.number, ucs2: false),
            .init(text: H.report, to: H.phoneA.number, ucs2: false),
            .init(text: H.report, to: H.phoneB.number, ucs2: false),
        ])
        #expect(await harness.modem.deleted == [[1], [2], [3], [4], [5]])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test(arguments: ["HELP", "help?", "what is this", ""])
    func helpAndAnythingUnrecognisedGetTheHelpText(_ text: String) async {
        let harness = H()
        await harness.handle(H.message(from: H.phoneA.number, text))

        #expect(await harness.modem.attempted == [.init(text: H.testConfiguration.replies.help, to: H.phoneA.number, ucs2: false)])
        #expect(harness.relay.counters.keywords == 1)
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: text.count > 4 ? [text] : [])
    }

    @Test func noReplyEverCarriesALocation() {
        let replies = RelayReplies()
        for text in [replies.help, replies.stopped, replies.started, replies.unknownLabel, replies.noTracker, replies.chooseTracker] {
            #expect(text.count <= 160)
            #expect(!text.contains(where: \.isNumber) && !text.lowercased().contains("lat") && !text.contains("http"))
        }
    }

    @Test func stopsAnsweringAPhoneOverItsRateLimit() async {
        var configuration = H.testConfiguration
        configuration.phoneRateLimit = RateLimit(burst: 2, perHour: 20)
        let harness = H(configuration: configuration)
        for second in 0..<4 {
            await harness.handle(H.message(from: H.phoneA.number, "HELP", at: Date(timeIntervalSince1970: 1_800_000_000 + Double(second)), indices: [second]))
        }

        #expect(await harness.modem.attempted.count == 2)
        #expect(await harness.modem.deleted == [[0], [1], [2], [3]])
        #expect(harness.relay.counters.rateLimited == 2)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func aDuplicatedLocateCommandsTheTrackerOnce() async {
        let harness = H()
        let locate = H.message(from: H.phoneA.number, "LOCATE", indices: [1])
        await harness.handle(locate)
        await harness.handle(locate)

        #expect(await harness.modem.attempted.count == 1)
        #expect(harness.relay.counters.duplicates == 1)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func locateWithoutAnyTrackerSaysSo() async {
        let harness = H(trackers: [])
        await harness.handle(H.message(from: H.phoneA.number, "LOCATE"))

        #expect(await harness.modem.attempted == [.init(text: H.testConfiguration.replies.noTracker, to: H.phoneA.number, ucs2: false)])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func aReplyWithALabelOutsideTheGSMAlphabetGoesAsUCS2() async {
        var cyrillic = H.van
        cyrillic.label = "Фургон"
        let harness = H(trackers: [H.car, cyrillic])
        await harness.handle(H.message(from: H.phoneA.number, "LOCATE"))

        let reply = H.testConfiguration.replies.chooseTracker + "Car, Фургон"
        #expect(await harness.modem.attempted == [.init(text: reply, to: H.phoneA.number, ucs2: true)])
        harness.expectLogsCarryNoBodyOrNumber()
    }
}
