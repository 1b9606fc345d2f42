import Foundation
import GRDB
import TestSupport
import Testing
@testable import TrackerGateway

/// Gateway numbers are registry facts (issues #9.9 and #10): the operator's own numbers, none of
/// them ever a phone or a tracker, and the daemon never changes them.
@Suite struct RegistryGatewayNumberTests {
    static let first = "+15550001111"
    static let second = "+15550001112"
    static let notKnown = GatewayError.conflict(field: "--own-number", reason: "is not a gateway number of this registry; add it with `trackerd gateway number add NUMBER`")

    /// Anna (customer 1, phone +491701234567, tracker 1 +4915199887766) and the first gateway number.
    static func world(_ world: RegistryWorld) throws -> Registry {
        let registry = try world.openNew()
        _ = try registry.addGatewayNumber(first)
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        return registry
    }

    @Test(arguments: Backend.allCases) func numbersAreAddedNormalisedListedInOrderAndAudited(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        #expect(try registry.addGatewayNumber("+1 (555) 000-1112") == Self.second)
        #expect(try registry.gatewayNumbers() == [Self.first, Self.second])
        try registry.removeGatewayNumber("001 555 000 1111")
        #expect(try registry.gatewayNumbers() == [Self.second])
        let actions = try registry.auditEntries().map(\.action)
        #expect(actions.filter { $0 == .gatewayNumberAdd }.count == 2)
        #expect(actions.last == .gatewayNumberRemove)
        try registry.close()
    }

    static let claimed: [(String, GatewayError)] = [
        ("+491701234567", GatewayError.conflict(field: "<E164>", reason: "is already registered as a phone")),
        ("+4915199887766", .conflict(field: "<E164>", reason: "is already registered as a tracker")),
        (first, .conflict(field: "<E164>", reason: "is already a gateway number")),
        ("+1 555 00x", .invalidInput(field: "<E164>", reason: "number may contain only digits, a leading + or 00, spaces, dashes, dots and brackets")),
    ]

