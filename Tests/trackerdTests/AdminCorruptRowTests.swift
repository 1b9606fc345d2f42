import Foundation
import TestSupport
import Testing

/// A hand-edited row through the real CLI (issues #9.2 and #9.3): one line on stderr and exit 65,
/// never a crash; lists keep every readable row and name the unreadable ones without PII.
@Suite struct AdminCorruptRowTests {
    static let annaPhone = "+491701234567"
    static let berndPhone = "+491717654321"

    /// Customer 1 (Ada, phone 1, tracker 1) and customer 2 (Bernd, phone 2, tracker 2).
    static func world() throws -> AdminWorld {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: annaPhone)
        _ = try world.ok(["tracker", "add", "--customer", "1", "--number", "+4915199887766", "--model", "tk103", "--password", "123456", "--label", "van"])
        _ = try world.addCustomer(name: "Bernd Obermüller", email: "bernd@example.org", phone: berndPhone)
        _ = try world.ok(["tracker", "add", "--customer", "2", "--number", "+4915100000002", "--model", "gt06", "--label", "car"])
        return world
    }

    /// Edits the database as an operator with the sqlite3 shell would (CHECKs off where they refuse).
    static func handEdit(_ world: AdminWorld, _ sql: String) throws {
        let database = world.dataDirectory.appendingPathComponent("registry.sqlite").path
        let script = "PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF; \(sql)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("sqlite3 failed on \(sql)") }
    }

    struct Case: Sendable, CustomStringConvertible {
        var edit: String
        var command: [String]
        var stderr: String
        var description: String { "\(command.joined(separator: " ")) after \(edit)" }
    }

    @Test(arguments: [
        Case(edit: "UPDATE phones SET consents = 'yes' WHERE id = 1", command: ["customer", "show", "1"],
             stderr: "trackerd: phones.consents: holds 'yes' where the schema keeps 0 or 1\n"),
        Case(edit: "UPDATE customers SET created_at = 'hello' WHERE id = 1", command: ["customer", "export", "1"],
             stderr: "trackerd: customers.created_at: holds 'hello' where the schema keeps a time in whole seconds\n"),
        Case(edit: "UPDATE customers SET dispute_hold = 'yes' WHERE id = 1", command: ["customer", "erase", "1", "--yes"],
             stderr: "trackerd: customers.dispute_hold: holds 'yes' where the schema keeps 0 or 1\n"),
        Case(edit: "UPDATE audit SET at = 'yesterday' WHERE id = 1", command: ["audit"],
             stderr: "trackerd: audit.at: holds 'yesterday' where the schema keeps a time in whole seconds\n"),
        Case(edit: "UPDATE customers SET status = 'terminated', terminated_at = 'hello' WHERE id = 1", command: ["retention", "sweep"],
             stderr: "trackerd: customers.terminated_at: holds 'hello' where the schema keeps a time in whole seconds\n"),
        Case(edit: "UPDATE customers SET name_sealed = 'Ada Kingsbury' WHERE id = 1", command: ["customer", "show", "1"],
             stderr: "trackerd: customers.name_sealed: holds an unreadable value where the schema keeps a blob\n"),
    ])
    func aHandEditedRowIsOneLineAndExit65(_ row: Case) throws {
        let world = try Self.world()
        try Self.handEdit(world, row.edit)
        let result = try world.trackerd(row.command)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr == row.stderr)
        #expect(!result.stderr.contains("Ada"))
        // Another customer is still served.
        #expect(try world.ok(["customer", "show", "2"]).contains("Bernd"))
    }

    struct ListCase: Sendable, CustomStringConvertible {
        var description: String
        var edit: String
        var command: [String]
        var readable: [String]
        var stderr: String
    }

    @Test(arguments: [
        ListCase(description: "customer list, unknown status", edit: "UPDATE customers SET status = 'bogus' WHERE id = 1",
                 command: ["customer", "list"], readable: ["2\t"],
                 stderr: "trackerd: customer 1: unreadable (customers.status holds an unknown value)\n"),
        ListCase(description: "customer list, corrupt ciphertext", edit: "UPDATE customers SET email_sealed = randomblob(40) WHERE id = 1",
                 command: ["customer", "list"], readable: ["2\t"],
                 stderr: "trackerd: customer 1: unreadable (customers.email does not open with its customer's data key)\n"),
        ListCase(description: "tracker list, unknown model", edit: "UPDATE trackers SET model = 'banana' WHERE id = 1",
                 command: ["tracker", "list"], readable: ["2\tcustomer 2"],
                 stderr: "trackerd: tracker 1: unreadable (trackers.model holds an unknown value)\n"),
        ListCase(description: "customer list, unknown model", edit: "UPDATE trackers SET model = 'banana' WHERE id = 1",
                 command: ["customer", "list"], readable: ["2\t"],
                 stderr: "trackerd: customer 1: unreadable (trackers.model holds an unknown value)\n"),
        ListCase(description: "phone list, corrupt ciphertext", edit: "UPDATE phones SET number_sealed = randomblob(40) WHERE id = 1",
                 command: ["phone", "list"], readable: ["2\tcustomer 2"],
                 stderr: "trackerd: phone 1: unreadable (phones.number does not open with its customer's data key)\n"),
        ListCase(description: "phone list --json, consents is text", edit: "UPDATE phones SET consents = 'yes' WHERE id = 1",
                 command: ["phone", "list", "--json"], readable: ["\"customer\":2"],
                 stderr: "trackerd: phone 1: unreadable (phones.consents holds 'yes' where the schema keeps 0 or 1)\n"),
    ])
    func aListShowsEveryReadableRowAndNamesTheOthers(_ row: ListCase) throws {
        let world = try Self.world()
        try Self.handEdit(world, row.edit)
        let result = try world.trackerd(row.command)
        #expect(result.status == 65)
        #expect(result.stderr == row.stderr)
        for text in row.readable { #expect(result.stdout.contains(text), "\(result.stdout)") }
        #expect(!result.stdout.contains("customer 1") && !result.stdout.hasPrefix("1\t"), "\(result.stdout)")
        for secret in ["Ada", "Kingsbury", "4567", "ada@example.org"] { #expect(!result.stderr.contains(secret)) }
    }
}
