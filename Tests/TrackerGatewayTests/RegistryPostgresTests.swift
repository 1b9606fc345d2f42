import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The shared PostgreSQL registry (issue #11): init and join, the key check, the server's refusals
/// as typed errors, TLS, and what one gateway sees of another's writes.
@Suite struct RegistryPostgresTests {
    static func url(_ text: String) throws -> PostgresRegistryURL {
        try PostgresRegistryURL(parsing: text, environment: [:])
    }

    /// A second gateway's data directory on the same registry as `world`.
    static func join(_ world: RegistryWorld, keyFile: URL? = nil, gatewayNumber: String? = nil) throws -> (TemporaryDirectory, Registry) {
        let url = try world.postgresURL()
        let second = try TemporaryDirectory()
        let registry = try Registry.initialise(dataDirectory: second.dataDirectory, registry: url, join: true, masterKeyFile: keyFile,
                                               gatewayNumber: gatewayNumber, actor: "operator", clock: Fixtures.clock).registry
        return (second, registry)
    }

    @Test(arguments: [
        ("postgres://trackerd@db1/registry", "postgres://trackerd@db1:5432/registry", "db1:5432"),
        ("postgresql://trackerd:s3cret@10.0.0.5:6432/registry?sslmode=require", "postgres://trackerd@10.0.0.5:6432/registry?sslmode=require", "10.0.0.5:6432"),
        ("postgres://trackerd@/registry?host=/run/postgresql", "postgres://trackerd@:5432/registry?host=/run/postgresql", "/run/postgresql/.s.PGSQL.5432"),
        ("postgres://op@db1/registry?schema=gateways&sslmode=verify-full", "postgres://op@db1:5432/registry?sslmode=verify-full&schema=gateways", "db1:5432"),
    ])
    func urlsParseAndNeverShowTheirPassword(_ text: String, _ shown: String, _ server: String) throws {
        let url = try Self.url(text)
        #expect(url.description == shown)
        #expect(url.server == server)
        #expect(!url.description.contains("s3cret"))
    }

    @Test(arguments: [
        ("mysql://a@b/c", "must start with postgres:// (the SQLite registry needs no --registry)"),
        ("postgres://db1/registry", "names no user; expected postgres://USER@HOST[:PORT]/DB"),
        ("postgres://a@db1", "names no database; expected postgres://USER@HOST[:PORT]/DB"),
        ("postgres://a@db1/r?sslmode=always", "sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full"),
        ("postgres://a@db1/r?schema=Public;drop", "schema must be a lower-case SQL name (letters, digits, _)"),
        ("postgres://a@db1/r?application_name=x", "has an unknown parameter 'application_name'; trackerd knows sslmode, host and schema"),
    ])
    func badURLsAreRefusedNamingTheRule(_ text: String, _ reason: String) {
        #expect(throws: GatewayError.invalidInput(field: "--registry", reason: reason)) { try Self.url(text) }
    }

    @Test func theSchemaListsHaveTheSameMigrationsInTheSameOrder() {
        // PostgreSQL's own come after the shared ones: what only several gateways need (the ledger).
        let shared = PostgresSchema.migrations.prefix(RegistrySchema.migrationNames.count).map(\.name)
        #expect(shared == RegistrySchema.migrationNames)
        #expect(RegistrySchema.migrationNames.count == 5)
        #expect(PostgresSchema.migrations.dropFirst(RegistrySchema.migrationNames.count).map(\.name) == ["v6 (PostgreSQL): the gateways' relay ledger"])
    }

    @Test func bothSchemasHaveTheSameTablesAndColumns() throws {
        // The worlds stay alive to the end: a world's schema and directory go with it.
        let sqliteWorld = try RegistryWorld(.sqlite), postgresWorld = try RegistryWorld(.postgres)
        let sqlite = try sqliteWorld.openNew()
        let postgres = try postgresWorld.openNew()
        defer { try? sqlite.close(); try? postgres.close() }
        let sqliteTables = try sqlite.store.schemaTables().map { "\($0.table)(\($0.columns.joined(separator: ",")))" }
        // registry_changes is PostgreSQL's counter for changeToken(), no data of anyone's.
        let postgresTables = try postgres.store.schemaTables().filter { !["registry_changes", "relay_claims"].contains($0.table) }.map { "\($0.table)(\($0.columns.joined(separator: ",")))" }
        #expect(Set(sqliteTables) == Set(postgresTables))
        #expect(sqliteTables.count == 15)
        withExtendedLifetime((sqliteWorld, postgresWorld)) {}
    }

    @Test func openRefusesARegistryMigratedByANewerTrackerd() throws {
        let world = try RegistryWorld(.postgres)
        let registry = try world.openNew()
        _ = try registry.write { db in try db.execute(sql: "INSERT INTO registry_migrations (identifier, applied_at) VALUES ('v9: from the future', 0)") }
        try registry.close()
        #expect(throws: GatewayError.corruptData(path: "registry_migrations", reason: "records migration 'v9: from the future', which this trackerd does not know; it was made by a newer trackerd")) {
            try world.reopen()
        }
    }

    @Test func initTwiceWithoutJoinIsRefusedClearly() throws {
        let world = try RegistryWorld(.postgres)
        try world.openNew().close()
        let url = try world.postgresURL()
        let other = try TemporaryDirectory()
        #expect(throws: GatewayError.conflict(field: url.description, reason: "is already initialised; another gateway joins it with `trackerd init --join --registry …` and a copy of the first gateway's master.key")) {
            try Registry.initialise(dataDirectory: other.dataDirectory, registry: url, join: false, actor: "operator")
        }
        #expect(try SecureFile.mode(of: other.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path) == nil, "a refused init makes no key")
    }

    @Test func aJoinedGatewaySeesAndChangesTheSameRegistry() throws {
        let world = try RegistryWorld(.postgres)
        let first = try world.openNew(gatewayNumber: "+15550001111")
        let anna = try first.addCustomer(Fixtures.anna())
        let keyCopy = try TemporaryDirectory()
        let copy = keyCopy.appending("master.key").path
        try SecureFile.createPrivate(copy, contents: Array(try #require(FileManager.default.contents(atPath: world.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path))))
        let (second, joined) = try Self.join(world, keyFile: URL(fileURLWithPath: copy), gatewayNumber: "+15550002222")
        // The copy is now the second gateway's own key, 0600, in its data directory.
        let placed = second.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        #expect(FileManager.default.contents(atPath: placed) == FileManager.default.contents(atPath: copy))
        #expect(try SecureFile.mode(of: placed).map { $0 & 0o777 } == 0o600)

        #expect(try joined.customer(id: anna).profile?.name == "Anna Schmidtmeier")
        #expect(try first.gatewayNumbers() == ["+15550001111", "+15550002222"])
        guard case .phone(let phone, _) = try joined.role(of: "+491701234567") else {
            Issue.record("the joined gateway does not route Anna's phone")
            return
        }
        try joined.setConsent(phoneID: phone.phoneID, consents: false)
        #expect(try first.customer(id: anna).phones.first?.consents == false, "a STOP on one gateway holds on the other at once")
        try joined.close()
        try first.close()
    }

    @Test func joiningWithAnotherKeyIsRefusedAndLeavesNothing() throws {
        let world = try RegistryWorld(.postgres)
        try world.openNew().close()
        let wrong = try TemporaryDirectory()
        let wrongKey = wrong.appending("master.key").path
        try MasterKey.generate().write(to: wrongKey)
        let url = try world.postgresURL()
        let second = try TemporaryDirectory()
        #expect(throws: GatewayError.corruptData(path: wrongKey, reason: "is not the master key this registry was made with")) {
            try Registry.initialise(dataDirectory: second.dataDirectory, registry: url, join: true, masterKeyFile: URL(fileURLWithPath: wrongKey), actor: "operator")
        }
        #expect(try SecureFile.mode(of: second.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path) == nil)
        #expect(throws: GatewayError.usage("--join needs the first gateway's master key: copy its master.key to \(second.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path) (mode 0600), or give --key-file PATH")) {
            try Registry.initialise(dataDirectory: second.dataDirectory, registry: url, join: true, actor: "operator")
        }
    }

    @Test func anUnreachableServerIsOneTypedErrorNamingHostAndPort() throws {
        // A port nobody listens on: bound, then closed.
        let port = try TestPostgres.unusedLoopbackPort()
        let url = try Self.url("postgres://trackerd@127.0.0.1:\(port)/registry")
        let directory = try TemporaryDirectory()
        do {
            _ = try Registry.initialise(dataDirectory: directory.dataDirectory, registry: url, join: false, actor: "operator")
            Issue.record("init reached a server that is not there")
        } catch let error as GatewayError {
            guard case .registryUnavailable(let server, _) = error else {
                Issue.record("expected registryUnavailable, got \(error)")
                return
            }
            #expect(server == "127.0.0.1:\(port)")
            #expect(!error.description.contains("\n"))
        }
        #expect(try SecureFile.mode(of: directory.dataDirectory.path) == nil, "nothing is made before the server answered")
    }

    @Test func aWrongPasswordAndAMissingDatabaseAreTypedErrors() throws {
        let wrong = try Self.url(try TestPostgres.urlWithWrongPassword())
        #expect(throws: GatewayError.registryAccessDenied(server: wrong.server, role: wrong.user)) {
            try Registry.initialise(dataDirectory: try TemporaryDirectory().dataDirectory, registry: wrong, join: false, actor: "operator")
        }
        var missing = try Self.url(try TestPostgres.url())
        missing.database = "no_such_registry"
        #expect(throws: GatewayError.registryDatabaseMissing(server: missing.server, database: "no_such_registry")) {
            try Registry.initialise(dataDirectory: try TemporaryDirectory().dataDirectory, registry: missing, join: false, actor: "operator")
        }
    }

    @Test func sslmodeRequireEncryptsTheConnection() throws {
        let world = try RegistryWorld(.postgres)
        var url = try world.postgresURL()
        url.sslMode = .require
        let store = try PostgresRegistryStore(url: url)
        defer { try? store.close() }
        let encrypted = try store.read { db in
            try db.fetchOne(sql: "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")?.decode("ssl", table: "pg_stat_ssl", as: Bool.self)
        }
        #expect(encrypted == true)
    }

    @Test func aUnixSocketURLReachesTheSameServer() throws {
        let url = try Self.url(try TestPostgres.freshSchemaSocketURL())
        #expect(url.socketDirectory != nil && url.host == nil)
        let directory = try TemporaryDirectory()
        let registry = try Registry.initialise(dataDirectory: directory.dataDirectory, registry: url, join: false, actor: "operator", clock: Fixtures.clock).registry
        let anna = try registry.addCustomer(Fixtures.anna())
        #expect(try registry.customer(id: anna).profile?.name == "Anna Schmidtmeier")
        try registry.close()
    }

    /// What a route cache relies on: another registry instance's (another process's) committed
    /// change moves the token; nothing else does.
    @Test(arguments: Backend.allCases) func theChangeTokenMovesWhenAnyoneChangesWhatTheLookupReads(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let reader = try world.openNew()
        let writer = try world.reopen()
        let start = try reader.changeToken()
        #expect(try reader.changeToken() == start, "nothing changed")
        _ = try reader.roleNow(of: "+491701234567")
        #expect(try reader.changeToken() == start, "a read changes nothing")
        let anna = try writer.addCustomer(Fixtures.anna())
        let afterOther = try reader.changeToken()
        #expect(afterOther != start, "another connection's commit is seen")
        let phone = try reader.customer(id: anna).phones[0].phoneID
        try reader.setConsent(phoneID: phone, consents: false)
        let afterOwn = try reader.changeToken()
        #expect(afterOwn != afterOther, "this process's own write is seen")
        #expect(try reader.changeToken() == afterOwn)
        try writer.close()
        try reader.close()
    }
}
