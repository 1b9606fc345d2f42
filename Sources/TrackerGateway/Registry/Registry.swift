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

    /// Opens the registry in `dataDirectory`; with `create`, first makes the directory (0700), a new
    /// master key (0600) and a new database (0600) — refusing a directory that already has them.
    ///
    /// Refuses a directory, key or database file (or its `-wal`/`-shm`) that group or others can read.
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
        let directoryPath = dataDirectory.path
        let keyPath = (masterKeyFile ?? dataDirectory.appendingPathComponent(masterKeyFileName)).path
        let databasePath = dataDirectory.appendingPathComponent(databaseFileName).path

        let masterKey: MasterKey
        if create {
            try SecureFile.createPrivateDirectory(directoryPath)
            try SecureFile.requirePrivate(directoryPath, isDirectory: true)
            for path in [keyPath, databasePath] where try SecureFile.mode(of: path) != nil {
                throw GatewayError.conflict(field: path, reason: "already exists; this data directory is initialised")
            }
            masterKey = MasterKey.generate()
            try masterKey.write(to: keyPath)
            // An empty file is an empty SQLite database; creating it ourselves makes it 0600
            // whatever the umask, and SQLite gives -wal and -shm the same mode.
            try SecureFile.createPrivate(databasePath, contents: [])
        } else {
            try SecureFile.requirePrivate(directoryPath, isDirectory: true)
            try SecureFile.requirePrivate(keyPath)
            try SecureFile.requirePrivate(databasePath)
            for companion in [databasePath + "-wal", databasePath + "-shm"] where try SecureFile.mode(of: companion) != nil {
                try SecureFile.requirePrivate(companion)
            }
            masterKey = try MasterKey.load(from: keyPath)
        }

        let vault = Vault(masterKey: masterKey)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: databasePath, configuration: configuration())
            try RegistrySchema.migrator.migrate(pool)
        } catch {
            throw Registry.gatewayError(from: error, path: databasePath)
        }

        let settings = try Registry.readSettings(pool, path: databasePath)
        if create {
            try Registry.perform(pool, path: databasePath) { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('vault.key-check', ?)", arguments: [vault.keyCheck])
            }
        } else {
            guard let stored = settings.keyCheck else {
                throw GatewayError.corruptData(path: databasePath, reason: "has no key check; it was not made by `trackerd init`")
            }
            guard stored == vault.keyCheck else {
                throw GatewayError.corruptData(path: keyPath, reason: "is not the master key this database was made with")
            }
        }
        return Registry(pool: pool, vault: vault, actor: actor, now: clock, databasePath: databasePath, defaultCallingCode: settings.defaultCallingCode)
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "registry"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // Deleted PII is overwritten, not left in free pages (invariant 4).
            try db.execute(sql: "PRAGMA secure_delete = ON")
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
        let rows: [String: Data] = try perform(reading: pool, path: path) { db in
            var values: [String: Data] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, value FROM settings WHERE key IN ('vault.key-check', 'numbers.default-calling-code')") {
                values[row["key"]] = row["value"]
            }
            return values
        }
        var settings = Settings(keyCheck: rows["vault.key-check"])
        if let raw = rows["numbers.default-calling-code"] {
            settings.defaultCallingCode = try? CallingCode(parsing: String(decoding: raw, as: UTF8.self))
        }
        return settings
    }

    /// Stores the calling code used for national number forms from now on.
    ///
    /// Another process (the daemon) sees it when it next opens the registry.
    public func setDefaultCallingCode(_ code: CallingCode) throws {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('numbers.default-calling-code', ?)", arguments: [Data(code.digits.utf8)])
            try AuditLog.record(AuditEntry(at: now(), actor: actor, action: .defaultCallingCodeSet, customerID: nil, subjectID: nil), in: db)
        }
        storedCallingCode.value = code
    }

    /// Stores the gateway's own number; from now on no phone or tracker may have it.
    public func setGatewayOwnNumber(_ text: String, defaultCallingCode: CallingCode? = nil) throws {
        let number = try PhoneNumber(parsing: text, field: "--own-number", defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let index = vault.blindIndex(of: number)
        try write { db in
            if let kind = try claimedKind(of: index, in: db), kind != "gateway" {
                throw GatewayError.conflict(field: "--own-number", reason: "is already registered as a \(kind)")
            }
            try db.execute(sql: "DELETE FROM numbers WHERE kind = 'gateway'")
            try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'gateway')", arguments: [index])
            // The gateway's own number is the operator's, not a customer's: kept readable for the daemon.
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES ('gateway.own-number', ?)", arguments: [Data(number.e164.utf8)])
            try AuditLog.record(AuditEntry(at: now(), actor: actor, action: .ownNumberSet, customerID: nil, subjectID: nil), in: db)
        }
    }

    /// The gateway's own number, if one was stored.
    public func gatewayOwnNumber() throws -> PhoneNumber? {
        let raw: Data? = try read { db in try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'gateway.own-number'") }
        guard let raw else { return nil }
        guard case .success(let number) = PhoneNumber.parse(String(decoding: raw, as: UTF8.self)) else {
            throw GatewayError.corruptData(path: databasePath, reason: "the stored gateway number is not E.164")
        }
        return number
    }

    /// Every audit entry, oldest first.
    public func auditEntries() throws -> [AuditEntry] {
        try read { db in try AuditLog.entries(in: db) }
    }

    // MARK: Transactions and errors

    /// Which kind of number (`phone`, `tracker`, `gateway`) already claims `index`, if any.
    func claimedKind(of index: Data, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT kind FROM numbers WHERE blind_index = ?", arguments: [index])
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Registry.perform(pool, path: databasePath, body)
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
