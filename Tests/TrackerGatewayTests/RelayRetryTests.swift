import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md invariant 2 and "Receiving and relaying" — storage is freed only once every phone
/// accepted; refused phones are retried in memory with backoff on the injected clock; an
/// expired message is dropped and deleted; shutdown abandons retries without deleting.
@Suite(.timeLimit(.minutes(1))) struct RelayRetryTests {
    typealias H = RelayHarness

    @Test func retriesOnlyTheRefusedPhoneAfterTheBackoffThenDeletes() async {
        let harness = H(phones: [H.phoneA, H.phoneB, H.phoneC])
        await harness.modem.fail(1, sendsTo: H.phoneB.number)
        await harness.handle(H.message(from: H.car.number, H.report, indices: [8]))

        #expect(await harness.modem.sent.map(\.to) == [H.phoneA.number, H.phoneC.number])
        #expect(await harness.modem.deleted.isEmpty, "deleted before every phone accepted")
        await harness.clock.waitForSleepers(count: 1)
        #expect(harness.clock.pendingDeadlines == [harness.start.advanced(by: .seconds(5))])
        #expect(harness.relay.counters.pendingRetries == 1)

        harness.clock.advance(by: .milliseconds(4_999))
        #expect(harness.clock.pendingDeadlines.count == 1, "woke before the backoff")
        harness.clock.advance(by: .milliseconds(1))
        await harness.modem.waitForDeletes(1)

        #expect(await harness.modem.sent.map(\.to) == [H.phoneA.number, H.phoneC.number, H.phoneB.number])
        #expect(await harness.modem.attempted.count == 4)
        #expect(await harness.modem.deleted == [[8]])
        let counters = harness.relay.counters
        #expect(counters.retries == 1 && counters.failedSends == 1 && counters.relayed == 1 && counters.pendingRetries == 0)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func backsOffExponentiallyUpToTheCapThenDropsAndDeletesAtTheMaximumAge() async {
        let harness = H(phones: [H.phoneA, H.phoneB])
        await harness.modem.fail(1_000, sendsTo: H.phoneB.number)
        await harness.handle(H.message(from: H.car.number, H.report, indices: [2]))

        // 5, 10, 20, 40, then the 60 s cap, the last sleep cut short at the 600 s maximum age.
        var expected: [Int64] = [5, 15, 35, 75]
        while let last = expected.last, last + 60 < 600 { expected.append(last + 60) }
        expected.append(600)
        var observed: [Int64] = []
        for _ in expected {
            await harness.clock.waitForSleepers(count: 1)
            let deadline = harness.clock.pendingDeadlines[0]
            observed.append(harness.start.duration(to: deadline).components.seconds)
            harness.clock.advance(to: deadline)
            if observed.count < expected.count {
                await harness.modem.waitForAttempts(2 + observed.count)
            }
        }
        await harness.modem.waitForDeletes(1)

        #expect(observed == expected)
        #expect(await harness.modem.deleted == [[2]])
        #expect(await harness.modem.sent.map(\.to) == [H.phoneA.number], "the accepting phone got it once")
        let counters = harness.relay.counters
        #expect(counters.droppedExpired == 1 && counters.relayed == 0 && counters.pendingRetries == 0)
        #expect(counters.retries == expected.count - 1)
        #expect(harness.clock.pendingDeadlines.isEmpty)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func holdsADuplicateArrivingDuringRetriesAndFreesItWithTheOriginal() async {
        let harness = H(phones: [H.phoneA])
        await harness.modem.fail(1, sendsTo: H.phoneA.number)
        let original = H.message(from: H.car.number, H.report, indices: [4])
        await harness.handle(original)
        // Re-listed after a reconnect: same slot, and a second copy in another slot.
        await harness.handle(original)
        var copy = original
        copy.storage = RelayHarness.slots([6])
        await harness.handle(copy)
        #expect(await harness.modem.deleted.isEmpty, "the slot the retry still needs was freed")

        await harness.clock.waitForSleepers(count: 1)
        harness.clock.advance(by: .seconds(5))
        await harness.modem.waitForDeletes(1)
        #expect(await harness.modem.sent.count == 1)
        #expect(await harness.modem.deleted == [[4, 6]])
        #expect(harness.relay.counters.duplicates == 2)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func shutdownAbandonsRetriesWithoutDeleting() async {
        let harness = H(phones: [H.phoneA])
        await harness.modem.fail(1, sendsTo: H.phoneA.number)
        await harness.handle(H.message(from: H.car.number, H.report))
        await harness.clock.waitForSleepers(count: 1)

        await harness.relay.shutdown()
        #expect(harness.clock.pendingDeadlines.isEmpty, "the retry still sleeps")
        harness.clock.advance(by: .seconds(3_600))
        await harness.handle(H.message(from: H.car.number, H.report, at: Date(timeIntervalSince1970: 1_800_000_100), indices: [5]))

        #expect(await harness.modem.attempted.count == 1)
        #expect(await harness.modem.deleted.isEmpty)
        #expect(harness.relay.counters.pendingRetries == 0)
        harness.expectLogsCarryNoBodyOrNumber()
    }

    @Test func aStopDuringRetriesWithdrawsThePendingRelayToThatPhone() async {
        let harness = H(phones: [H.phoneA, H.phoneB])
        await harness.modem.fail(1, sendsTo: H.phoneB.number)
        await harness.handle(H.message(from: H.car.number, H.report, indices: [1]))
        await harness.handle(H.message(from: H.phoneB.number, "STOP", indices: [2]))
        await harness.clock.waitForSleepers(count: 1)
        harness.clock.advance(by: .seconds(5))
        await harness.modem.waitForDeletes(2)

        let relays = await harness.modem.sent.filter { $0.text == H.report }
        #expect(relays.map(\.to) == [H.phoneA.number])
        #expect(await harness.modem.deleted == [[2], [1]])
        harness.expectLogsCarryNoBodyOrNumber()
    }
}
