import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct RegistryPrivacyTests {
    func mode(_ path: String) throws -> UInt16 {
        let value = try SecureFile.mode(of: path)
        return try #require(value).asUInt16 & 0o777
    }

    @Test(arguments: Backend.allCases) func initCreatesPrivateDirectoryKeyAndDatabase(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        _ = try registry.addCustomer(Fixtures.anna())
        let data = world.dataDirectory
        let database = data.appendingPathComponent(Registry.databaseFileName).path
        #expect(try mode(data.path) == 0o700)
        #expect(try mode(data.appendingPathComponent(Registry.masterKeyFileName).path) == 0o600)
        if backend == .sqlite {
            #expect(try mode(database) == 0o600)
            #expect(try mode(database + "-wal") == 0o600)
            #expect(try mode(database + "-shm") == 0o600)
        } else {
            // The data directory of a gateway on a shared registry holds only its key.
            #expect(try FileManager.default.contentsOfDirectory(atPath: data.path) == [Registry.masterKeyFileName])
        }
        #expect(FileManager.default.contents(atPath: data.appendingPathComponent(Registry.masterKeyFileName).path)?.count == 32)
    }

    /// What each backend keeps in the data directory: the key, and for SQLite the database files.
    static let readableKeys: [(Backend, String, UInt16)] = Backend.allCases.flatMap { backend -> [(Backend, String, UInt16)] in
        [(backend, Registry.masterKeyFileName, 0o644), (backend, Registry.masterKeyFileName, 0o640), (backend, Registry.masterKeyFileName, 0o604)]
    }
    static let readableFiles: [(Backend, String, UInt16)] = readableKeys + [
        (.sqlite, Registry.databaseFileName, 0o644),
        (.sqlite, Registry.databaseFileName, 0o660),
        (.sqlite, Registry.databaseFileName + "-wal", 0o644),
        (.sqlite, Registry.databaseFileName + "-shm", 0o644),
    ]

    @Test(arguments: readableFiles)
    func readableKeyOrDatabaseIsRefused(_ backend: Backend, file: String, mode: UInt16) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        _ = try registry.addCustomer(Fixtures.anna())
        let path = world.dataDirectory.appendingPathComponent(file).path
        // Keep the -wal and -shm files: they exist only while a connection is open.
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect(throws: GatewayError.insecurePermissions(path: path, mode: mode)) { try world.reopen() }
    }

    @Test(arguments: Backend.allCases) func groupWritableDataDirectoryIsRefused(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        try world.openNew().close()
        #expect(chmod(world.dataDirectory.path, 0o770) == 0)
        #expect(throws: GatewayError.insecureDirectory(path: world.dataDirectory.path, mode: 0o770)) { try world.reopen() }
    }

    @Test(arguments: Backend.allCases) func truncatedKeyIsRefused(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        try world.openNew().close()
        let keyPath = world.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        #expect(truncate(keyPath, 16) == 0)
        #expect(throws: GatewayError.corruptData(path: keyPath, reason: "a master key file holds exactly 32 bytes, this one holds 16")) { try world.reopen() }
    }

    /// Every clear form of every PII value the fixtures register.
    static let secrets: [String] = [
        "Anna Schmidtmeier", "Schmidtmeier", "Lindenstraße 42", "Lindenstra", "anna.schmidtmeier@example.de", "schmidtmeier@",
        "Bernd Obermüller", "Obermüller", "Hafenweg 7", "bernd.obermueller@example.org",
        "tok_annas_card_token",
        "+491701234567", "491701234567", "01701234567", "1701234567",
        "+491717654321", "491717654321", "1717654321",
        "+491605550001", "491605550001", "1605550001",
        "+4915199887766", "4915199887766", "15199887766",
        "123456", "van",
    ]

    /// SQLite's files; PostgreSQL's cluster files are scanned by `PostgresClusterScanTests`.
    @Test func databaseAndWALHoldNoPIIInClear() throws {
        let backend = Backend.sqlite
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addCustomer(Fixtures.bernd())
        _ = try registry.addPhone(customerID: anna, number: "+491605550001")
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))

        let database = world.dataDirectory.appendingPathComponent(Registry.databaseFileName).path
        let wal = try #require(FileManager.default.contents(atPath: database + "-wal"))
        #expect(wal.count > 0)
        try expectNoSecrets(in: wal, file: "-wal")
        try expectNoSecrets(in: try #require(FileManager.default.contents(atPath: database)), file: "database")

        try registry.close()
        try expectNoSecrets(in: try #require(FileManager.default.contents(atPath: database)), file: "database after checkpoint")
    }

    func expectNoSecrets(in bytes: Data, file: String) throws {
        for secret in Self.secrets {
            // "van" and "123456" are short enough to occur by chance in ciphertext only with negligible odds.
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) contains \(secret) in clear")
            #expect(bytes.range(of: secret.data(using: .utf16LittleEndian)!) == nil, "\(file) contains \(secret) as UTF-16")
        }
    }
}

extension mode_t {
    var asUInt16: UInt16 { UInt16(truncatingIfNeeded: self) }
}
