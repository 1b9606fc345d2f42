import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The relay's side of `tracker provision`: an awaited admin acknowledgement is captured and
/// deleted, never relayed; everything else from the tracker relays as usual.
@Suite struct RelayProvisioningTests {
    @Test func anAwaitedAcknowledgementIsCapturedAndDeletedNotRelayed() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        let acknowledgements = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, number: car.number, profile: .standard(for: .tk103))
        await harness.handle(RelayHarness.message(from: car.number, "admin ok", indices: [4]))
        var iterator = acknowledgements.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        #expect(await harness.modem.sent.isEmpty)
        #expect(await harness.modem.deleted == [[4]])
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: ["admin ok"])
    }

    /// Provisioning several gateway numbers sends one command after another; their identical
    /// acknowledgements can share one SCTS second, and the second must not pass for a duplicate.
    @Test func twoAcknowledgementsWithinOneSecondAreBothCaptured() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        for slot in [4, 5] {
            let acknowledgements = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, number: car.number, profile: .standard(for: .tk103))
            await harness.handle(RelayHarness.message(from: car.number, "admin ok", indices: [slot]))
            var iterator = acknowledgements.makeAsyncIterator()
            #expect(await iterator.next() != nil, "acknowledgement in slot \(slot)")
            harness.relay.stopExpectingAdminAcknowledgement(trackerID: car.trackerID)
        }
        #expect(await harness.modem.sent.isEmpty)
        #expect(await harness.modem.deleted == [[4], [5]])
    }

    @Test func otherTrackerMessagesStillRelayWhileWaiting() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        _ = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, number: car.number, profile: .standard(for: .tk103))
        await harness.handle(RelayHarness.message(from: car.number, RelayHarness.report))
        #expect(await harness.modem.sent.map(\.to) == [RelayHarness.phoneA.number])
    }

    @Test func withoutAWaiterAnAcknowledgementRelaysAsUsual() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        _ = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, number: car.number, profile: .standard(for: .tk103))
        harness.relay.stopExpectingAdminAcknowledgement(trackerID: car.trackerID)
        await harness.handle(RelayHarness.message(from: car.number, "admin ok"))
        #expect(await harness.modem.sent.map(\.text) == ["admin ok"])
    }

    @Test(arguments: [
        (TrackerModel.gt06, "SET CENTER TEL OK. TEL Number is +15550001111.", true),
        (.gt06, "OK!", true),
        (.tk103, "SET CENTER TEL OK", false),
        (.teltonika, "New value 4000:+15550001111;", true),
        (.xexun, "admin ok", true),
        (.gt06, "SET SOS OK", true),
        (.teltonika, "Param ID:4000 New Val:+15550001111", true),
    ])
    func recognisesEachFirmwaresAcknowledgement(_ model: TrackerModel, _ text: String, _ expected: Bool) {
        #expect(TrackerCommandProfile.standard(for: model).isAdminAcknowledgement(text) == expected)
    }
}
