import Foundation
import GRDB

/// The embedded registry: one SQLite file in the data directory, through a GRDB pool.
///
/// DESIGN.md "Data" — WAL mode, `secure_delete` and foreign keys on every connection, a busy
/// timeout so the daemon and the CLI share the file safely. Readers never wait for the writer.
// The one mutable field, the version connection, is only touched under `versionLock`.
final class SQLiteRegistryStore: RegistryStore, @unchecked Sendable {
    let pool: DatabasePool
    let path: String
    private let changes = ChangeCounter()
    /// A connection of its own for `PRAGMA data_version`, opened on first use: the pool hands
    /// reads to whichever reader is free, and the pragma is only comparable on one connection.
    private let versionLock = NSLock()
    private var versionConnection: DatabaseQueue?

    var dialect: SQLDialect { .sqlite }
    var location: String { path }

    init(path: String) throws {
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration())
        } catch {
            throw Self.gatewayError(from: error, path: path)
        }
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "registry"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Registry.busyTimeout)
        // A small box: the daemon reads from one modem thread per modem and the route cache
        // answers the hot path, so two readers and a 512 KiB page cache each are plenty (SQLite's
        // default is 2 MiB a connection, which a registry of 100,000 customers fills).
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            // Deleted PII is overwritten, not left in free pages (invariant 4).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA cache_size = -512")
        }
        return configuration
    }

    func migrate() throws {
        do { try RegistrySchema.migrator.migrate(pool) } catch { throw Self.gatewayError(from: error, path: path) }
    }

    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        do {
            let result = try pool.write { db in try body(GRDBTransaction(db: db)) }
            changes.noteWrite()
            return result
        } catch {
            throw Self.gatewayError(from: error, path: path)
        }
    }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        do { return try pool.read { db in try body(GRDBTransaction(db: db)) } } catch { throw Self.gatewayError(from: error, path: path) }
    }

    func readStatement<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try read(body)
    }

    func changeToken() throws -> UInt64 {
        do {
            let version: Int64 = try versionLock.withLock {
                let connection: DatabaseQueue
                if let open = versionConnection {
                    connection = open
                } else {
                    var configuration = Self.configuration()
                    configuration.readonly = true
                    configuration.label = "registry-version"
                    connection = try DatabaseQueue(path: path, configuration: configuration)
                    versionConnection = connection
                }
                // Asked before every sender look-up: the statement is prepared once per connection.
                return try connection.inDatabase { db in try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) } ?? 0
            }
            return changes.token(external: version)
        } catch {
            throw Self.gatewayError(from: error, path: path)
        }
    }

    /// Old WAL frames still hold the erased rows' pages, wrapped key included, until overwritten.
    /// A truncating checkpoint copies the new pages into the database (where `secure_delete` has
    /// zeroed the old cells) and cuts the log to nothing; then one harmless write starts a fresh log,
    /// because GRDB writes to the database on open when it finds an empty -wal file, and a refused
    /// command must leave the files untouched. Best effort: a long reader in the daemon can make the
    /// checkpoint give up, and the frames are then overwritten by later writes.
    func shredDeletedRows() {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        _ = try? pool.write { db in
            // A real change: SQLite skips writing a page whose bytes an update leaves equal.
            try db.execute(sql: """
                INSERT INTO settings (key, value) VALUES ('vault.shred-count', 1)
                ON CONFLICT (key) DO UPDATE SET value = value + 1
                """)
        }
    }

    func schemaTables() throws -> [(table: String, columns: [String])] {
        try read { db in
            let tables = try db.fetchColumn(sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name",
                                            column: "name", table: "sqlite_master", as: String.self)
            return try tables.map { table in
                (table, try db.fetchColumn(sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table], column: "name", table: "pragma_table_info"))
            }
        }
    }

    func safeguards() throws -> StoreSafeguards {
        try read { db in
            StoreSafeguards(secureDelete: try db.fetchOne(sql: "PRAGMA secure_delete")?.values.first == .integer(1),
                            foreignKeys: try db.fetchOne(sql: "PRAGMA foreign_keys")?.values.first == .integer(1),
                            journalMode: try db.fetchOne(sql: "PRAGMA journal_mode").flatMap { String.fromSQLValue($0.values[0]) } ?? "unknown")
        }
    }

    /// Copies the write-ahead log into the database file, then closes every connection.
    ///
    /// GRDB closes the writer before the readers, so SQLite's own checkpoint-on-close never runs;
    /// this one keeps `registry.sqlite` current for a backup taken while trackerd is stopped. It is
    /// passive: it never waits for the daemon's readers and never empties the -wal file (GRDB would
    /// write to the database on the next open if it found that file empty).
    // One SQLite file is one gateway's (the daemon lock allows one daemon per data directory), so
    // its relay memory in RAM is the whole ledger and no other gateway runs its jobs.
    func claimRelay(digest: Data, gateway: String, window: Duration, lease: Duration) throws -> RelayClaim { .mine(ticket: nil) }

    func markRelayed(digest: Data, gateway: String) throws {}

    func purgeRelayClaims() throws -> Int { 0 }

    func exclusively<T>(job name: String, _ body: () throws -> T) throws -> T? { try body() }

    func close() throws {
        versionLock.withLock { try? versionConnection?.close() }
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        do { try pool.close() } catch { throw Self.gatewayError(from: error, path: path) }
    }

    /// Translates SQLite's errors into ``GatewayError``, passing ours through.
    static func gatewayError(from error: any Error, path: String) -> GatewayError {
        if let error = error as? GatewayError { return error }
        guard let error = error as? DatabaseError else {
            return .corruptData(path: path, reason: "unexpected error \(type(of: error))")
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT, .SQLITE_SCHEMA:
            return .corruptData(path: path, reason: "is not a usable trackerd database (SQLite: \(error.resultCode))")
        case .SQLITE_CONSTRAINT:
            return .conflict(field: "database", reason: "a schema rule refused the change (\(error.message ?? "constraint"))")
        case .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .io(path: path, operation: "write", errno: EACCES)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .io(path: path, operation: "lock (busy for \(Int(Registry.busyTimeout)) s)", errno: EBUSY)
        case .SQLITE_FULL:
            return .io(path: path, operation: "write", errno: ENOSPC)
        case .SQLITE_CANTOPEN:
            return .io(path: path, operation: "open", errno: ENOENT)
        default:
            return .io(path: path, operation: "SQLite \(error.resultCode)", errno: EIO)
        }
    }
}
