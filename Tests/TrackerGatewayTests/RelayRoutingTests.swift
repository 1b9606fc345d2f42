import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" — a registered tracker's text goes unchanged to its
/// customer's consenting phones; storage is freed once all accepted; strangers are deleted.
@Suite(.timeLimit(.minutes(1))) struct RelayRoutingTests {
    typealias H = RelayHarness

    @Test func relaysTrackerTextByteForByteToItsOnlyPhoneThenDeletes() async {
        let harness = H()
        await harness.handle(H.message(from: H.car.number, H.report, indices: [7]))

        #expect(await harness.modem.sent == [.init(text: H.report, to: H.phoneA.number, ucs2: false)])
        #expect(Array(await harness.modem.sent[0].text.utf8) == Array(H.report.utf8))
        #expect(await harness.modem.deleted == [[7]])
        let counters = harness.relay.counters
        #expect(counters.relayed == 1 && counters.deliveredSends == 1 && counters.pendingRetries == 0)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func relaysToEachOfThreePhonesAndDeletesEveryPartOnce() async {
        let harness = H(phones: [H.phoneA, H.phoneB, H.phoneC])
        await harness.handle(H.message(from: H.car.number, H.report, reference: 42, parts: 2, indices: [4, 5]))

        let recipients = await harness.modem.sent.map(\.to)
        #expect(recipients == [H.phoneA.number, H.phoneB.number, H.phoneC.number])
        #expect(await harness.modem.sent.allSatisfy { $0.text == H.report })
        #expect(!recipients.contains(H.otherCustomersPhone.number))
        #expect(await harness.modem.deleted == [[4, 5]])
        #expect(harness.relay.counters.deliveredSends == 3)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func skipsAPhoneThatTextedStop() async {
        var stopped = H.phoneB
        stopped.consents = false
        let harness = H(phones: [H.phoneA, stopped, H.phoneC])
        await harness.handle(H.message(from: H.car.number, H.report))

        #expect(await harness.modem.sent.map(\.to) == [H.phoneA.number, H.phoneC.number])
        #expect(await harness.modem.deleted == [[3]])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func deletesAndCountsWhenEveryPhoneOptedOut() async {
        var stopped = H.phoneA
        stopped.consents = false
        let harness = H(phones: [stopped])
        await harness.handle(H.message(from: H.car.number, H.report))

        #expect(await harness.modem.attempted.isEmpty)
        #expect(await harness.modem.deleted == [[3]])
        #expect(harness.relay.counters.undeliverable == 1)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func keepsTheUCS2CodingOfAChineseReport() async {
        let chinese = "位置: 北纬22.566923 东经114.051331 速度0"
        let harness = H()
        await harness.handle(H.message(from: H.car.number, chinese, ucs2: true))

        #expect(await harness.modem.sent == [.init(text: chinese, to: H.phoneA.number, ucs2: true)])
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: [chinese, "22.566923"])
    }

    @Test func deletesAnUnknownSendersMessageUnsentAndUnlogged() async {
        let harness = H()
        await harness.handle(H.message(from: H.stranger, H.report, indices: [9]))

        #expect(await harness.modem.attempted.isEmpty)
        #expect(await harness.modem.deleted == [[9]])
        #expect(harness.relay.counters.unknownSenders == 1)
        // Not even masked: the log says a stranger wrote, not who.
        #expect(!harness.logs.records.contains { $0.contains(NumberMask.mask(H.stranger)) })
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func neverRelaysToTheGatewaysOwnNumberTheSenderOrAnotherCustomer() async {
        // A registry mistake: the customer's phone list holds the gateway's own number, the
        // tracker's own number (in another spelling) and a phone of another customer.
        let own = PhoneRoute(phoneID: 14, customerID: 1, number: H.ownNumber, consents: true)
        let trackerItself = PhoneRoute(phoneID: 15, customerID: 1, number: "0015550009001", consents: true)
        let foreign = PhoneRoute(phoneID: 16, customerID: 2, number: "+15550002002", consents: true)
        let route = TrackerRoute(trackerID: 101, customerID: 1, number: H.car.number, model: .tk103, password: "123456", label: "Car",
                                 phones: [own, H.phoneA, trackerItself, foreign, H.phoneA])
        let harness = H()
        let destinations = harness.relay.destinations(of: route, sender: H.car.number)
        #expect(destinations == [H.phoneA])

        let ownAsPhone = PhoneRoute(phoneID: 14, customerID: 1, number: H.ownNumber, consents: true)
        let trackerAsPhone = PhoneRoute(phoneID: 15, customerID: 1, number: H.car.number, consents: true)
        let endToEnd = H(phones: [ownAsPhone, trackerAsPhone, H.phoneA])
        await endToEnd.handle(H.message(from: H.car.number, H.report))
        #expect(await endToEnd.modem.attempted.map(\.to) == [H.phoneA.number])
        endToEnd.expectLogsCarryNoBodyOrNumber()
    }

    @Test func dropsAMessageFromItsOwnNumber() async {
        let harness = H(phones: [H.phoneA])
        await harness.handle(H.message(from: H.ownNumber, H.report))

        #expect(await harness.modem.attempted.isEmpty)
        #expect(await harness.modem.deleted == [[3]])
        #expect(harness.relay.counters.ownNumberLoops == 1)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func relaysADuplicateDeliveryOnceAndDeletesTheCopy() async {
        let harness = H(phones: [H.phoneA, H.phoneB])
        let original = H.message(from: H.car.number, H.report, reference: 7, parts: 2, indices: [1, 2])
        var copy = original
        copy.storage = RelayHarness.slots([5, 6])
        await harness.handle(original)
        await harness.handle(copy)

        #expect(await harness.modem.sent.count == 2)
        #expect(await harness.modem.deleted == [[1, 2], [5, 6]])
        #expect(harness.relay.counters.duplicates == 1)
        #expect(harness.relay.counters.relayed == 1)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func relaysTwoMessagesThatDifferOnlyInTimestamp() async {
        let harness = H()
        await harness.handle(H.message(from: H.car.number, H.report))
        await harness.handle(H.message(from: H.car.number, H.report, at: Date(timeIntervalSince1970: 1_800_000_060)))

        #expect(await harness.modem.sent.count == 2)
        #expect(harness.relay.counters.duplicates == 0)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test(arguments: [
        ("+15550009001", "+15550009001", true),
        ("+15550009001", "0015550009001", true),
        ("+1 555 000-9001", "+15550009001", true),
        ("+15550009001", "05550009001", true),
        ("5550009001", "+15550009001", true),
        ("+15550009001", "+15550009002", false),
        ("+15550009001", "9001", false),
        ("+15550009001", "", false),
        ("", "", false),
        ("Vodafone", "VODAFONE", true),
        ("Vodafone", "+15550009001", false),
        // Every spelling the byte-wise reading takes, and the ones it leaves to the Character path.
        ("(+1) 555.000/9001", "+15550009001", true),
        ("+1\t555\r\n0009001", "+15550009001", true),
        ("+1\u{00A0}555\u{2009}000 9001", "+15550009001", true),
        ("１５５５０００９００１", "+15550009001", false),
        ("1+5550009001", "+15550009001", false),
        ("1+5550009001", "1+5550009001", true),
        ("++15550009001", "+15550009001", false),
        ("00", "+", false),
        ("0015550009001", "15550009001", true),
    ])
    func recognisesTheSameSubscriberAcrossSpellings(_ first: String, _ second: String, _ same: Bool) {
        #expect(SubscriberNumber.same(first, second) == same)
        #expect(SubscriberNumber.same(second, first) == same)
    }

    @Test func relaysAnAlarmAndAReportSentWithinTheSameSecond() async {
        let harness = H()
        await harness.handle(H.message(from: H.car.number, "Door alarm!", indices: [1]))
        await harness.handle(H.message(from: H.car.number, H.report, indices: [2]))

        #expect(await harness.modem.sent.map(\.text) == ["Door alarm!", H.report])
        #expect(harness.relay.counters.duplicates == 0)
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: ["Door alarm!"])
    }

    @Test func stopsRelayingATrackerOverItsRateLimitAndDeletes() async {
        var configuration = H.testConfiguration
        configuration.trackerRateLimit = RateLimit(burst: 2, perHour: 30)
        let harness = H(configuration: configuration)
        for second in 0..<3 {
            await harness.handle(H.message(from: H.car.number, H.report, at: Date(timeIntervalSince1970: 1_800_000_000 + Double(second)), indices: [second]))
        }

        #expect(await harness.modem.sent.count == 2)
        #expect(await harness.modem.deleted == [[0], [1], [2]])
        #expect(harness.relay.counters.rateLimited == 1)

        // Two minutes later the bucket holds one token again (30 per hour).
        harness.clock.advance(by: .seconds(120))
        await harness.handle(H.message(from: H.car.number, H.report, at: Date(timeIntervalSince1970: 1_800_000_200), indices: [9]))
        #expect(await harness.modem.sent.count == 3)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func leavesTheMessageInStorageWhenTheRegistryFailsAndHandlesItWhenListedAgain() async {
        let harness = H()
        harness.directory.failLookups(1)
        let message = H.message(from: H.car.number, H.report)
        await harness.handle(message)
        #expect(await harness.modem.deleted.isEmpty)
        #expect(await harness.modem.attempted.isEmpty)
        #expect(harness.relay.counters.registryFailures == 1)

        await harness.handle(message)
        #expect(await harness.modem.sent.count == 1)
        #expect(await harness.modem.deleted == [[3]])
        harness.expectLogsCarryNoBodyOrNumber()
    }

    /// Issue #11: what the gateways' shared ledger answers decides what this gateway does with a
    /// tracker report: relay it (and mark it done), delete it as relayed elsewhere, or leave it.
    @Test(arguments: [
        (RelayClaim.mine(ticket: RelayClaim.Ticket(digest: Data(repeating: 1, count: 16))), 1, [[3]], 1),
        (RelayClaim.mine(ticket: nil), 1, [[3]], 0),
        (RelayClaim.relayed, 0, [[3]], 0),
    ])
    func theLedgerDecidesWhetherThisGatewayRelays(_ claim: RelayClaim, sends: Int, deletes: [[Int]], marked: Int) async {
        let harness = H()
        harness.directory.answerClaims([claim])
        await harness.handle(H.message(from: H.car.number, H.report))
        #expect(await harness.modem.sent.count == sends)
        #expect(await harness.modem.deleted == deletes)
        #expect(harness.directory.markedRelayed.count == marked)
        if case .mine(let ticket?) = claim { #expect(harness.directory.markedRelayed == [ticket]) }
        harness.expectLogsCarryNoBodyOrNumber()
    }

    /// A report another gateway is relaying stays here while the ledger is asked again: deleted
    /// once that gateway marks it done, relayed here when that gateway's claim ran out.
    @Test(arguments: [(RelayClaim.relayed, 0), (RelayClaim.mine(ticket: nil), 1)])
    func aReportClaimedElsewhereWaitsForTheLedger(_ later: RelayClaim, sends: Int) async {
        let harness = H()
        harness.directory.answerClaims([.elsewhere, .elsewhere, later])
        let handling = Task { await harness.handle(H.message(from: H.car.number, H.report)) }
        for _ in 0..<2 {
            await harness.clock.waitForSleepers(count: 1)
            #expect(await harness.modem.deleted.isEmpty, "held while the other gateway has it")
            harness.clock.advance(by: .seconds(2))
        }
        await handling.value
        #expect(await harness.modem.sent.count == sends)
        #expect(await harness.modem.deleted == [[3]])
        harness.expectLogsCarryNoBodyOrNumber()
    }
}
