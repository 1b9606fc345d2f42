import Foundation
import GRDB

/// The customer registry: customers, their phones and trackers, PII sealed, numbers blind-indexed.
///
/// DESIGN.md "Data" and invariants 1, 4, 5, 7. One SQLite file in the data directory (WAL,
/// `secure_delete`, foreign keys on every connection), shared safely by the daemon and the CLI.
/// Every mutating method validates its whole input first and only then opens a write transaction,
/// so a refused command leaves the database file byte-for-byte as it was.
public final class Registry: Sendable {
    public static let databaseFileName = "registry.sqlite"
    public static let masterKeyFileName = "master.key"
    /// How long a writer waits for the other process (daemon or CLI) to finish its transaction.
    public static let busyTimeout: TimeInterval = 10

    let pool: DatabasePool
    let vault: Vault
    /// The OS user recorded in the audit log.
    let actor: String
    let now: @Sendable () -> Date
    public let databasePath: String
    private let storedCallingCode: LockedValue<CallingCode?>
    /// Write transactions this process committed (or tried): part of `changeToken()`.
    let localWrites = LockedValue<UInt64>(0)

    /// The calling code for national number forms (`0170…`), as stored in settings; nil when none.
    public var defaultCallingCode: CallingCode? { storedCallingCode.value }

    private init(pool: DatabasePool, vault: Vault, actor: String, now: @escaping @Sendable () -> Date, databasePath: String, defaultCallingCode: CallingCode?) {
        self.pool = pool
        self.vault = vault
        self.actor = actor
        self.now = now
        self.databasePath = databasePath
        self.storedCallingCode = LockedValue(defaultCallingCode)
    }

    /// Opens the registry in `dataDirectory`; with `create`, first initialises it as
    /// ``initialise(dataDirectory:masterKeyFile:defaultCallingCode:gatewayNumber:actor:clock:)`` does.
    ///
    /// Refuses a data directory that is not 0700, and a key or database file (or its `-wal`/`-shm`)
    /// that group or others can read.
    /// - Parameters:
    ///   - masterKeyFile: where the key is; `master.key` in the data directory by default.
    ///   - actor: the OS user named in audit entries.
    ///   - clock: the time for `created_at` and audit entries (tests inject one).
    public static func open(
        dataDirectory: URL,
        create: Bool,
        masterKeyFile: URL? = nil,
        actor: String = AuditLog.currentActor(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Registry {
        if create {
            return try initialise(dataDirectory: dataDirectory, masterKeyFile: masterKeyFile, actor: actor, clock: clock).registry
        }
        let directoryPath = dataDirectory.path
        let keyPath = keyPath(dataDirectory: dataDirectory, masterKeyFile: masterKeyFile)
        let databasePath = dataDirectory.appendingPathComponent(databaseFileName).path

        try SecureFile.requirePrivate(directoryPath, isDirectory: true)
        try SecureFile.requirePrivate(keyPath)
        try SecureFile.requirePrivate(databasePath)
        for companion in [databasePath + "-wal", databasePath + "-shm"] where try SecureFile.mode(of: companion) != nil {
            try SecureFile.requirePrivate(companion)
        }
        let masterKey = try MasterKey.load(from: keyPath)

        let vault = Vault(masterKey: masterKey)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: databasePath, configuration: configuration())
            try RegistrySchema.migrator.migrate(pool)
        } catch {
            throw Registry.gatewayError(from: error, path: databasePath)
        }

        let settings = try Registry.readSettings(pool, path: databasePath)
        guard let stored = settings.keyCheck else {
            throw GatewayError.corruptData(path: databasePath, reason: "has no key check; it was not made by `trackerd init`")
        }
        guard stored == vault.keyCheck else {
            throw GatewayError.corruptData(path: keyPath, reason: "is not the master key this database was made with")
        }
        return Registry(pool: pool, vault: vault, actor: actor, now: clock, databasePath: databasePath, defaultCallingCode: settings.defaultCallingCode)
    }

