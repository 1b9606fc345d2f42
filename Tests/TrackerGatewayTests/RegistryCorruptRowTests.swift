import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// A hand-edited row is a typed error naming its table and column on every read path, never a trap
/// (issue #9.2), and never stops another customer's sender lookup.
@Suite struct RegistryCorruptRowTests {
    static let annaTracker = "+4915199887766"
    static let annaPhone = "+491701234567"
    static let berndPhone = "+491717654321"
    static let berndTracker = "+4915100000002"

    /// Anna (customer 1: phone 1, tracker 1) and Bernd (customer 2: phone 2, tracker 2).
    static func world(_ world: RegistryWorld) throws -> Registry {
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        let bernd = try registry.addCustomer(Fixtures.bernd())
        _ = try registry.addTracker(Fixtures.tracker(customerID: bernd, number: berndTracker, label: "car"))
        return registry
    }

    /// What PostgreSQL makes of an edit SQLite's type affinity lets through.
    enum OnPostgres: Sendable {
        /// The column's type refuses the value: the edit throws and nothing changes.
        case typeRefusesEdit
        /// The edit is stored (CHECKs dropped); the read fails as on SQLite, or with this error.
        case reads(GatewayError?)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var setUp: @Sendable (Registry) throws -> Void = { _ in }
        var edit: String
        var read: @Sendable (Registry) throws -> Void
        var expected: GatewayError
        var onPostgres: OnPostgres = .reads(nil)
    }

    static func corrupt(_ column: String, _ reason: String) -> GatewayError {
        .corruptData(path: column, reason: reason)
    }

