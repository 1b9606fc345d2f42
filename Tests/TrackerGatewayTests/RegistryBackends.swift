import Foundation
import GRDB
import TestSupport
import Testing
@testable import TrackerGateway

/// The registry backends every registry suite runs against (issue #11): one parameterised suite,
/// never two copies.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { rawValue }
}

/// One test's registry: a fresh data directory, and on PostgreSQL a fresh schema of its own in the
/// test cluster's database (``TestPostgres``), so tests never see each other's rows.
final class RegistryWorld: @unchecked Sendable {
    let backend: Backend
    let directory: TemporaryDirectory
    let location: RegistryLocation

    init(_ backend: Backend) throws {
        self.backend = backend
        directory = try TemporaryDirectory()
        switch backend {
        case .sqlite: location = .sqlite
        case .postgres: location = .postgres(try PostgresRegistryURL(parsing: try TestPostgres.freshSchemaURL()))
        }
    }

    var dataDirectory: URL { directory.dataDirectory }

    /// The schema goes with the test, so the cluster stays small for the byte scan.
    deinit {
        guard case .postgres(let url) = location, let schema = url.schema, let store = try? PostgresRegistryStore(url: url) else { return }
        _ = try? store.write { db in try db.execute(sql: "DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        try? store.close()
    }

    func postgresURL() throws -> PostgresRegistryURL {
        guard case .postgres(let url) = location else { throw HarnessError("this world's registry is SQLite") }
        return url
    }

    /// `init` (SQLite) or `init --registry` (PostgreSQL), then open.
    func openNew(clock: @escaping @Sendable () -> Date = Fixtures.clock, gatewayNumber: String? = nil) throws -> Registry {
        try initialise(clock: clock, gatewayNumber: gatewayNumber).registry
    }

    func initialise(clock: @escaping @Sendable () -> Date = Fixtures.clock, gatewayNumber: String? = nil) throws -> (registry: Registry, report: Registry.Initialisation) {
        switch location {
        case .sqlite:
            return try Registry.initialise(dataDirectory: dataDirectory, gatewayNumber: gatewayNumber, actor: "operator", clock: clock)
        case .postgres(let url):
            return try Registry.initialise(dataDirectory: dataDirectory, registry: url, join: false, gatewayNumber: gatewayNumber, actor: "operator", clock: clock)
        }
    }

    func reopen(clock: @escaping @Sendable () -> Date = Fixtures.clock) throws -> Registry {
        try Registry.open(dataDirectory: dataDirectory, location: location, actor: "operator", clock: clock)
    }

    /// Everything the registry holds: SQLite's database and -wal bytes (and the key); PostgreSQL's
    /// rows of every table of the schema, and its change counter. Equal before and after: nothing
    /// was written.
    func contents() throws -> [String: Data?] {
        switch location {
        case .sqlite:
            return DatabaseFiles(directory).contents
        case .postgres(let url):
            let store = try PostgresRegistryStore(url: url)
            defer { try? store.close() }
            var contents: [String: Data?] = [:]
            for (table, _) in try store.schemaTables() {
                let rows = try store.read { db in
                    try db.fetchColumn(sql: "SELECT t::text AS row FROM \(table) t ORDER BY t::text", column: "row", table: table, as: String.self)
                }
                contents[table] = Data(rows.joined(separator: "\n").utf8)
            }
            contents["master.key"] = FileManager.default.contents(atPath: dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path)
            return contents
        }
    }

    /// Every byte the registry stored: SQLite's database and -wal files; on PostgreSQL every value
    /// of every row of the schema (blobs as their bytes), which is what its files hold in their
    /// pages. (`PostgresClusterScanTests` scans the cluster's files and WAL themselves.)
    func storedBytes() throws -> Data {
        switch location {
        case .sqlite:
            return [Registry.databaseFileName, Registry.databaseFileName + "-wal"]
                .compactMap { FileManager.default.contents(atPath: dataDirectory.appendingPathComponent($0).path) }.reduce(Data(), +)
        case .postgres(let url):
            let store = try PostgresRegistryStore(url: url)
            defer { try? store.close() }
            var bytes = Data()
            for (table, _) in try store.schemaTables() {
                for row in try store.read({ db in try db.fetchAll(sql: "SELECT * FROM \(table)") }) {
                    for value in row.values {
                        switch value {
                        case .blob(let blob): bytes += blob
                        case .text(let text): bytes += Data(text.utf8)
                        case .integer(let number): bytes += Data(String(number).utf8)
                        case .real, .null: break
                        }
                        bytes.append(0)
                    }
                }
            }
            return bytes
        }
    }

    /// Edits rows behind the registry's back, as an operator with `sqlite3` or `psql` would.
    ///
    /// SQLite's type affinity lets a text into an INTEGER column, and the edit switches CHECKs and
    /// foreign keys off. On PostgreSQL the column types still refuse a text in a number column
    /// (that edit throws); its CHECKs and foreign keys are dropped first (the schema is this test's).
    func handEdit(_ registry: Registry, _ sql: String) throws {
        switch registry.store {
        case let store as SQLiteRegistryStore:
            try store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF")
                try db.execute(sql: sql)
                try db.execute(sql: "PRAGMA ignore_check_constraints = OFF; PRAGMA foreign_keys = ON")
            }
        default:
            try registry.write { db in
                try db.execute(sql: """
                    DO $$ DECLARE c record; BEGIN
                        FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
                                 WHERE connamespace = current_schema()::regnamespace AND contype IN ('c', 'f') LOOP
                            EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
                        END LOOP;
                    END $$
                    """)
                try db.execute(sql: sql)
            }
        }
    }
}

/// The bytes of the SQLite database, its -wal file and the master key (absent ones as nil).
///
/// The -shm file is left out on purpose: it is SQLite's shared-memory WAL index, rebuilt by every
/// connection that opens the database, and holds no rows.
struct DatabaseFiles: Equatable {
    var contents: [String: Data?]

    init(_ directory: TemporaryDirectory) {
        let base = directory.dataDirectory.appendingPathComponent(Registry.databaseFileName).path
        contents = [:]
        for path in [base, base + "-wal", directory.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path] {
            contents[path] = FileManager.default.contents(atPath: path)
        }
    }
}