    static func keyPath(dataDirectory: URL, masterKeyFile: URL?) -> String {
        (masterKeyFile ?? dataDirectory.appendingPathComponent(masterKeyFileName)).path
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "registry"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
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

    /// Copies the write-ahead log into the database file, then closes every connection.
    ///
    /// GRDB closes the writer before the readers, so SQLite's own checkpoint-on-close never runs;
    /// this one keeps `registry.sqlite` current for a backup taken while trackerd is stopped. It is
    /// passive: it never waits for the daemon's readers and never empties the -wal file (GRDB would
    /// write to the database on the next open if it found that file empty).
    public func close() throws {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        do { try pool.close() } catch { throw Registry.gatewayError(from: error, path: databasePath) }
    }

    // MARK: Settings

    private struct Settings {
        var keyCheck: Data?
        var defaultCallingCode: CallingCode?
    }

    private static func readSettings(_ pool: DatabasePool, path: String) throws -> Settings {
        try perform(reading: pool, path: path) { db in
            var settings = Settings()
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM settings WHERE key IN ('vault.key-check', 'numbers.default-calling-code')") {
                switch try row.decode("key", table: "settings", as: String.self) {
                case "vault.key-check":
                    settings.keyCheck = try row.decode("value", table: "settings", as: Data.self)
                default:
                    // A calling code that no longer parses is ignored: numbers must then be international.
                    let text = try row.decode("value", table: "settings", as: String.self)
                    settings.defaultCallingCode = try? CallingCode(parsing: text)
                }
            }
            return settings
        }
    }

    /// Stores the calling code used for national number forms from now on.
    ///
    /// Another process (the daemon) sees it when it next opens the registry.
    public func setDefaultCallingCode(_ code: CallingCode) throws {
        let time = now()
        try write { db in try Self.storeDefaultCallingCode(code, at: time, actor: actor, in: db) }
        storedCallingCode.value = code
    }

    static func storeDefaultCallingCode(_ code: CallingCode, at time: Date, actor: String, in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('numbers.default-calling-code', ?)", arguments: [Data(code.digits.utf8)])
        try AuditLog.record(AuditEntry(at: time, actor: actor, action: .defaultCallingCodeSet, customerID: nil, subjectID: nil), in: db)
    }

    /// Every audit entry, oldest first.
    public func auditEntries() throws -> [AuditEntry] {
        try read { db in try AuditLog.entries(in: db) }
    }

    // MARK: Transactions and errors

    /// Which kind of number (`phone`, `tracker`, `gateway`) already claims `index`, if any.
    static func claimedKind(of index: Data, in db: Database) throws -> String? {
        try Row.fetchOne(db, sql: "SELECT kind FROM numbers WHERE blind_index = ?", arguments: [index])?.decode("kind", table: "numbers")
    }

    func claimedKind(of index: Data, in db: Database) throws -> String? {
        try Self.claimedKind(of: index, in: db)
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        defer { localWrites.value &+= 1 }
        return try Registry.perform(pool, path: databasePath, body)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Registry.perform(reading: pool, path: databasePath, body)
    }

    static func perform<T>(_ pool: DatabasePool, path: String, _ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw gatewayError(from: error, path: path) }
    }

    static func perform<T>(reading pool: DatabasePool, path: String, _ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw gatewayError(from: error, path: path) }
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
            return .io(path: path, operation: "lock (busy for \(Int(busyTimeout)) s)", errno: EBUSY)
        case .SQLITE_FULL:
            return .io(path: path, operation: "write", errno: ENOSPC)
        case .SQLITE_CANTOPEN:
            return .io(path: path, operation: "open", errno: ENOENT)
        default:
            return .io(path: path, operation: "SQLite \(error.resultCode)", errno: EIO)
        }
    }
}

/// A value shared between threads behind a lock (the registry is used from the relay's tasks and the CLI).
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