    static let cases: [Case] = [
        Case(description: "customer show: consents is text", edit: "UPDATE phones SET consents = 'yes' WHERE id = 1",
             read: { _ = try $0.customer(id: 1) }, expected: corrupt("phones.consents", "holds 'yes' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "customer: created_at is text", edit: "UPDATE customers SET created_at = 'hello' WHERE id = 1",
             read: { _ = try $0.customer(id: 1) }, expected: corrupt("customers.created_at", "holds 'hello' where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "export: created_at is text", edit: "UPDATE customers SET created_at = 'hello' WHERE id = 1",
             read: { _ = try $0.exportCustomer(id: 1) }, expected: corrupt("customers.created_at", "holds 'hello' where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "export: a tracker's created_at is a fraction", edit: "UPDATE trackers SET created_at = '1.5' + 0 WHERE id = 1",
             read: { _ = try $0.exportCustomer(id: 1) }, expected: corrupt("trackers.created_at", "holds 1.5 where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "export: a phone's consents is 2", edit: "UPDATE phones SET consents = 2 WHERE id = 1",
             read: { _ = try $0.exportCustomer(id: 1) }, expected: corrupt("phones.consents", "holds 2 where the schema keeps 0 or 1")),
        Case(description: "tracker lookup: a phone's consents is text", edit: "UPDATE phones SET consents = 'yes' WHERE id = 1",
             read: { _ = try $0.roleNow(of: annaTracker) }, expected: corrupt("phones.consents", "holds 'yes' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "phone lookup: a tracker's model is unknown", edit: "UPDATE trackers SET model = 'banana' WHERE id = 1",
             read: { _ = try $0.roleNow(of: annaPhone) }, expected: corrupt("trackers.model", "holds an unknown value")),
        Case(description: "lookup: the data key is text", edit: "UPDATE customers SET wrapped_key = 'k' WHERE id = 1",
             read: { _ = try $0.roleNow(of: annaPhone) }, expected: corrupt("customers.wrapped_key", "holds an unreadable value where the schema keeps a blob"), onPostgres: .reads(corrupt("customers.wrapped_key", "does not open with this master key"))),
        Case(description: "list: unknown status", edit: "UPDATE customers SET status = 'bogus' WHERE id = 1",
             read: { _ = try $0.listCustomers() }, expected: corrupt("customers.status", "holds an unknown value")),
        Case(description: "phone list: consents is 2", edit: "UPDATE phones SET consents = 2 WHERE id = 1",
             read: { _ = try $0.phones() }, expected: corrupt("phones.consents", "holds 2 where the schema keeps 0 or 1")),
        Case(description: "tracker list: a label is text", edit: "UPDATE trackers SET label_sealed = 'van' WHERE id = 1",
             read: { _ = try $0.trackers() }, expected: corrupt("trackers.label_sealed", "holds an unreadable value where the schema keeps a blob"), onPostgres: .reads(corrupt("trackers.label", "does not open with its customer's data key"))),
        Case(description: "tracker route: unknown model", edit: "UPDATE trackers SET model = 'gt07' WHERE id = 1",
             read: { _ = try $0.trackerRoute(id: 1) }, expected: corrupt("trackers.model", "holds an unknown value")),
        Case(description: "tracker route: the password is text", edit: "UPDATE trackers SET password_sealed = '123456' WHERE id = 1",
             read: { _ = try $0.trackerRoute(id: 1) }, expected: corrupt("trackers.password_sealed", "holds an unreadable value where the schema keeps a blob"), onPostgres: .reads(corrupt("trackers.password", "does not open with its customer's data key"))),
        Case(description: "audit: at is text", edit: "UPDATE audit SET at = 'yesterday' WHERE id = 1",
             read: { _ = try $0.auditEntries() }, expected: corrupt("audit.at", "holds 'yesterday' where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "audit: unknown action", edit: "UPDATE audit SET action = 'customer.teleport' WHERE id = 1",
             read: { _ = try $0.auditEntries(since: nil, customerID: 1) }, expected: corrupt("audit.action", "holds an unknown value")),
        Case(description: "sweep plan: terminated_at is text", setUp: { try $0.terminateCustomer(id: 1) },
             edit: "UPDATE customers SET terminated_at = 'hello' WHERE id = 1",
             read: { _ = try $0.sweepPlan(policy: RetentionSettings.defaults.policy) }, expected: corrupt("customers.terminated_at", "holds 'hello' where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "sweep: dispute_hold is text", setUp: { try $0.terminateCustomer(id: 1) },
             edit: "UPDATE customers SET dispute_hold = 'no' WHERE id = 1",
             read: { try $0.runSweep(policy: RetentionPolicy(terminatedGracePeriod: 0, auditRetention: 86_400)) }, expected: corrupt("customers.dispute_hold", "holds 'no' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "terminate: amendment notice time is text", edit: "UPDATE customers SET amendment_notified_at = 'soon' WHERE id = 1",
             read: { try $0.terminateCustomer(id: 1) }, expected: corrupt("customers.amendment_notified_at", "holds 'soon' where the schema keeps a time in whole seconds"), onPostgres: .typeRefusesEdit),
        Case(description: "dispute hold: the flag is text", edit: "UPDATE customers SET dispute_hold = 'yes' WHERE id = 1",
             read: { try $0.setDisputeHold(customerID: 1, held: true) }, expected: corrupt("customers.dispute_hold", "holds 'yes' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "erase: the hold flag is text", edit: "UPDATE customers SET dispute_hold = 'yes' WHERE id = 1",
             read: { try $0.eraseCustomer(id: 1) }, expected: corrupt("customers.dispute_hold", "holds 'yes' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "notice recipients: consents is text", edit: "UPDATE phones SET consents = 'yes' WHERE id = 1",
             read: { _ = try $0.amendmentRecipients() }, expected: corrupt("phones.consents", "holds 'yes' where the schema keeps 0 or 1"), onPostgres: .typeRefusesEdit),
        Case(description: "settings: a retention value is not a number", edit: "INSERT INTO settings (key, value) VALUES ('retention.audit', 'forever')",
             read: { _ = try $0.retentionSettings() }, expected: corrupt("settings.retention.audit", "is not a number of seconds")),
    ]

    @Test(arguments: Backend.allCases, cases)
    func aHandEditedValueIsATypedErrorNamingTableAndColumn(_ backend: Backend, _ row: Case) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        try row.setUp(registry)
        switch (backend, row.onPostgres) {
        case (.postgres, .typeRefusesEdit):
            #expect(throws: GatewayError.self) { try world.handEdit(registry, row.edit) }
            try row.read(registry)
        case (.postgres, .reads(let other?)):
            try world.handEdit(registry, row.edit)
            #expect(throws: other) { try row.read(registry) }
        default:
            try world.handEdit(registry, row.edit)
            #expect(throws: row.expected) { try row.read(registry) }
        }
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func consentChangeOnAHandEditedPhoneIsATypedError(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        try world.handEdit(registry, "UPDATE phones SET consents = 2 WHERE id = 1")
        #expect(throws: Self.corrupt("phones.consents", "holds 2 where the schema keeps 0 or 1")) {
            try registry.setConsent(phoneID: 1, consents: false)
        }
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func anotherCustomersSenderLookupWorksWhileOnesRowsAreBad(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        try world.handEdit(registry, backend == .sqlite ? """
            UPDATE phones SET consents = 'yes' WHERE customer_id = 1;
            UPDATE trackers SET model = 'banana', created_at = 'hello' WHERE customer_id = 1;
            UPDATE customers SET created_at = 'hello', dispute_hold = 'maybe' WHERE id = 1;
            """ : """
            UPDATE phones SET consents = 7 WHERE customer_id = 1;
            UPDATE trackers SET model = 'banana' WHERE customer_id = 1;
            UPDATE customers SET dispute_hold = 3 WHERE id = 1;
            """)
        #expect(throws: GatewayError.self) { try registry.roleNow(of: Self.annaTracker) }
        #expect(throws: GatewayError.self) { try registry.roleNow(of: Self.annaPhone) }

        guard case .tracker(let route) = try registry.roleNow(of: Self.berndTracker) else {
            Issue.record("Bernd's tracker is not found")
            return
        }
        #expect(route.customerID == 2)
        #expect(route.phones.map(\.number) == [Self.berndPhone])
        #expect(route.phones.allSatisfy { $0.consents })
        guard case .phone(let phone, let trackers) = try registry.roleNow(of: Self.berndPhone) else {
            Issue.record("Bernd's phone is not found")
            return
        }
        #expect(phone.customerID == 2)
        #expect(trackers.map(\.number) == [Self.berndTracker])
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func aPIIColumnsValueNeverAppearsInTheError(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        // PostgreSQL keeps the text's bytes in the BYTEA column: a blob that does not open.
        try world.handEdit(registry, "UPDATE customers SET name_sealed = 'Anna Schmidtmeier' WHERE id = 1")
        do {
            _ = try registry.customer(id: 1)
            Issue.record("a text in a sealed column was read")
        } catch let error as GatewayError {
            #expect(error == (backend == .sqlite ? Self.corrupt("customers.name_sealed", "holds an unreadable value where the schema keeps a blob")
                                                 : Self.corrupt("customers.name", "does not open with its customer's data key")))
            #expect(!error.description.contains("Anna"))
        }
        try registry.close()
    }
}
