import Foundation
import GRDB
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct RegistryTests {
    @Test func customerPhoneAndTrackerAreFoundByRole() async throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let customerID = try registry.addCustomer(Fixtures.anna())
        let secondPhoneID = try registry.addPhone(customerID: customerID, number: "+49 160 5550001")
        let trackerID = try registry.addTracker(Fixtures.tracker(customerID: customerID))

        let record = try registry.customer(id: customerID)
        let phones = record.phones
        #expect(phones.map(\.number) == ["+491701234567", "+491605550001"])
        #expect(phones.last?.phoneID == secondPhoneID)
        #expect(phones.allSatisfy { $0.consents })

        let expectedTracker = TrackerRoute(trackerID: trackerID, customerID: customerID, number: "+4915199887766",
                                           model: .tk103, password: "123456", label: "van", phones: phones)
        #expect(try registry.role(of: "+4915199887766") == .tracker(expectedTracker))
        #expect(try registry.role(of: "+49 170 1234567") == .phone(phones[0], trackers: [expectedTracker]))
        #expect(try registry.role(of: "+4917099999999") == .unknown)
        #expect(try registry.role(of: "VODAFONE") == .unknown)
        #expect(try registry.role(of: "22255") == .unknown)
    }

    @Test func nationalSenderIsFoundWithTheStoredCallingCode() async throws {
        let directory = try TemporaryDirectory()
        let setup = try Fixtures.openNew(in: directory)
        try setup.setDefaultCallingCode(CallingCode(parsing: "49"))
        let customerID = try setup.addCustomer(Fixtures.anna(phones: ["0170 1234567"]))
        try setup.close()

        let registry = try Fixtures.reopen(directory)
        #expect(registry.defaultCallingCode?.digits == "49")
        guard case .phone(let phone, _) = try registry.role(of: "01701234567") else {
            Issue.record("expected the phone")
            return
        }
        #expect(phone.customerID == customerID)
        #expect(phone.number == "+491701234567")
    }

    @Test func phoneWithoutTrackersAndTrackerWithoutOtherPhones() async throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let anna = try registry.addCustomer(Fixtures.anna())
        guard case .phone(let phone, let trackers) = try registry.role(of: "+491701234567") else {
            Issue.record("expected a phone")
            return
        }
        #expect(phone.customerID == anna)
        #expect(trackers.isEmpty)
    }

    @Test func customerDataIsReadBackDecrypted() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let annaID = try registry.addCustomer(Fixtures.anna())
        let berndID = try registry.addCustomer(Fixtures.bernd())

        let anna = try registry.customer(id: annaID)
        #expect(anna.status == .active)
        #expect(anna.disputeHold == false)
        #expect(anna.createdAt == Fixtures.clock())
        #expect(anna.terminatedAt == nil)
        #expect(anna.profile == CustomerProfile(name: "Anna Schmidtmeier", address: "Lindenstraße 42, 50667 Köln",
                                                email: "anna.schmidtmeier@example.de",
                                                card: try PaymentCard(token: "tok_annas_card_token", last4: "4242")))
        #expect(try registry.customer(id: berndID).profile?.card == nil)
        #expect(try registry.listCustomers().map(\.id) == [annaID, berndID])
    }

    @Test func auditRecordsCustomerPhoneAndTrackerAddsWithoutPII() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let customerID = try registry.addCustomer(Fixtures.anna())
        let phoneID = try registry.addPhone(customerID: customerID, number: "+491605550001")
        let trackerID = try registry.addTracker(Fixtures.tracker(customerID: customerID))

        let entries = try registry.auditEntries().map { [$0.action.rawValue, $0.actor, "\($0.customerID ?? -1)", "\($0.subjectID ?? -1)"] }
        let firstPhoneID = try registry.customer(id: customerID).phones[0].phoneID
        #expect(entries == [
            ["customer.add", "operator", "\(customerID)", "-1"],
            ["phone.add", "operator", "\(customerID)", "\(firstPhoneID)"],
            ["phone.add", "operator", "\(customerID)", "\(phoneID)"],
            ["tracker.add", "operator", "\(customerID)", "\(trackerID)"],
        ])
        #expect(try registry.auditEntries().allSatisfy { $0.at == Fixtures.clock() })
    }

    @Test func consentIsRecordedAndAudited() async throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let customerID = try registry.addCustomer(Fixtures.anna())
        let phoneID = try registry.customer(id: customerID).phones[0].phoneID

        try registry.setConsent(phoneID: phoneID, consents: false)
        try registry.setConsent(phoneID: phoneID, consents: false)
        #expect(try registry.customer(id: customerID).phones[0].consents == false)
        try registry.setConsent(phoneID: phoneID, consents: true)
        #expect(try registry.customer(id: customerID).phones[0].consents == true)
        #expect(try registry.auditEntries().suffix(2).map(\.action) == [.consentWithdrawn, .consentGiven])
        await #expect(throws: GatewayError.unknownID(kind: "phone", id: 999)) {
            try registry.setConsent(phoneID: 999, consents: false)
        }
    }

    @Test func unknownCustomerIDsAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.addPhone(customerID: 42, number: "+491701234567") }
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.addTracker(Fixtures.tracker(customerID: 42)) }
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.customer(id: 42) }
    }

    @Test func reopeningWithAnotherMasterKeyIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.openNew(in: directory).close()
        let keyPath = directory.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        try FileManager.default.removeItem(atPath: keyPath)
        try MasterKey.generate().write(to: keyPath)
        #expect(throws: GatewayError.corruptData(path: keyPath, reason: "is not the master key this database was made with")) {
            try Fixtures.reopen(directory)
        }
    }

    @Test func everyConnectionHasSecureDeleteForeignKeysAndWAL() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let writer = try registry.pool.write { db in
            [try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys")]
        }
        let reader = try registry.pool.read { db in
            [try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys")]
        }
        #expect(writer == [1, 1])
        #expect(reader == [1, 1])
        #expect(try registry.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test func schemaRefusesAPhoneRowForATrackersNumber() throws {
        // The rule holds even for a writer that skips the registry's checks.
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        #expect(throws: DatabaseError.self) {
            try registry.pool.write { db in
                let index = try Data.fetchOne(db, sql: "SELECT blind_index FROM trackers")
                try db.execute(sql: "INSERT INTO phones (customer_id, blind_index, number_sealed, created_at) VALUES (?, ?, x'00', 0)", arguments: [anna, index])
            }
        }
        #expect(throws: DatabaseError.self) {
            try registry.pool.write { db in
                let index = try Data.fetchOne(db, sql: "SELECT blind_index FROM trackers")
                try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'phone')", arguments: [index])
            }
        }
        #expect(throws: DatabaseError.self) {
            try registry.pool.write { db in
                try db.execute(sql: "UPDATE customers SET status = 'terminated' WHERE id = ?", arguments: [anna])
            }
        }
    }

    @Test func initTwiceIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.openNew(in: directory).close()
        #expect(throws: GatewayError.self) { try Fixtures.openNew(in: directory) }
        _ = try Fixtures.reopen(directory)
    }

    @Test func openingAnUninitialisedDirectoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: GatewayError.notInitialised(path: directory.dataDirectory.path)) { try Fixtures.reopen(directory) }
    }
}
