import Foundation
import GRDB
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct RegistryTests {
    @Test(arguments: Backend.allCases) func customerPhoneAndTrackerAreFoundByRole(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
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

    @Test(arguments: Backend.allCases) func nationalSenderIsFoundWithTheStoredCallingCode(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let setup = try world.openNew()
        try setup.setDefaultCallingCode(CallingCode(parsing: "49"))
        let customerID = try setup.addCustomer(Fixtures.anna(phones: ["0170 1234567"]))
        try setup.close()

        let registry = try world.reopen()
        #expect(registry.defaultCallingCode?.digits == "49")
        guard case .phone(let phone, _) = try registry.role(of: "01701234567") else {
            Issue.record("expected the phone")
            return
        }
        #expect(phone.customerID == customerID)
        #expect(phone.number == "+491701234567")
    }

    @Test(arguments: Backend.allCases) func phoneWithoutTrackersAndTrackerWithoutOtherPhones(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        guard case .phone(let phone, let trackers) = try registry.role(of: "+491701234567") else {
            Issue.record("expected a phone")
            return
        }
        #expect(phone.customerID == anna)
        #expect(trackers.isEmpty)
    }

    @Test(arguments: Backend.allCases) func customerDataIsReadBackDecrypted(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
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

    @Test(arguments: Backend.allCases) func auditRecordsCustomerPhoneAndTrackerAddsWithoutPII(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
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

    @Test(arguments: Backend.allCases) func consentIsRecordedAndAudited(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
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

    @Test(arguments: Backend.allCases) func unknownCustomerIDsAreClearErrors(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.addPhone(customerID: 42, number: "+491701234567") }
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.addTracker(Fixtures.tracker(customerID: 42)) }
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.customer(id: 42) }
    }

    @Test(arguments: Backend.allCases) func reopeningWithAnotherMasterKeyIsRefused(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        try world.openNew().close()
        let keyPath = world.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        try FileManager.default.removeItem(atPath: keyPath)
        try MasterKey.generate().write(to: keyPath)
        let made = backend == .sqlite ? "database" : "registry"
        #expect(throws: GatewayError.corruptData(path: keyPath, reason: "is not the master key this \(made) was made with")) {
            try world.reopen()
        }
    }

    @Test func everySQLiteConnectionHasSecureDeleteForeignKeysAndWAL() throws {
        let world = try RegistryWorld(.sqlite)
        let registry = try world.openNew()
        let pool = try #require(registry.store as? SQLiteRegistryStore).pool
        let writer = try pool.write { db in
            [try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys")]
        }
        let reader = try pool.read { db in
            [try Int.fetchOne(db, sql: "PRAGMA secure_delete"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys")]
        }
        #expect(writer == [1, 1])
        #expect(reader == [1, 1])
        #expect(try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test(arguments: Backend.allCases) func schemaRefusesAPhoneRowForATrackersNumber(_ backend: Backend) throws {
        // The rule holds even for a writer that skips the registry's checks.
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        func trackersIndex(_ db: any SQLTransaction) throws -> Data {
            try #require(try db.fetchOne(sql: "SELECT blind_index FROM trackers")).decode("blind_index", table: "trackers")
        }
        #expect(throws: GatewayError.self) {
            try registry.write { db in
                try db.execute(sql: "INSERT INTO phones (customer_id, blind_index, number_sealed, created_at) VALUES (?, ?, ?, 0)",
                               arguments: [anna, try trackersIndex(db), Data([0])])
            }
        }
        #expect(throws: GatewayError.self) {
            try registry.write { db in
                try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'phone')", arguments: [try trackersIndex(db)])
            }
        }
        #expect(throws: GatewayError.self) {
            try registry.write { db in
                try db.execute(sql: "UPDATE customers SET status = 'terminated' WHERE id = ?", arguments: [anna])
            }
        }
        // Every refusal rolled back: the tracker routes, Anna is still active.
        #expect(try registry.customer(id: anna).status == .active)
    }

    @Test(arguments: Backend.allCases) func initTwiceIsRefused(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        try world.openNew().close()
        #expect(throws: GatewayError.self) { try world.openNew() }
        _ = try world.reopen()
    }

    @Test(arguments: Backend.allCases) func openingAnUninitialisedRegistryIsRefused(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        switch world.location {
        case .sqlite:
            #expect(throws: GatewayError.notInitialised(path: world.dataDirectory.path)) { try world.reopen() }
        case .postgres(let url):
            // A data directory with a key, a schema without a registry.
            try SecureFile.createPrivateDirectory(world.dataDirectory.path)
            try MasterKey.generate().write(to: world.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path)
            #expect(throws: GatewayError.notInitialised(path: url.description)) { try world.reopen() }
        }
    }
}
