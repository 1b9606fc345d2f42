import Foundation
import TestSupport
import Testing

/// `--registry postgres://…` through the real executable (issue #11): init on the first gateway,
/// `init --join` with the right and a wrong key, one gateway's customer seen from another's data
/// directory, and the server's refusals as one line and their sysexits codes.
@Suite(.serialized) struct SharedRegistryCommandTests {
    /// Two gateways' data directories and a fresh schema of their own in the test cluster.
    final class Gateways {
        let root: TemporaryDirectory
        let url: String

        init() throws {
            root = try TemporaryDirectory(prefix: "tsr")
            url = try TestPostgres.freshSchemaURL()
        }

        func directory(_ name: String) -> String { root.appending(name).path }

        func trackerd(_ arguments: [String], in name: String, environment: [String: String] = [:]) throws -> ProcessRunner.Result {
            try ProcessRunner.run("trackerd", arguments, environment: ["TRACKERD_DATA_DIR": directory(name)].merging(environment) { $1 })
        }

        func ok(_ arguments: [String], in name: String) throws -> String {
            let result = try trackerd(arguments, in: name)
            guard result.status == 0 else { throw HarnessError("trackerd \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    static func expectOneLine(_ result: ProcessRunner.Result, status: Int32, containing text: String) {
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("trackerd: ") && result.stderr.contains(text), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func aCustomerAddedOnOneGatewayIsSeenFromAJoinedOne() throws {
        let gateways = try Gateways()
        _ = try gateways.ok(["init", "--registry", gateways.url, "--own-number", "+15550001111"], in: "a")
        let keyA = gateways.directory("a") + "/master.key"
        #expect(FileManager.default.fileExists(atPath: keyA))
        #expect(!FileManager.default.fileExists(atPath: gateways.directory("a") + "/registry.sqlite"), "the registry is on the server")

        // A second init without --join is refused, and makes no key.
        let again = try gateways.trackerd(["init", "--registry", gateways.url], in: "b")
        Self.expectOneLine(again, status: 65, containing: "is already initialised; another gateway joins it with `trackerd init --join")
        #expect(!FileManager.default.fileExists(atPath: gateways.directory("b") + "/master.key"))

        // A wrong key is refused.
        let wrong = gateways.root.appending("wrong.key").path
        try writePrivateFile(wrong, (0..<32).map { UInt8($0) })
        let refused = try gateways.trackerd(["init", "--join", "--registry", gateways.url, "--key-file", wrong], in: "b")
        Self.expectOneLine(refused, status: 65, containing: "is not the master key this registry was made with")

        // The right key joins, copied into b's data directory; TRACKERD_REGISTRY works as --registry does.
        let copy = gateways.root.appending("copy.key").path
        try writePrivateFile(copy, Array(try #require(FileManager.default.contents(atPath: keyA))))
        let joined = try gateways.trackerd(["init", "--join", "--key-file", copy, "--own-number", "+15550002222"], in: "b",
                                           environment: ["TRACKERD_REGISTRY": gateways.url])
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(FileManager.default.contents(atPath: gateways.directory("b") + "/master.key") == FileManager.default.contents(atPath: keyA))

        let id = try gateways.ok(["customer", "add", "--registry", gateways.url, "--name", "Ada Kingsbury", "--address", "12 St James's Square, London",
                                  "--email", "ada@example.org", "--phone", "+447700900123", "--adult"], in: "a")
        let seen = try gateways.ok(["customer", "show", id, "--registry", gateways.url, "--json"], in: "b")
        #expect(seen.contains("Ada Kingsbury") && seen.contains("+447700900123"))
        let numbers = try gateways.ok(["gateway", "number", "list", "--registry", gateways.url], in: "a")
        #expect(numbers.contains("+15550001111") && numbers.contains("+15550002222"), "\(numbers)")
    }

    @Test func anUnreachableServerExits69WithOneLineNamingHostAndPort() throws {
        let gateways = try Gateways()
        _ = try gateways.ok(["init", "--registry", gateways.url], in: "a")
        let port = try TestPostgres.unusedLoopbackPort()
        let result = try gateways.trackerd(["customer", "list", "--registry", "postgres://trackerd@127.0.0.1:\(port)/registry"], in: "a")
        Self.expectOneLine(result, status: 69, containing: "127.0.0.1:\(port)")
        let initResult = try gateways.trackerd(["init", "--registry", "postgres://trackerd@127.0.0.1:\(port)/registry"], in: "c")
        Self.expectOneLine(initResult, status: 69, containing: "the PostgreSQL registry at 127.0.0.1:\(port) is unreachable")
    }

    @Test func aWrongPasswordExits77AndAMissingDatabase66() throws {
        let gateways = try Gateways()
        let wrongPassword = try gateways.trackerd(["init", "--registry", try TestPostgres.urlWithWrongPassword()], in: "a")
        Self.expectOneLine(wrongPassword, status: 77, containing: "refused role trackerd_test")
        #expect(!wrongPassword.stderr.contains("not-the-password"))
        var components = try #require(URLComponents(string: try TestPostgres.url()))
        components.path = "/no_such_registry"
        let missing = try gateways.trackerd(["init", "--registry", try #require(components.string)], in: "a")
        Self.expectOneLine(missing, status: 66, containing: "has no database no_such_registry")
    }

    @Test func joinWithoutARegistryIsAUsageError() throws {
        let gateways = try Gateways()
        let result = try gateways.trackerd(["init", "--join"], in: "a")
        Self.expectOneLine(result, status: 64, containing: "--join joins a shared registry")
    }
}

/// A private (0600) file of `bytes`, as an operator's copy of a key would be.
func writePrivateFile(_ path: String, _ bytes: [UInt8]) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
        throw HarnessError("cannot write \(path)")
    }
}
