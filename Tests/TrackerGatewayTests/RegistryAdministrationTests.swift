import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// Corrections, access copies, removals, listings and settings (issue 5).
@Suite struct RegistryAdministrationTests {
    static let day: TimeInterval = 86_400

    @Test(arguments: Backend.allCases) func exportHoldsEveryFieldHeldAndIsAudited(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna(phones: ["+49 170 1234567", "+49 170 7654321"]))
        let tracker = try registry.addTracker(Fixtures.tracker(customerID: anna))
        try registry.setDisputeHold(customerID: anna, held: true, note: "chargeback from the bank")
        try registry.recordNotice(.amendment(version: "2026-12"), customerIDs: [anna])

        let export = try registry.exportCustomer(id: anna)

        #expect(export.name == "Anna Schmidtmeier")
        #expect(export.address == "Lindenstraße 42, 50667 Köln")
        #expect(export.email == "anna.schmidtmeier@example.de")
        #expect(export.card == CustomerExport.Card(token: "tok_annas_card_token", last4: "4242"))
        #expect(export.phones.map(\.number) == ["+491701234567", "+491707654321"])
        #expect(export.trackers.map(\.id) == [tracker])
        #expect(export.trackers.first?.password == "123456")
        #expect(export.trackers.first?.label == "van")
        #expect(export.trackers.first?.model == .tk103)
        #expect(export.disputeHold)
        #expect(export.disputeNote == "chargeback from the bank")
        #expect(export.notices.amendmentVersion == "2026-12")
        #expect(export.notices.amendmentNotifiedAt == Fixtures.clock())
        #expect(export.audit.last?.action == .customerExport)
        #expect(try registry.auditEntries().last?.action == .customerExport)
    }

    @Test(arguments: Backend.allCases) func exportJSONNamesEveryColumnTheCustomerTableHas(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        try registry.setDisputeHold(customerID: anna, held: true, note: "open")
        try registry.recordNotice(.amendment(version: "v2"), customerIDs: [anna])
        try registry.recordNotice(.breach, customerIDs: [anna])
        try registry.terminateCustomer(id: anna)
        let json = String(decoding: try JSONEncoder().encode(registry.exportCustomer(id: anna)), as: UTF8.self)
        let columns = try #require(try registry.store.schemaTables().first { $0.table == "customers" }).columns
        // Sealed columns export under their plain name; the key never leaves.
        let exported: [String: String] = [
            "id": "\"id\"", "status": "\"status\"", "created_at": "createdAt", "adult_attested_at": "adultAttestedAt",
            "terminated_at": "terminatedAt", "erased_at": "", "dispute_hold": "disputeHold", "wrapped_key": "",
            "name_sealed": "\"name\"", "address_sealed": "\"address\"", "email_sealed": "\"email\"",
            "card_token_sealed": "\"token\"", "card_last4_sealed": "\"last4\"", "amendment_version": "amendmentVersion",
            "amendment_notified_at": "amendmentNotifiedAt", "breach_notified_at": "breachNotifiedAt",
            "dispute_note_sealed": "disputeNote", "terminated_under_amendment": "terminatedUnderAmendment",
        ]
        for column in columns {
            let key = try #require(exported[column], "column \(column) has no place in the export")
            if !key.isEmpty { #expect(json.contains(key), "\(column)") }
        }
    }

    @Test(arguments: Backend.allCases) func updateCorrectsFieldsAndIsAudited(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        try registry.updateCustomer(id: anna, CustomerUpdate(name: "Anna Schmidt", email: "anna@example.org", cardToken: "tok_new", cardLast4: "1881"))
        var export = try registry.exportCustomer(id: anna)
        #expect(export.name == "Anna Schmidt")
        #expect(export.address == "Lindenstraße 42, 50667 Köln")
        #expect(export.email == "anna@example.org")
        #expect(export.card == CustomerExport.Card(token: "tok_new", last4: "1881"))
        try registry.updateCustomer(id: anna, CustomerUpdate(removeCard: true))
        export = try registry.exportCustomer(id: anna)
        #expect(export.card == nil)
        #expect(try registry.auditEntries(since: nil, customerID: anna).filter { $0.action == .customerUpdate }.count == 2)
    }

    struct RefusedUpdate: Sendable, CustomStringConvertible {
        var update: CustomerUpdate
        var error: GatewayError
        var description: String { "\(error)" }
    }

    static let refusedUpdates = [
        RefusedUpdate(update: CustomerUpdate(name: "  "), error: .invalidInput(field: "--name", reason: "is empty")),
        RefusedUpdate(update: CustomerUpdate(email: "anna@"), error: .invalidInput(field: "--email", reason: "needs a domain with a dot after the @")),
        RefusedUpdate(update: CustomerUpdate(cardToken: "4111 1111 1111 1111", cardLast4: "1111"),
                      error: .invalidInput(field: "--card-token", reason: "looks like a full card number, which trackerd never stores; give the payment processor's token with --card-token and the last four digits with --card-last4")),
        RefusedUpdate(update: CustomerUpdate(), error: .usage("nothing to update: give at least one of --name, --address, --email, --card-token with --card-last4, --remove-card")),
        RefusedUpdate(update: CustomerUpdate(cardToken: "tok"), error: .usage("--card-token needs --card-last4")),
    ]

    @Test(arguments: Backend.allCases, refusedUpdates)
    func refusedUpdateLeavesTheFilesUntouched(_ backend: Backend, _ row: RefusedUpdate) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        let before = try world.contents()
        #expect(throws: row.error) { try registry.updateCustomer(id: anna, row.update) }
        #expect(try world.contents() == before)
    }

    @Test(arguments: Backend.allCases) func unknownAndErasedCustomersAreClearErrors(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 99)) { try registry.exportCustomer(id: 99) }
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 99)) { try registry.updateCustomer(id: 99, CustomerUpdate(name: "X")) }
        #expect(throws: GatewayError.unknownID(kind: "phone", id: 99)) { try registry.removePhone(id: 99) }
        #expect(throws: GatewayError.unknownID(kind: "tracker", id: 99)) { try registry.removeTracker(id: 99) }
        try registry.eraseCustomer(id: anna)
        #expect(throws: GatewayError.unknownID(kind: "customer", id: anna)) { try registry.exportCustomer(id: anna) }
        #expect(throws: GatewayError.conflict(field: "customer \(anna)", reason: "is erased; nothing is left to correct")) {
            try registry.updateCustomer(id: anna, CustomerUpdate(name: "X"))
        }
        #expect(throws: GatewayError.conflict(field: "<id>", reason: "customer \(anna) is erased, not active")) { try registry.terminateCustomer(id: anna) }
    }

    @Test(arguments: Backend.allCases) func eraseLeavesNoneOfTheCustomersDataInTheDatabaseOrLog(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        try registry.setDisputeHold(customerID: anna, held: true, note: "Widerspruch Zahlung")
        try registry.setDisputeHold(customerID: anna, held: false, note: "Widerspruch erledigt")
        _ = try registry.exportCustomer(id: anna)
        try registry.eraseCustomer(id: anna)
        try registry.close()
        let bytes = try world.storedBytes()
        let text = String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self)
        // What `strings` would show: the plaintext of every field must be absent.
        for secret in ["Schmidtmeier", "Lindenstra", "anna.schmidtmeier", "tok_annas_card", "+491701234567", "+4915199887766", "Widerspruch"] {
            #expect(!text.contains(secret), "\(secret)")
        }
        let reopened = try world.reopen()
        #expect(throws: GatewayError.unknownID(kind: "customer", id: anna)) { try reopened.exportCustomer(id: anna) }
    }

    @Test(arguments: Backend.allCases) func removingAPhoneFreesItsNumberButNeverTheLastOne(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna(phones: ["+49 170 1234567", "+49 170 7654321"]))
        let phones = try registry.phones(customerID: anna)
        try registry.removePhone(id: phones[1].id)
        #expect(try registry.phones(customerID: anna).map(\.number) == ["+491701234567"])
        // The freed number may now be a tracker.
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna, number: "+49 170 7654321"))
        let before = try world.contents()
        #expect(throws: GatewayError.conflict(field: "phone \(phones[0].id)", reason: "is the only phone of active customer \(anna); add another first, or terminate the customer")) {
            try registry.removePhone(id: phones[0].id)
        }
        #expect(try world.contents() == before)
    }

    @Test(arguments: Backend.allCases) func removingATrackerMakesItAStranger(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        let tracker = try registry.addTracker(Fixtures.tracker(customerID: anna))
        #expect(try registry.trackers().map(\.id) == [tracker])
        try registry.removeTracker(id: tracker)
        #expect(try registry.role(of: "+4915199887766") == .unknown)
        #expect(try registry.trackers().isEmpty)
        #expect(try registry.auditEntries().last.map { [$0.action.rawValue, "\($0.subjectID ?? 0)"] } == ["tracker.remove", "\(tracker)"])
    }

    @Test(arguments: Backend.allCases) func trackerRouteForProvisioningNeedsAnActiveCustomer(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        let tracker = try registry.addTracker(Fixtures.tracker(customerID: anna))
        #expect(try registry.trackerRoute(id: tracker).password == "123456")
        try registry.terminateCustomer(id: anna)
        #expect(throws: GatewayError.conflict(field: "tracker \(tracker)", reason: "belongs to customer \(anna), which is not active")) {
            try registry.trackerRoute(id: tracker)
        }
    }

    @Test(arguments: Backend.allCases) func auditQueryFiltersByTimeAndCustomer(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        clock.advance(by: Self.day)
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let since = clock.now
        #expect(try registry.auditEntries(since: since, customerID: nil).compactMap(\.customerID) == [bernd, bernd])
        #expect(try registry.auditEntries(since: nil, customerID: anna).map(\.action) == [.customerAdd, .phoneAdd])
        #expect(try registry.auditEntries(since: since, customerID: anna).isEmpty)
    }
}