    @Test(arguments: Backend.allCases, claimed)
    func aNumberThatIsAlreadyClaimedIsRefused(_ backend: Backend, _ row: (number: String, expected: GatewayError)) throws {
        let (number, expected) = row
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        #expect(throws: expected) { try registry.addGatewayNumber(number) }
        #expect(try registry.gatewayNumbers() == [Self.first])
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func removingAnUnknownNumberNamesTheArgument(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        #expect(throws: GatewayError.unknownNumber(field: "<E164>", kind: "gateway number")) { try registry.removeGatewayNumber(Self.second) }
        #expect(throws: GatewayError.unknownNumber(field: "<E164>", kind: "gateway number")) { try registry.removeGatewayNumber("+491701234567") }
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func gatewayNumbersCanBeNeitherPhoneNorTracker(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        _ = try registry.addGatewayNumber(Self.second)
        #expect(throws: GatewayError.conflict(field: "--number", reason: "is the gateway's own number")) { try registry.addPhone(customerID: 1, number: Self.second) }
        #expect(throws: GatewayError.conflict(field: "--number", reason: "is the gateway's own number")) {
            try registry.addTracker(Fixtures.tracker(customerID: 1, number: Self.first, label: nil))
        }
        #expect(throws: GatewayError.conflict(field: "--phone", reason: "is the gateway's own number")) { try registry.addCustomer(Fixtures.bernd(phones: [Self.first])) }
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func runRequiresANumberTheRegistryHolds(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        #expect(try registry.requireGatewayNumber("+1 555 000 1111") == Self.first)
        #expect(throws: Self.notKnown) { try registry.requireGatewayNumber(Self.second) }
        #expect(throws: Self.notKnown) { try registry.requireGatewayNumber("+491701234567") }
        try registry.close()
    }

    /// The old bug: `run --own-number B` overwrote the stored A, after which A was accepted as a phone.
    @Test(arguments: Backend.allCases) func aNumberThatWasTheGatewaysCanNeverBeRegisteredAsACustomersPhone(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        #expect(throws: Self.notKnown) { try registry.requireGatewayNumber(Self.second) }
        try registry.setGatewayOwnNumber(Self.second)
        #expect(try registry.gatewayNumbers() == [Self.first, Self.second])
        #expect(throws: GatewayError.conflict(field: "--number", reason: "is the gateway's own number")) { try registry.addPhone(customerID: 1, number: Self.first) }
        try registry.close()
        let reopened = try world.reopen()
        #expect(throws: GatewayError.conflict(field: "--phone", reason: "is the gateway's own number")) { try reopened.addCustomer(Fixtures.bernd(phones: [Self.first])) }
        #expect(try reopened.gatewayOwnNumber()?.e164 == Self.first)
        try reopened.close()
    }

    @Test(arguments: Backend.allCases) func trackersKnownGatewayNumbersReachTheSenderLookup(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        _ = try registry.addGatewayNumber(Self.second)
        try registry.recordKnownGatewayNumbers(trackerID: 1, numbers: [Self.second, "+1 555 000 1111"])
        #expect(try Self.trackerRoute(registry).knownGatewayNumbers == [Self.first, Self.second])
        #expect(try registry.trackerRoute(id: 1).knownGatewayNumbers == [Self.first, Self.second])
        guard case .phone(_, let trackers) = try registry.roleNow(of: "+491701234567") else {
            Issue.record("Anna's phone is not found")
            return
        }
        #expect(trackers.map(\.knownGatewayNumbers) == [[Self.first, Self.second]])
        #expect(try registry.auditEntries().last?.action == .trackerProvision)
        #expect(try registry.auditEntries().last?.subjectID == 1)

        try registry.recordKnownGatewayNumbers(trackerID: 1, numbers: [Self.second])
        #expect(try Self.trackerRoute(registry).knownGatewayNumbers == [Self.second])
        try registry.removeGatewayNumber(Self.second)
        #expect(try Self.trackerRoute(registry).knownGatewayNumbers == [])
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func provisioningRecordsOnlyGatewayNumbersOfKnownTrackers(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        try registry.recordKnownGatewayNumbers(trackerID: 1, numbers: [Self.first])
        #expect(throws: GatewayError.unknownNumber(field: "gateway number", kind: "gateway number")) {
            try registry.recordKnownGatewayNumbers(trackerID: 1, numbers: [Self.first, Self.second])
        }
        #expect(throws: GatewayError.unknownID(kind: "tracker", id: 9)) { try registry.recordKnownGatewayNumbers(trackerID: 9, numbers: [Self.first]) }
        #expect(try Self.trackerRoute(registry).knownGatewayNumbers == [Self.first])
        try registry.removeTracker(id: 1)
        #expect(try registry.read { db in try db.count(sql: "SELECT COUNT(*) AS n FROM tracker_gateway_numbers") } == 0)
        try registry.close()
    }

    @Test(arguments: Backend.allCases) func aHandEditedGatewayNumberIsATypedError(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.world(world)
        try world.handEdit(registry, "UPDATE gateway_numbers SET e164 = 'gateway' WHERE id = 1")
        #expect(throws: GatewayError.corruptData(path: "gateway_numbers.e164", reason: "holds 'gateway' where the schema keeps an E.164 number")) {
            try registry.gatewayNumbers()
        }
        try registry.close()
    }

    static func trackerRoute(_ registry: Registry) throws -> TrackerRoute {
        guard case .tracker(let route) = try registry.roleNow(of: "+4915199887766") else {
            throw HarnessError("Anna's tracker is not found")
        }
        return route
    }

    /// A registry made before v4 kept its one gateway number as a setting; v4 makes it a gateway number.
    /// SQLite only: a PostgreSQL registry is made by a trackerd that knows v5, every migration in init's one transaction.
    @Test func migrationV4MovesTheStoredOwnNumberIntoGatewayNumbers() throws {
        let world = try RegistryWorld(.sqlite)
        let data = world.dataDirectory
        try SecureFile.createPrivateDirectory(data.path)
        let key = MasterKey.generate()
        try key.write(to: data.appendingPathComponent(Registry.masterKeyFileName).path)
        let vault = Vault(masterKey: key)
        let databasePath = data.appendingPathComponent(Registry.databaseFileName).path
        try SecureFile.createPrivate(databasePath, contents: [])
        let pool = try DatabasePool(path: databasePath, configuration: SQLiteRegistryStore.configuration())
        try RegistrySchema.migrator.migrate(pool, upTo: "v3: audit actions and setting keys as tables")
        let number = try PhoneNumber(parsing: Self.first, field: "--own-number", defaultCallingCode: nil)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('vault.key-check', ?)", arguments: [vault.keyCheck])
            try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'gateway')", arguments: [vault.blindIndex(of: number)])
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('gateway.own-number', ?)", arguments: [Data(Self.first.utf8)])
            try db.execute(sql: "INSERT INTO audit (at, actor, action) VALUES (1700000000, 'operator', 'gateway.own-number-set')")
        }
        try pool.close()

        let registry = try world.reopen()
        #expect(try registry.gatewayNumbers() == [Self.first])
        #expect(try registry.read { db in try db.count(sql: "SELECT COUNT(*) AS n FROM settings WHERE key = 'gateway.own-number'") } == 0)
        #expect(try registry.read { db in try db.fetchColumn(sql: "SELECT created_at FROM gateway_numbers", column: "created_at", table: "gateway_numbers", as: Int64.self) } == [1_700_000_000])
        #expect(throws: GatewayError.conflict(field: "--phone", reason: "is the gateway's own number")) { try registry.addCustomer(Fixtures.bernd(phones: [Self.first])) }
        try registry.removeGatewayNumber(Self.first)
        #expect(try registry.read { db in try db.count(sql: "SELECT COUNT(*) AS n FROM numbers") } == 0)
        try registry.close()
    }
}
