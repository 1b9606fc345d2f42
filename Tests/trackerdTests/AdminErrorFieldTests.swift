import Foundation
import TestSupport
import Testing

/// An error names the flag or argument the command really has (issue #9.9), and an export that was
/// not written is not audited as one.
@Suite struct AdminErrorFieldTests {
    struct Case: Sendable, CustomStringConvertible {
        var setUp: [[String]] = []
        var arguments: [String]
        /// The command whose `--help` must list the field the error names.
        var command: [String]
        var description: String { arguments.joined(separator: " ") }
    }

    static let phone = "+491701234567"

    @Test(arguments: [
        Case(setUp: [["customer", "terminate", "1"]], arguments: ["customer", "terminate", "1"], command: ["customer", "terminate"]),
        Case(setUp: [["customer", "erase", "1", "--yes"]], arguments: ["customer", "erase", "1", "--yes"], command: ["customer", "erase"]),
        Case(setUp: [["customer", "dispute", "open", "1", "--note", "chargeback"]], arguments: ["customer", "erase", "1", "--yes"], command: ["customer", "erase"]),
        Case(setUp: [["customer", "erase", "1", "--yes"]], arguments: ["customer", "dispute", "open", "1", "--note", "late"], command: ["customer", "dispute", "open"]),
        Case(setUp: [["customer", "terminate", "1"]], arguments: ["phone", "add", "--customer", "1", "--number", "+15550002222"], command: ["phone", "add"]),
        Case(setUp: [["customer", "terminate", "1"]], arguments: ["tracker", "add", "--customer", "1", "--number", "+15550003333", "--model", "gt06"], command: ["tracker", "add"]),
        Case(arguments: ["phone", "add", "--customer", "1", "--number", phone], command: ["phone", "add"]),
        Case(arguments: ["tracker", "add", "--customer", "1", "--number", phone, "--model", "gt06"], command: ["tracker", "add"]),
        Case(arguments: ["gateway", "number", "add", phone], command: ["gateway", "number", "add"]),
        Case(arguments: ["gateway", "number", "remove", "+15550009999"], command: ["gateway", "number", "remove"]),
        Case(arguments: ["config", "set", "retention.audit", "forever"], command: ["config", "set"]),
        Case(arguments: ["customer", "dispute", "open", "1", "--note", " "], command: ["customer", "dispute", "open"]),
    ])
    func theFieldAnErrorNamesIsOneTheCommandHas(_ row: Case) throws {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phone)
        for step in row.setUp { _ = try world.ok(step) }
        let result = try world.trackerd(row.arguments)
        #expect(result.status == 65 || result.status == 66, "\(result.stderr)")
        let line = try #require(result.stderr.split(separator: "\n").first.map(String.init))
        let message = try #require(line.hasPrefix("trackerd: ") ? String(line.dropFirst("trackerd: ".count)) : nil)
        let field = try #require(message.components(separatedBy: ": ").first, "\(line)")
        let help = try ProcessRunner.run("trackerd", row.command + ["--help"]).stdout
        // The setting's key is what the operator typed as config set's <key>.
        let named = field.hasPrefix("retention.") ? help.contains("<key>") : help.contains(field)
        #expect(named, "\(row): names \(field), which `\(row.command.joined(separator: " ")) --help` does not list")
    }

    @Test func anExportOntoAnExistingFileFailsAndIsNotAudited() throws {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phone)
        let out = world.root.appendingPathComponent("export.json")
        try Data("keep me".utf8).write(to: out)
        let result = try world.trackerd(["customer", "export", "1", "--out", out.path])
        #expect(result.status == 74)
        #expect(result.stderr == "trackerd: \(out.path): create failed: File exists\n")
        #expect(try Data(contentsOf: out) == Data("keep me".utf8))
        #expect(!(try world.ok(["audit", "--customer", "1"])).contains("customer.export"))

        let fresh = world.root.appendingPathComponent("fresh.json")
        _ = try world.ok(["customer", "export", "1", "--out", fresh.path])
        #expect(try world.ok(["audit", "--customer", "1"]).contains("customer.export"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fresh)) as? [String: Any])
        #expect(((object["audit"] as? [[String: Any]])?.last)?["action"] as? String == "customer.export")
    }

    @Test func initRecordsTheFirstGatewayNumber() throws {
        let world = try AdminWorld()
        #expect(try world.ok(["gateway", "number", "list"]) == AdminWorld.gateway)
        let audit = try world.ok(["audit"])
        #expect(audit.contains("gateway.number-add"))
    }
}
