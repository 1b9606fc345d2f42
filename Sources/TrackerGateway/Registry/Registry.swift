import Foundation

/// The customer registry: customers, their phones and trackers, PII sealed, numbers blind-indexed.
///
/// DESIGN.md "Data" and invariants 1, 4, 5, 7. One SQLite file in the data directory (WAL,
/// `secure_delete`, foreign keys on every connection), shared safely by the daemon and the CLI —
/// or, for several gateways, one PostgreSQL database (issue #11, ``open(dataDirectory:location:masterKeyFile:actor:clock:)``).
/// Every method is written once, over ``RegistryStore`` and ``SQLTransaction``; callers never
/// know which backend they use. Every mutating method validates its whole input first and only
/// then opens a write transaction, so a refused command leaves the registry as it was.
public final class Registry: Sendable {
    public static let databaseFileName = "registry.sqlite"
    public static let masterKeyFileName = "master.key"
    /// How long a writer waits for the other process (daemon or CLI) to finish its transaction.
    public static let busyTimeout: TimeInterval = 10

    let store: any RegistryStore
    let vault: Vault
    /// The OS user recorded in the audit log.
    let actor: String
    let now: @Sendable () -> Date
    /// The SQLite file's path, or the PostgreSQL URL without its password: what errors name.
    public let databasePath: String
    private let storedCallingCode: LockedValue<CallingCode?>

    /// The calling code for national number forms (`0170…`), as stored in settings; nil when none.
    public var defaultCallingCode: CallingCode? { storedCallingCode.value }

    init(store: any RegistryStore, vault: Vault, actor: String, now: @escaping @Sendable () -> Date, defaultCallingCode: CallingCode?) {
        self.store = store
        self.vault = vault
        self.actor = actor
        self.now = now
        self.databasePath = store.location
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
        let store = try SQLiteRegistryStore(path: databasePath)
        do {
            try store.migrate()
            return try opened(store: store, vault: Vault(masterKey: masterKey), keyPath: keyPath, actor: actor, clock: clock)
        } catch {
            try? store.close()
            throw error
        }
    }

    /// A registry over `store`, once its key check says `vault` holds the key it was made with.
    static func opened(store: any RegistryStore, vault: Vault, keyPath: String, actor: String, clock: @escaping @Sendable () -> Date) throws -> Registry {
        let settings = try store.read { db in try readSettings(db) }
        guard let stored = settings.keyCheck else {
            throw GatewayError.corruptData(path: store.location, reason: "has no key check; it was not made by `trackerd init`")
        }
        guard stored == vault.keyCheck else {
            throw GatewayError.corruptData(path: keyPath, reason: "is not the master key this \(store.dialect == .sqlite ? "database" : "registry") was made with")
        }
        return Registry(store: store, vault: vault, actor: actor, now: clock, defaultCallingCode: settings.defaultCallingCode)
    }

    static func keyPath(dataDirectory: URL, masterKeyFile: URL?) -> String {
        (masterKeyFile ?? dataDirectory.appendingPathComponent(masterKeyFileName)).path
    }

    /// Closes every connection (SQLite: after copying the write-ahead log into the database file).
    public func close() throws {
        try store.close()
    }

    /// A number that changes whenever a committed change anywhere — this process or another
    /// gateway or CLI — may have changed what ``role(of:)`` answers; equal tokens mean nothing did.
    ///
    /// Issue #11: what a route cache checks before it trusts an entry. SQLite: `PRAGMA data_version`
    /// on a connection of its own with this process's write counter; PostgreSQL: the
    /// `registry_changes` counter its triggers bump, with this process's write counter.
    public func changeToken() throws -> UInt64 {
        try store.changeToken()
    }

    // MARK: Settings

    struct Settings {
        var keyCheck: Data?
        var defaultCallingCode: CallingCode?
    }

    static func readSettings(_ db: any SQLTransaction) throws -> Settings {
        var settings = Settings()
        for row in try db.fetchAll(sql: "SELECT key, value FROM settings WHERE key IN ('vault.key-check', 'numbers.default-calling-code')") {
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

    /// Stores the calling code used for national number forms from now on.
    ///
    /// Another process (the daemon) sees it when it next opens the registry.
    public func setDefaultCallingCode(_ code: CallingCode) throws {
        let time = now()
        try write { db in try Self.storeDefaultCallingCode(code, at: time, actor: actor, in: db) }
        storedCallingCode.value = code
    }

    static func storeDefaultCallingCode(_ code: CallingCode, at time: Date, actor: String, in db: any SQLTransaction) throws {
        try storeSetting("numbers.default-calling-code", Data(code.digits.utf8), in: db)
        try AuditLog.record(AuditEntry(at: time, actor: actor, action: .defaultCallingCodeSet, customerID: nil, subjectID: nil), in: db)
    }

    /// Every audit entry, oldest first.
    public func auditEntries() throws -> [AuditEntry] {
        try read { db in try AuditLog.entries(in: db) }
    }

    /// Sets one setting (a blob), replacing what was there.
    static func storeSetting(_ key: String, _ value: Data, in db: any SQLTransaction) throws {
        try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, value])
    }

    // MARK: Transactions

    /// Which kind of number (`phone`, `tracker`, `gateway`) already claims `index`, if any.
    static func claimedKind(of index: Data, in db: any SQLTransaction) throws -> String? {
        try db.fetchOne(sql: "SELECT kind FROM numbers WHERE blind_index = ?", arguments: [index])?.decode("kind", table: "numbers")
    }

    func claimedKind(of index: Data, in db: any SQLTransaction) throws -> String? {
        try Self.claimedKind(of: index, in: db)
    }

    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try store.write(body)
    }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try store.read(body)
    }

    /// After a change that deleted or replaced PII (see ``RegistryStore/shredDeletedRows()``).
    func shredWriteAheadLog() {
        store.shredDeletedRows()
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
