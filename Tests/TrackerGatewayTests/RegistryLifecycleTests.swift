import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// A clock the test moves by hand.
final class SettableRegistryClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }

    func advance(by interval: TimeInterval) { lock.withLock { current = current.addingTimeInterval(interval) } }
}

@Suite struct RegistryLifecycleTests {
    static let day: TimeInterval = 86_400

    @Test(arguments: Backend.allCases) func terminatedCustomerNoLongerRoutesAndGainsNothing(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        try registry.terminateCustomer(id: anna)

        #expect(try registry.role(of: "+4915199887766") == .unknown)
        #expect(try registry.role(of: "+491701234567") == .unknown)
        #expect(try registry.customer(id: anna).status == .terminated)
        #expect(try registry.customer(id: anna).profile?.name == "Anna Schmidtmeier")
        #expect(throws: GatewayError.conflict(field: "--customer", reason: "customer \(anna) is terminated; only an active customer gains phones or trackers")) {
            try registry.addPhone(customerID: anna, number: "+491605550001")
        }
    }

    @Test(arguments: Backend.allCases) func erasingShredsPIIAndFreesNumbers(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        try registry.eraseCustomer(id: anna)

        let record = try registry.customer(id: anna)
        #expect(record.status == .erased)
        #expect(record.profile == nil && record.phones.isEmpty && record.trackers.isEmpty)
        #expect(record.erasedAt == Fixtures.clock())
        #expect(try registry.role(of: "+4915199887766") == .unknown)
        // The freed numbers can be registered again, even as the other kind.
        let bernd = try registry.addCustomer(Fixtures.bernd(phones: ["+4915199887766"]))
        _ = try registry.addTracker(Fixtures.tracker(customerID: bernd, number: "+491701234567"))
        #expect(throws: GatewayError.conflict(field: "<id>", reason: "customer \(anna) is already erased")) { try registry.eraseCustomer(id: anna) }
    }

    @Test(arguments: Backend.allCases) func erasureLeavesNoWrappedKeyOrSealedFieldInTheFiles(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addCustomer(Fixtures.bernd())
        let sealed = try registry.read { db in
            try db.fetchOne(sql: "SELECT wrapped_key, name_sealed, email_sealed FROM customers WHERE id = ?", arguments: [anna])
        }
        let blobs: [Data] = try #require(sealed).values.compactMap { Data.fromSQLValue($0) }
        #expect(blobs.count == 3)
        try registry.eraseCustomer(id: anna)

        // SQLite: the database and -wal files (secure_delete, the shredded log). PostgreSQL keeps a
        // deleted version in its pages until VACUUM reuses them and in its WAL until recycled, where
        // only crypto-shredding protects it (the master key never reaches the server); its rows hold none.
        let bytes = try world.storedBytes()
        for blob in blobs {
            #expect(bytes.range(of: blob) == nil, "the \(backend) registry still holds an erased customer's sealed bytes")
        }
        #expect(try registry.customer(id: 2).profile?.name == "Bernd Obermüller")
    }

    @Test(arguments: Backend.allCases) func disputeHoldBlocksErasure(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        try registry.setDisputeHold(customerID: anna, held: true)
        #expect(throws: GatewayError.conflict(field: "<id>", reason: "customer \(anna) has an open dispute hold")) { try registry.eraseCustomer(id: anna) }
        try registry.setDisputeHold(customerID: anna, held: false)
        try registry.eraseCustomer(id: anna)
        #expect(try registry.auditEntries().map(\.action).suffix(3) == [.disputeHold, .disputeRelease, .customerErase])
    }

    @Test(arguments: Backend.allCases) func sweepErasesOnlyDueCustomersAndOldAuditEntries(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let policy = RetentionPolicy(terminatedGracePeriod: 90 * Self.day, auditRetention: 30 * Self.day)
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let carla = try registry.addCustomer(NewCustomer(name: "Carla", address: "Platz 1", email: "carla@example.com", phones: ["+4916099990000"], adultAttested: true))
        try registry.terminateCustomer(id: anna)
        try registry.terminateCustomer(id: bernd)
        try registry.setDisputeHold(customerID: bernd, held: true)

        clock.advance(by: 89 * Self.day)
        #expect(try registry.sweep(policy: policy) == [])
        clock.advance(by: 1 * Self.day)
        #expect(try registry.sweep(policy: policy) == [anna])

        #expect(try registry.customer(id: anna).status == .erased)
        #expect(try registry.customer(id: bernd).status == .terminated)
        #expect(try registry.customer(id: carla).status == .active)
        // Only the erase just recorded is younger than 30 days.
        #expect(try registry.auditEntries().map(\.action) == [.customerPurge])
    }
}
