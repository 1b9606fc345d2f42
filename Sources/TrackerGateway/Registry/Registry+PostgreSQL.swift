import Foundation

/// Several gateways on one PostgreSQL registry (issue #11, DESIGN.md "Scale").
///
/// The master key stays a local file (0600) in each gateway's data directory. `init` on the first
/// gateway makes the key and, in one transaction, the schema with the key's check; `init --join`
/// on another takes a copy of that key and refuses one whose check does not match the registry's.
extension Registry {
    /// Opens the registry at `location` for the gateway whose key is in `dataDirectory`.
    public static func open(
        dataDirectory: URL,
        location: RegistryLocation,
        masterKeyFile: URL? = nil,
        actor: String = AuditLog.currentActor(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Registry {
        guard case .postgres(let url) = location else {
            return try open(dataDirectory: dataDirectory, create: false, masterKeyFile: masterKeyFile, actor: actor, clock: clock)
        }
        let keyPath = keyPath(dataDirectory: dataDirectory, masterKeyFile: masterKeyFile)
        try SecureFile.requirePrivate(dataDirectory.path, isDirectory: true)
        try SecureFile.requirePrivate(keyPath)
        let masterKey = try MasterKey.load(from: keyPath)
        let store = try PostgresRegistryStore(url: url)
        do {
            guard try PostgresMigrations.isInitialised(store) else {
                throw GatewayError.notInitialised(path: url.description)
            }
            try PostgresMigrations.migrate(store)
            return try opened(store: store, vault: Vault(masterKey: masterKey), keyPath: keyPath, actor: actor, clock: clock)
        } catch {
            try? store.close()
            throw error
        }
    }

    /// `trackerd init --registry URL` (the first gateway: the schema and a new key) or, with `join`,
    /// `init --join` (another gateway: the key already in `dataDirectory`, or copied there from
    /// `masterKeyFile`, must be the registry's). `gatewayNumber` is this gateway's own number.
    public static func initialise(
        dataDirectory: URL,
        registry url: PostgresRegistryURL,
        join: Bool,
        masterKeyFile: URL? = nil,
        defaultCallingCode: CallingCode? = nil,
        gatewayNumber: String? = nil,
        actor: String = AuditLog.currentActor(),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (registry: Registry, report: Initialisation) {
        let directoryPath = dataDirectory.path
        let localKeyPath = keyPath(dataDirectory: dataDirectory, masterKeyFile: nil)
        let gateway = try gatewayNumber.map { try PhoneNumber(parsing: $0, field: "--own-number", defaultCallingCode: defaultCallingCode) }
        if let mode = try SecureFile.mode(of: directoryPath), mode & S_IFMT != S_IFDIR {
            throw GatewayError.corruptData(path: directoryPath, reason: "is not a directory")
        }
        // The server first: an unreachable one, a refused role or a missing database changes nothing here.
        let store = try PostgresRegistryStore(url: url)
        do {
            let initialised = try PostgresMigrations.isInitialised(store)
            if initialised && !join {
                throw GatewayError.conflict(field: url.description, reason: "is already initialised; another gateway joins it with `trackerd init --join --registry …` and a copy of the first gateway's master.key")
            }
            if !initialised && join {
                throw GatewayError.conflict(field: url.description, reason: "holds no trackerd registry yet; run `trackerd init --registry …` without --join on the first gateway")
            }
            let tightened = try SecureFile.makePrivateDirectory(directoryPath)
            let report = Initialisation(tightenedDirectoryMode: tightened, finishedEarlierInit: false)
            let registry = join
                ? try joinRegistry(store: store, keyPath: localKeyPath, copyFrom: masterKeyFile, actor: actor, clock: clock)
                : try createRegistry(store: store, keyPath: masterKeyFile?.path ?? localKeyPath, defaultCallingCode: defaultCallingCode,
                                     gateway: gateway, actor: actor, clock: clock)
            if join, let gateway {
                let index = registry.vault.blindIndex(of: gateway)
                let time = clock()
                try registry.write { db in
                    guard try claimedKind(of: index, in: db) != "gateway" else { return }
                    _ = try insertGatewayNumber(gateway, index: index, field: "--own-number", at: time, actor: actor, in: db)
                }
            }
            return (registry, report)
        } catch {
            try? store.close()
            throw error
        }
    }

    /// The schema, the key check, the calling code and the first gateway number in one
    /// transaction; a new key unless a finished private one is already there (an earlier init
    /// that failed later), removed again when the transaction fails.
    private static func createRegistry(store: PostgresRegistryStore, keyPath: String, defaultCallingCode: CallingCode?, gateway: PhoneNumber?,
                                       actor: String, clock: @escaping @Sendable () -> Date) throws -> Registry {
        let existing = try SecureFile.mode(of: keyPath) == nil ? nil : try MasterKey.load(from: keyPath)
        let masterKey = existing ?? MasterKey.generate()
        if existing == nil { try masterKey.write(to: keyPath) }
        let vault = Vault(masterKey: masterKey)
        let time = clock()
        do {
            try store.write { db in
                if let schema = store.url.schema {
                    // A name checked to be a plain lower-case identifier (PostgresRegistryURL).
                    try db.execute(sql: "CREATE SCHEMA IF NOT EXISTS \(schema)")
                }
                try PostgresMigrations.apply(in: db, time: time)
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('vault.key-check', ?)", arguments: [vault.keyCheck])
                if let defaultCallingCode {
                    try storeDefaultCallingCode(defaultCallingCode, at: time, actor: actor, in: db)
                }
                if let gateway {
                    _ = try insertGatewayNumber(gateway, index: vault.blindIndex(of: gateway), field: "--own-number", at: time, actor: actor, in: db)
                }
            }
        } catch {
            if existing == nil {
                unlink(keyPath)
                try? SecureFile.sync(directoryOf: keyPath)
            }
            throw error
        }
        return try opened(store: store, vault: vault, keyPath: keyPath, actor: actor, clock: clock)
    }

    /// Checks the key (the one in the data directory, or the copy at `source`) against the
    /// registry's key check before anything is written; a copy is then placed in the data directory.
    private static func joinRegistry(store: PostgresRegistryStore, keyPath: String, copyFrom source: URL?, actor: String,
                                     clock: @escaping @Sendable () -> Date) throws -> Registry {
        let sourcePath = source?.path ?? keyPath
        guard try SecureFile.mode(of: sourcePath) != nil else {
            throw GatewayError.usage("--join needs the first gateway's master key: copy its master.key to \(keyPath) (mode 0600), or give --key-file PATH")
        }
        try SecureFile.requirePrivate(sourcePath)
        let masterKey = try MasterKey.load(from: sourcePath)
        try PostgresMigrations.migrate(store)
        let registry = try opened(store: store, vault: Vault(masterKey: masterKey), keyPath: sourcePath, actor: actor, clock: clock)
        if sourcePath != keyPath {
            if try SecureFile.mode(of: keyPath) != nil {
                guard Vault(masterKey: try MasterKey.load(from: keyPath)).keyCheck == registry.vault.keyCheck else {
                    throw GatewayError.conflict(field: keyPath, reason: "holds another master key; remove it first (init never replaces a key)")
                }
            } else {
                try masterKey.write(to: keyPath)
            }
        }
        return registry
    }
}
