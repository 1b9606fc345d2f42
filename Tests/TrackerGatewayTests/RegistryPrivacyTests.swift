import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct RegistryPrivacyTests {
    func mode(_ path: String) throws -> UInt16 {
        let value = try SecureFile.mode(of: path)
        return try #require(value).asUInt16 & 0o777
    }

    @Test func initCreatesPrivateDirectoryKeyAndDatabase() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        _ = try registry.addCustomer(Fixtures.anna())
        let data = directory.dataDirectory
        let database = data.appendingPathComponent(Registry.databaseFileName).path
        #expect(try mode(data.path) == 0o700)
        #expect(try mode(data.appendingPathComponent(Registry.masterKeyFileName).path) == 0o600)
        #expect(try mode(database) == 0o600)
        #expect(try mode(database + "-wal") == 0o600)
        #expect(try mode(database + "-shm") == 0o600)
        #expect(FileManager.default.contents(atPath: data.appendingPathComponent(Registry.masterKeyFileName).path)?.count == 32)
    }

    @Test(arguments: [
        (Registry.masterKeyFileName, UInt16(0o644)),
        (Registry.masterKeyFileName, 0o640),
        (Registry.masterKeyFileName, 0o604),
        (Registry.databaseFileName, 0o644),
        (Registry.databaseFileName, 0o660),
        (Registry.databaseFileName + "-wal", 0o644),
        (Registry.databaseFileName + "-shm", 0o644),
    ] as [(String, UInt16)])
    func readableKeyOrDatabaseIsRefused(file: String, mode: UInt16) throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        _ = try registry.addCustomer(Fixtures.anna())
        let path = directory.dataDirectory.appendingPathComponent(file).path
        // Keep the -wal and -shm files: they exist only while a connection is open.
        #expect(chmod(path, mode_t(mode)) == 0)
        #expect(throws: GatewayError.insecurePermissions(path: path, mode: mode)) { try Fixtures.reopen(directory) }
    }

    @Test func groupWritableDataDirectoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.openNew(in: directory).close()
        #expect(chmod(directory.dataDirectory.path, 0o770) == 0)
        #expect(throws: GatewayError.insecureDirectory(path: directory.dataDirectory.path, mode: 0o770)) { try Fixtures.reopen(directory) }
    }

    @Test func truncatedKeyIsRefused() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.openNew(in: directory).close()
        let keyPath = directory.dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        #expect(truncate(keyPath, 16) == 0)
        #expect(throws: GatewayError.corruptData(path: keyPath, reason: "a master key file holds exactly 32 bytes, this one holds 16")) { try Fixtures.reopen(directory) }
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

    @Test func databaseAndWALHoldNoPIIInClear() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addCustomer(Fixtures.bernd())
        _ = try registry.addPhone(customerID: anna, number: "+491605550001")
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))

        let database = directory.dataDirectory.appendingPathComponent(Registry.databaseFileName).path
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
