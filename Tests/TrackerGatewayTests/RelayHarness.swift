import Foundation
import Logging
import TestSupport
import Testing
@testable import TrackerGateway

/// One customer with three phones and two trackers, a stranger, and the relay wired to
/// in-memory doubles of the registry and the modem, on a manual clock.
struct RelayHarness {
    static let ownNumber = "+15550000000"
    static let phoneA = PhoneRoute(phoneID: 11, customerID: 1, number: "+15550001001", consents: true)
    static let phoneB = PhoneRoute(phoneID: 12, customerID: 1, number: "+15550001002", consents: true)
    static let phoneC = PhoneRoute(phoneID: 13, customerID: 1, number: "+15550001003", consents: true)
    /// Another customer's phone: must never receive customer 1's locations.
    static let otherCustomersPhone = PhoneRoute(phoneID: 21, customerID: 2, number: "+15550002001", consents: true)
    static let car = InMemorySenderDirectory.Tracker(trackerID: 101, customerID: 1, number: "+15550009001", model: .tk103, password: "123456", label: "Car")
    static let van = InMemorySenderDirectory.Tracker(trackerID: 102, customerID: 1, number: "+15550009002", model: .gt06, password: "", label: "Van")
    static let stranger = "+15557770000"
    static let report = "lat:14.632742\nlong:121.001790\nspeed:0.00\nT:17/06/05 16:21\nhttp://maps.google.com/maps?f=q&q=14.632742,121.001790&z=16\nPwr: ON Door: OFF ACC: OFF"

    static let testConfiguration = RelayConfiguration(
        ownNumber: ownNumber,
        retry: RetryPolicy(initialDelay: .seconds(5), multiplier: 2, maximumDelay: .seconds(60), jitter: 0)
    )

    let clock = ManualClock()
    let modem = InMemoryRelayModem()
    let directory: InMemorySenderDirectory
    let logs = LogCapture()
    let relay: Relay
    let start: ManualClock.Instant

    init(
        phones: [PhoneRoute] = [phoneA],
        trackers: [InMemorySenderDirectory.Tracker] = [car],
        configuration: RelayConfiguration = testConfiguration
    ) {
        directory = InMemorySenderDirectory(phones: phones + [Self.otherCustomersPhone], trackers: trackers)
        relay = Relay(configuration: configuration, directory: directory, clock: clock, logger: logs.logger)
        start = clock.now
    }

    /// A message as the modem layer hands it over.
    static func message(
        from sender: String,
        _ text: String,
        ucs2: Bool = false,
        at timestamp: Date = Date(timeIntervalSince1970: 1_800_000_000),
        reference: Int? = nil,
        parts: Int = 1,
        indices: [Int] = [3]
    ) -> IncomingMessage {
        IncomingMessage(sender: sender, text: text, isUCS2: ucs2, timestamp: timestamp, concatenationReference: reference, partCount: parts, storage: slots(indices))
    }

    /// Slots of the SIM, as a modem names them.
    static func slots(_ indices: [Int]) -> [StoredSlot] { indices.map { StoredSlot(storage: "SM", index: $0) } }

    /// The relay's decision and its carrying out, on the in-memory modem.
    func handle(_ message: IncomingMessage) async {
        await relay.handle(message, via: modem)
    }

    /// Invariant 6: no body and no full number in any log line, whatever the test did.
    func expectLogsCarryNoBodyOrNumber(extraBodies: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        let numbers = [Self.ownNumber, Self.phoneA.number, Self.phoneB.number, Self.phoneC.number,
                       Self.otherCustomersPhone.number, Self.car.number, Self.van.number, Self.stranger]
        let secrets = numbers + numbers.map { String($0.dropFirst()) }
            + [Self.report, "lat:14.632742", "121.001790", "smslink123456", "123456"] + extraBodies
        let lines = logs.records
        #expect(!lines.isEmpty, "the relay logged nothing, so the check proves nothing", sourceLocation: sourceLocation)
        for line in lines {
            for secret in secrets where line.contains(secret) {
                Issue.record("a log line carries \"\(secret)\": \(line)", sourceLocation: sourceLocation)
            }
        }
    }
}
