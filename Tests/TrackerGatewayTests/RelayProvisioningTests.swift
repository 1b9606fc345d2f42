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
        let acknowledgements = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, profile: .standard(for: .tk103))
        await harness.handle(RelayHarness.message(from: car.number, "admin ok", indices: [4]))
        var iterator = acknowledgements.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        #expect(await harness.modem.sent.isEmpty)
        #expect(await harness.modem.deleted == [[4]])
        harness.expectLogsCarryNoBodyOrNumber(extraBodies: ["admin ok"])
    }

    @Test func otherTrackerMessagesStillRelayWhileWaiting() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        _ = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, profile: .standard(for: .tk103))
        await harness.handle(RelayHarness.message(from: car.number, RelayHarness.report))
        #expect(await harness.modem.sent.map(\.to) == [RelayHarness.phoneA.number])
    }

    @Test func withoutAWaiterAnAcknowledgementRelaysAsUsual() async throws {
        let harness = RelayHarness()
        let car = RelayHarness.car
        _ = harness.relay.expectAdminAcknowledgement(trackerID: car.trackerID, profile: .standard(for: .tk103))
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
    ])
    func recognisesEachFirmwaresAcknowledgement(_ model: TrackerModel, _ text: String, _ expected: Bool) {
        #expect(TrackerCommandProfile.standard(for: model).isAdminAcknowledgement(text) == expected)
    }
}
