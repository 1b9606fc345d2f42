import Testing
import TrackerGateway
@testable import GatewayDaemon

/// The pool's rotation as a table: who may carry a send, in which order.
@Suite struct ModemPoolTests {
    typealias Health = ModemPool.Health
    static let numbers = ["+4917000000001", "+4917000000002", "+4917000000003"]
    static func health(ready: Bool = true, registered: Bool = true, failures: Int = 0, busy: Int = 0) -> Health {
        Health(ready: ready, registered: registered, consecutiveFailures: failures, sendsInFlight: busy)
    }

    static let rows: [(name: String, table: [Health], purpose: SendPurpose, origin: Int?, expected: [Int])] = [
        ("all idle: pool order", [health(), health(), health()], .relay, nil, [0, 1, 2]),
        ("least busy first", [health(busy: 2), health(busy: 0), health(busy: 1)], .relay, nil, [1, 2, 0]),
        ("a closed modem is out", [health(ready: false), health(), health()], .relay, nil, [1, 2]),
        ("an unregistered modem is out", [health(), health(registered: false), health()], .relay, nil, [0, 2]),
        ("three refusals in a row take it out", [health(failures: 3), health(failures: 2), health()], .relay, nil, [1, 2]),
        ("a reply goes out of the receiving modem first", [health(), health(busy: 3), health()], .reply, 1, [1, 0, 2]),
        ("a reply's modem, when out, is passed over", [health(), health(ready: false), health()], .reply, 1, [0, 2]),
        ("a tracker command only out of a modem it obeys", [health(), health(), health()], .trackerCommand(knownNumbers: [numbers[2], numbers[1]]), nil, [1, 2]),
        ("no modem it obeys is up: none", [health(), health(ready: false), health()], .trackerCommand(knownNumbers: [numbers[1]]), nil, []),
        ("a tracker nobody provisioned: any healthy one", [health(ready: false), health(), health()], .trackerCommand(knownNumbers: []), nil, [1, 2]),
    ]

    @Test(arguments: rows.indices)
    func theRotation(_ row: Int) {
        let (_, table, purpose, origin, expected) = Self.rows[row]
        #expect(ModemPool.order(table, numbers: Self.numbers, for: purpose, origin: origin) == expected, "\(Self.rows[row].name)")
    }
}
