import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// One unreadable row never hides the readable ones (issue #9.3): listings return every readable
/// row and name each unreadable one, without its content.
@Suite struct RegistryListingTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var edit: String
        /// The same edit in PostgreSQL's SQL, when it differs (no `randomblob`).
        var postgresEdit: String? = nil
        var customer: UnreadableRow
        var phones: [UnreadableRow]
        var trackers: [UnreadableRow]
    }

    static let cases: [Case] = [
        Case(description: "a sealed field that does not open",
             edit: "UPDATE customers SET name_sealed = randomblob(48) WHERE id = 1",
             postgresEdit: "UPDATE customers SET name_sealed = decode(repeat('5a', 48), 'hex') WHERE id = 1",
             customer: UnreadableRow(kind: "customer", id: 1, error: .corruptData(path: "customers.name", reason: "does not open with its customer's data key")),
             phones: [], trackers: []),
        Case(description: "an unknown status",
             edit: "UPDATE customers SET status = 'bogus' WHERE id = 1",
             customer: UnreadableRow(kind: "customer", id: 1, error: .corruptData(path: "customers.status", reason: "holds an unknown value")),
             phones: [], trackers: []),
        Case(description: "an unknown model",
             edit: "UPDATE trackers SET model = 'banana' WHERE id = 1",
             customer: UnreadableRow(kind: "customer", id: 1, error: .corruptData(path: "trackers.model", reason: "holds an unknown value")),
             phones: [],
             trackers: [UnreadableRow(kind: "tracker", id: 1, error: .corruptData(path: "trackers.model", reason: "holds an unknown value"))]),
        Case(description: "a data key that does not open",
             edit: "UPDATE customers SET wrapped_key = randomblob(60) WHERE id = 1",
             postgresEdit: "UPDATE customers SET wrapped_key = decode(repeat('5a', 60), 'hex') WHERE id = 1",
             customer: UnreadableRow(kind: "customer", id: 1, error: .corruptData(path: "customers.wrapped_key", reason: "does not open with this master key")),
             phones: [UnreadableRow(kind: "phone", id: 1, error: .corruptData(path: "customers.wrapped_key", reason: "does not open with this master key"))],
             trackers: [UnreadableRow(kind: "tracker", id: 1, error: .corruptData(path: "customers.wrapped_key", reason: "does not open with this master key"))]),
    ]

    @Test(arguments: Backend.allCases, cases)
    func listingsKeepEveryReadableRowAndNameTheOthers(_ backend: Backend, _ row: Case) throws {
        let world = try RegistryWorld(backend)
        let registry = try RegistryCorruptRowTests.world(world)
        try world.handEdit(registry, backend == .postgres ? row.postgresEdit ?? row.edit : row.edit)

        let customers = try registry.customerListing()
        #expect(customers.rows.map(\.id) == [2])
        #expect(customers.unreadable == [row.customer])
        let phones = try registry.phoneListing()
        #expect(phones.rows.map(\.id) == (row.phones.isEmpty ? [1, 2] : [2]))
        #expect(phones.unreadable == row.phones)
        let trackers = try registry.trackerListing()
        #expect(trackers.rows.map(\.id) == (row.trackers.isEmpty ? [1, 2] : [2]))
        #expect(trackers.unreadable == row.trackers)
        // The strict forms still refuse to pretend the list is whole.
        #expect(throws: row.customer.error) { try registry.listCustomers() }
        try registry.close()
    }

    @Test func anUnreadableRowIsNamedWithoutItsContent() {
        let row = UnreadableRow(kind: "customer", id: 7, error: .corruptData(path: "customers.status", reason: "holds an unknown value"))
        #expect(row.description == "customer 7: unreadable (customers.status holds an unknown value)")
    }
}
