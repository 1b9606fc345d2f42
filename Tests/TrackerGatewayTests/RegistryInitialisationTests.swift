import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// `init` makes a data directory complete or not at all, finishes what a failed one started, and
/// tightens a directory others could read (issues #9.5 and #9.6).
@Suite struct RegistryInitialisationTests {
    static func path(_ directory: TemporaryDirectory, _ name: String) -> String {
        directory.dataDirectory.appendingPathComponent(name).path
    }

    static func initialise(_ directory: TemporaryDirectory, gatewayNumber: String? = nil) throws -> Registry.Initialisation {
        let (registry, report) = try Registry.initialise(dataDirectory: directory.dataDirectory, defaultCallingCode: nil, gatewayNumber: gatewayNumber,
                                                         actor: "operator", clock: Fixtures.clock)
        try registry.close()
        return report
    }

    /// What a failed or interrupted init may have left, and whether a second init must finish it.
    struct Leftover: Sendable, CustomStringConvertible {
        var description: String
        var files: [String: [UInt8]]
        var keepsKey: Bool
    }

    static let validKey = [UInt8](repeating: 7, count: 32)

    static let leftovers: [Leftover] = [
        Leftover(description: "a 0-byte key", files: [Registry.masterKeyFileName: []], keepsKey: false),
        Leftover(description: "a short key", files: [Registry.masterKeyFileName: [1, 2, 3]], keepsKey: false),
        Leftover(description: "a temporary key", files: [Registry.masterKeyFileName + ".tmp": validKey], keepsKey: false),
        Leftover(description: "a key and no database", files: [Registry.masterKeyFileName: validKey], keepsKey: true),
        Leftover(description: "a key and a 0-byte database", files: [Registry.masterKeyFileName: validKey, Registry.databaseFileName: []], keepsKey: true),
        Leftover(description: "a key and a temporary database",
                 files: [Registry.masterKeyFileName: validKey, Registry.databaseFileName + ".tmp": [0x53, 0x51], Registry.databaseFileName + ".tmp-journal": [1]],
                 keepsKey: true),
        Leftover(description: "an empty directory", files: [:], keepsKey: false),
    ]

    @Test(arguments: leftovers)
    func aSecondInitFinishesWhatAFailedOneLeft(_ leftover: Leftover) throws {
        let directory = try TemporaryDirectory()
        try SecureFile.createPrivateDirectory(directory.dataDirectory.path)
        for (name, bytes) in leftover.files {
            try SecureFile.createPrivate(Self.path(directory, name), contents: bytes)
        }
        _ = try Self.initialise(directory, gatewayNumber: "+15550001111")

        let key = try #require(FileManager.default.contents(atPath: Self.path(directory, Registry.masterKeyFileName)))
        #expect(key.count == 32)
        #expect((Array(key) == Self.validKey) == leftover.keepsKey)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.dataDirectory.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") || $0.hasSuffix("-journal") }, "\(names)")
        let registry = try Fixtures.reopen(directory)
        #expect(try registry.gatewayNumbers() == ["+15550001111"])
        _ = try registry.addCustomer(Fixtures.anna())
        try registry.close()
    }

    @Test func aDirectoryWithAKeyAndADatabaseIsAlreadyInitialised() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.initialise(directory)
        let before = DatabaseFiles(directory)
        #expect(throws: GatewayError.conflict(field: directory.dataDirectory.path, reason: "is already initialised: it holds a master key and a database")) {
            try Self.initialise(directory)
        }
        #expect(DatabaseFiles(directory) == before)
    }

    @Test func aDatabaseWithoutItsKeyIsNeverGivenANewOne() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.initialise(directory)
        let keyPath = Self.path(directory, Registry.masterKeyFileName)
        #expect(truncate(keyPath, 0) == 0)
        #expect(throws: GatewayError.conflict(field: keyPath, reason: "is missing or not a master key, and the database next to it was made with one; restore the key from a backup (init never replaces it)")) {
            try Self.initialise(directory)
        }
        #expect(FileManager.default.contents(atPath: keyPath)?.count == 0)
    }

    @Test func aRefusedGatewayNumberLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: GatewayError.invalidInput(field: "--own-number", reason: "number is too short (3 digits; at least 8 with country code)")) {
            try Self.initialise(directory, gatewayNumber: "+123")
        }
        #expect(try SecureFile.mode(of: Self.path(directory, Registry.masterKeyFileName)) == nil)
        #expect(try SecureFile.mode(of: Self.path(directory, Registry.databaseFileName)) == nil)
    }

    @Test(arguments: [0o755, 0o750, 0o711, 0o701] as [UInt16])
    func initTightensAWiderDirectoryAndSaysSo(mode: UInt16) throws {
        let directory = try TemporaryDirectory()
        #expect(mkdir(directory.dataDirectory.path, mode_t(mode)) == 0)
        #expect(chmod(directory.dataDirectory.path, mode_t(mode)) == 0)
        let report = try Self.initialise(directory)
        #expect(report.tightenedDirectoryMode == mode)
        let tightened = try #require(try SecureFile.mode(of: directory.dataDirectory.path))
        #expect(tightened & 0o7777 == 0o700)
        #expect(try Self.initialise(TemporaryDirectory()).tightenedDirectoryMode == nil)
    }

    @Test(arguments: [0o755, 0o750, 0o705, 0o710] as [UInt16])
    func everyOtherOpenRefusesADirectoryThatIsNot0700(mode: UInt16) throws {
        let directory = try TemporaryDirectory()
        _ = try Self.initialise(directory)
        #expect(chmod(directory.dataDirectory.path, mode_t(mode)) == 0)
        #expect(throws: GatewayError.insecureDirectory(path: directory.dataDirectory.path, mode: mode)) { try Fixtures.reopen(directory) }
        let message = GatewayError.insecureDirectory(path: "/x", mode: mode).description
        #expect(message == "/x has mode 0\(String(mode, radix: 8)); a data directory must be 0700 (no access for group or others): run `chmod 700 /x`")
    }
}
