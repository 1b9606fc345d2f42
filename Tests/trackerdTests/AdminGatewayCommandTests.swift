import Foundation
import TestSupport
import Testing

/// `trackerd gateway number add|remove|list`, and `run` refusing a number the registry does not
/// hold (issues #9.9 and #10: the registry is the one source of truth for gateway numbers).
@Suite struct AdminGatewayCommandTests {
    static let second = "+15550001112"
    static let annaPhone = "+491701234567"

    @Test func numbersAreAddedListedAndRemoved() throws {
        let world = try AdminWorld()
        #expect(try world.ok(["gateway", "number", "list"]) == AdminWorld.gateway)
        #expect(try world.ok(["gateway", "number", "add", "+1 555 000 1112"]) == Self.second)
        let json = try #require(ProcessRunner.json(try world.ok(["gateway", "number", "list", "--json"])) as? [String])
        #expect(json == [AdminWorld.gateway, Self.second])
        _ = try world.ok(["gateway", "number", "remove", AdminWorld.gateway])
        #expect(try world.ok(["gateway", "number", "list"]) == Self.second)
        let audit = try world.ok(["audit"])
        #expect(audit.contains("gateway.number-add") && audit.contains("gateway.number-remove"))
        #expect(!audit.contains("5550001112"))
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stderr: String
        var description: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        Refusal(arguments: ["gateway", "number", "add", annaPhone], status: 65, stderr: "trackerd: <E164>: is already registered as a phone\n"),
        Refusal(arguments: ["gateway", "number", "add", AdminWorld.gateway], status: 65, stderr: "trackerd: <E164>: is already a gateway number\n"),
        Refusal(arguments: ["gateway", "number", "add", "+1 555"], status: 65, stderr: "trackerd: <E164>: number is too short (4 digits; at least 8 with country code)\n"),
        Refusal(arguments: ["gateway", "number", "remove", second], status: 66, stderr: "trackerd: <E164>: is not a gateway number of this registry (see `trackerd gateway number list`)\n"),
        Refusal(arguments: ["customer", "add", "--name", "Bo", "--address", "Main St 1", "--email", "bo@example.com", "--phone", AdminWorld.gateway, "--adult"],
                status: 65, stderr: "trackerd: --phone: is the gateway's own number\n"),
    ])
    func aRefusedNumberIsOneLineAndChangesNothing(_ row: Refusal) throws {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.annaPhone)
        let before = world.databaseBytes()
        let result = try world.trackerd(row.arguments)
        #expect(result.status == row.status)
        #expect(result.stderr == row.stderr)
        #expect(world.databaseBytes() == before)
    }

    /// The old bug: `run` with another own number overwrote the stored one, and the old gateway
    /// number was then accepted as a customer's phone.
    @Test func runRefusesANumberTheRegistryDoesNotHoldAndTheOldOneStaysTheGateways() throws {
        let world = try AdminWorld()
        let run = try world.trackerd(["run", "--device", world.root.appendingPathComponent("no-modem").path, "--own-number", Self.second])
        #expect(run.status == 65)
        #expect(run.stderr.hasSuffix("trackerd: --own-number: is not a gateway number of this registry; add it with `trackerd gateway number add NUMBER`\n"), "\(run.stderr)")
        #expect(try world.ok(["gateway", "number", "list"]) == AdminWorld.gateway)
        let phone = try world.trackerd(["customer", "add", "--name", "Bo", "--address", "Main St 1", "--email", "bo@example.com",
                                        "--phone", AdminWorld.gateway, "--adult"])
        #expect(phone.status == 65)
        #expect(phone.stderr == "trackerd: --phone: is the gateway's own number\n")
    }

    @Test(arguments: [["gateway", "number", "add"], ["gateway", "number", "remove"], ["gateway", "number", "list"], ["init"]])
    func gatewayAndInitHelpHaveExamples(_ command: [String]) throws {
        let result = try ProcessRunner.run("trackerd", command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
    }
}
