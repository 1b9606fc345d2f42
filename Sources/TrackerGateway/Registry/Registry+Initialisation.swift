import Foundation
import GRDB

/// `trackerd init`: a data directory made complete or not at all.
///
/// Issue #9.5 — on a full disk (or any write failure) init leaves nothing half-made: the key and
/// the database are each written under a temporary name, synced and linked into place, and what
/// this run made is removed again when a later step fails. A second init finishes what a failed
/// or interrupted one left (temporary files, a 0-byte key, a key without a database), and refuses
/// only a directory that holds a key and a database. Issue #9.6 — the directory ends up 0700.
extension Registry {
    /// What init did besides making the key and the database.
    public struct Initialisation: Sendable, Equatable {
        /// The mode the existing data directory had before init tightened it to 0700; nil when it
        /// was new or already 0700.
        public var tightenedDirectoryMode: UInt16?
        /// Whether init cleared or reused what an earlier, unfinished init left.
        public var finishedEarlierInit: Bool
    }

    /// Makes the data directory (0700), a master key (0600, kept when a finished one is there without
    /// a database) and a database (0600) holding the key check, `defaultCallingCode` and the first
    /// gateway number — then opens it.
    public static func initialise(
        dataDirectory: URL,
        masterKeyFile: URL? = nil,
        defaultCallingCode: CallingCode? = nil,
        gatewayNumber: String? = nil,
        actor: String = AuditLog.currentActor(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (registry: Registry, report: Initialisation) {
        let directoryPath = dataDirectory.path
        let keyPath = keyPath(dataDirectory: dataDirectory, masterKeyFile: masterKeyFile)
        let databasePath = dataDirectory.appendingPathComponent(databaseFileName).path
        // What the operator typed is checked before anything is made.
        let gateway = try gatewayNumber.map { try PhoneNumber(parsing: $0, field: "--own-number", defaultCallingCode: defaultCallingCode) }

        if let mode = try SecureFile.mode(of: directoryPath), mode & S_IFMT != S_IFDIR {
            throw GatewayError.corruptData(path: directoryPath, reason: "is not a directory")
        }
        let found = try Leftovers(keyPath: keyPath, databasePath: databasePath)
        if found.databaseInUse {
            guard found.keyIsWhole else {
                throw GatewayError.conflict(field: keyPath, reason: "is missing or not a master key, and the database next to it was made with one; restore the key from a backup (init never replaces it)")
            }
            throw GatewayError.conflict(field: directoryPath, reason: "is already initialised: it holds a master key and a database")
        }

        let report = Initialisation(tightenedDirectoryMode: try SecureFile.makePrivateDirectory(directoryPath), finishedEarlierInit: found.any)
        try found.clear()
        let keptKey = found.reusableKey
        let masterKey = keptKey ?? MasterKey.generate()
        if keptKey == nil { try masterKey.write(to: keyPath) }
        do {
            try buildDatabase(at: databasePath, vault: Vault(masterKey: masterKey), defaultCallingCode: defaultCallingCode,
                              gateway: gateway, actor: actor, time: clock())
        } catch {
            if keptKey == nil {
                unlink(keyPath)
                try? SecureFile.sync(directoryOf: keyPath)
            }
            throw SQLiteRegistryStore.gatewayError(from: error, path: databasePath)
        }
        let registry = try open(dataDirectory: dataDirectory, create: false, masterKeyFile: masterKeyFile, actor: actor, clock: clock)
        return (registry, report)
    }

    /// Builds the whole database under a temporary name, then links it into place.
    private static func buildDatabase(at databasePath: String, vault: Vault, defaultCallingCode: CallingCode?, gateway: PhoneNumber?,
                                      actor: String, time: Date) throws {
        let temporary = databasePath + SecureFile.temporarySuffix
        do {
            // An empty file is an empty SQLite database; creating it ourselves makes it 0600 whatever
            // the umask, and SQLite gives its journal the same mode. It is built with a rollback
            // journal, so the finished file stands alone; the first open switches it to WAL.
            try SecureFile.createPrivate(temporary, contents: [])
            let queue = try DatabaseQueue(path: temporary, configuration: SQLiteRegistryStore.configuration())
            try RegistrySchema.migrator.migrate(queue)
            try queue.write { database in
                let db = GRDBTransaction(db: database)
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('vault.key-check', ?)", arguments: [vault.keyCheck])
                if let defaultCallingCode {
                    try storeDefaultCallingCode(defaultCallingCode, at: time, actor: actor, in: db)
                }
                if let gateway {
                    _ = try insertGatewayNumber(gateway, index: vault.blindIndex(of: gateway), field: "--own-number", at: time, actor: actor, in: db)
                }
            }
            try queue.close()
            try SecureFile.sync(temporary)
            try SecureFile.moveIntoPlace(temporary, databasePath)
        } catch {
            for path in Leftovers.temporaryDatabaseFiles(databasePath) { unlink(path) }
            throw error
        }
    }
}

/// What an earlier init may have left in a data directory, and what of it a new init keeps.
private struct Leftovers {
    let keyPath: String
    let databasePath: String
    /// The key file exists and has a key's size (it may still be unreadable to us).
    let keyIsWhole: Bool
    /// A finished, private key file: kept when there is no database yet.
    let reusableKey: MasterKey?
    /// A database with content: never removed, never given a new key.
    let databaseInUse: Bool
    /// Files to remove: temporary files, a 0-byte database, a key that is not one.
    let removable: [String]

    static func temporaryDatabaseFiles(_ databasePath: String) -> [String] {
        let temporary = databasePath + SecureFile.temporarySuffix
        return [temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"]
    }

    init(keyPath: String, databasePath: String) throws {
        self.keyPath = keyPath
        self.databasePath = databasePath
        let keyInfo = try Self.info(keyPath)
        keyIsWhole = keyInfo.map { $0.isRegular && $0.size == MasterKey.byteCount } ?? false
        reusableKey = keyIsWhole ? try? MasterKey.load(from: keyPath) : nil
        let sizes = try [databasePath, databasePath + "-wal"].map { try Self.info($0)?.size ?? 0 }
        let databaseExists = try Self.info(databasePath) != nil
        databaseInUse = databaseExists && sizes.contains { $0 > 0 }

        var removable: [String] = []
        for path in [keyPath + SecureFile.temporarySuffix] + Self.temporaryDatabaseFiles(databasePath) where try Self.info(path) != nil {
            removable.append(path)
        }
        if databaseExists {
            for path in [databasePath, databasePath + "-wal", databasePath + "-shm"] where try Self.info(path) != nil {
                removable.append(path)
            }
        }
        if keyInfo != nil && reusableKey == nil { removable.append(keyPath) }
        self.removable = removable
    }

    var any: Bool { !removable.isEmpty || reusableKey != nil }

    func clear() throws {
        for path in removable { try SecureFile.removeIfPresent(path) }
        if !removable.isEmpty { try SecureFile.sync(directoryOf: databasePath) }
    }

    private struct Info {
        var isRegular: Bool
        var size: Int
    }

    private static func info(_ path: String) throws -> Info? {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw GatewayError.io(path: path, operation: "stat", errno: errno)
        }
        return Info(isRegular: status.st_mode & S_IFMT == S_IFREG, size: Int(status.st_size))
    }
}
