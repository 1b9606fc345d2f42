import Foundation
import TestSupport
import Testing

/// The operator's CLI (issue 5), run as the real executable on a private data directory.
@Suite struct AdminCommandTests {
    static let annaPhone = "+491701234567"
    static let annaTracker = "+4915199887766"

    /// A world with customer 1 (one phone) and tracker 1.
    static func world() throws -> AdminWorld {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: annaPhone)
        _ = try world.ok(["tracker", "add", "--customer", "1", "--number", annaTracker, "--model", "tk103", "--password", "123456", "--label", "van"])
        return world
    }

    @Test(arguments: [
        ["customer", "add"], ["customer", "list"], ["customer", "show"], ["customer", "update"], ["customer", "terminate"],
        ["customer", "erase"], ["customer", "export"], ["customer", "dispute", "open"], ["customer", "dispute", "close"],
        ["phone", "add"], ["phone", "remove"], ["phone", "list"],
        ["tracker", "add"], ["tracker", "remove"], ["tracker", "list"], ["tracker", "provision"],
        ["retention", "sweep"], ["audit"], ["notify", "amendment"], ["breach", "notify"], ["privacy-check"],
        ["config", "get"], ["config", "set"], ["config", "list"],
    ])
    func everyCommandHasHelpWithExamples(_ command: [String]) throws {
        let result = try ProcessRunner.run("trackerd", command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
    }

    @Test func listMasksNumbersAndShowGivesEverythingAudited() throws {
        let world = try Self.world()
        let list = try world.ok(["customer", "list"])
        #expect(list.contains("+4•••••4567"))
        #expect(!list.contains(Self.annaPhone))
        let json = try #require(ProcessRunner.json(try world.ok(["phone", "list", "--json"])) as? [[String: Any]])
        #expect(json.first?["number"] as? String == "+4•••••4567")
        #expect(!(try world.ok(["tracker", "list"])).contains(Self.annaTracker))

        let show = try world.ok(["customer", "show", "1"])
        for field in ["Ada Kingsbury", "12 St James's Square, London", "ada@example.org", "tok_ada_visa", "4242", Self.annaPhone, Self.annaTracker, "123456", "van"] {
            #expect(show.contains(field), "\(field)")
        }
        let audit = try world.ok(["audit", "--customer", "1"])
        #expect(audit.contains("customer.show"))
        #expect(!audit.contains("Ada"))
    }

    @Test func exportWritesEveryFieldToAPrivateFile() throws {
        let world = try Self.world()
        let out = world.root.appendingPathComponent("export.json")
        _ = try world.ok(["customer", "export", "1", "--out", out.path])
        var info = stat()
        #expect(stat(out.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect(object["name"] as? String == "Ada Kingsbury")
        #expect(object["email"] as? String == "ada@example.org")
        #expect(object["address"] as? String == "12 St James's Square, London")
        #expect((object["card"] as? [String: Any])?["token"] as? String == "tok_ada_visa")
        #expect(((object["phones"] as? [[String: Any]])?.first)?["number"] as? String == Self.annaPhone)
        let tracker = try #require((object["trackers"] as? [[String: Any]])?.first)
        #expect(tracker["number"] as? String == Self.annaTracker)
        #expect(tracker["password"] as? String == "123456")
        #expect(((object["audit"] as? [[String: Any]])?.last)?["action"] as? String == "customer.export")
        // An existing file is never overwritten.
        #expect(try world.trackerd(["customer", "export", "1", "--out", out.path]).status == 74)
    }

    @Test func updateTerminateEraseThenExportIsUnknown() throws {
        let world = try Self.world()
        _ = try world.ok(["customer", "update", "1", "--email", "ada.k@example.org", "--remove-card"])
        let export = try world.ok(["customer", "export", "1"])
        #expect(export.contains("ada.k@example.org"))
        #expect(!export.contains("tok_ada_visa"))
        #expect(try world.ok(["customer", "terminate", "1"]).contains("terminated"))
        #expect(try world.trackerd(["customer", "erase", "1"]).status == 64)
        _ = try world.ok(["customer", "erase", "1", "--yes"])
        let result = try world.trackerd(["customer", "export", "1"])
        #expect(result.status == 66)
        #expect(result.stderr == "trackerd: no customer with id 1\n")
        let bytes = world.databaseBytes().reduce(Data(), +)
        let text = String(decoding: bytes.map { $0 < 0x80 ? $0 : 0x20 }, as: UTF8.self)
        for secret in ["Kingsbury", "St James", "ada.k@example", "tok_ada", Self.annaPhone, Self.annaTracker] {
            #expect(!text.contains(secret), "\(secret) survived the erasure")
        }
        let actions = try world.ok(["audit", "--customer", "1"])
        #expect(actions.contains("customer.update") && actions.contains("customer.terminate") && actions.contains("customer.erase"))
    }

    @Test func disputeHoldsAndReleases() throws {
        let world = try Self.world()
        _ = try world.ok(["customer", "terminate", "1"])
        _ = try world.ok(["customer", "dispute", "open", "1", "--note", "chargeback"])
        #expect(try world.trackerd(["customer", "erase", "1", "--yes"]).status == 65)
        #expect(try world.ok(["customer", "export", "1"]).contains("chargeback"))
        _ = try world.ok(["customer", "dispute", "close", "1", "--note", "resolved"])
        _ = try world.ok(["customer", "erase", "1", "--yes"])
    }

    @Test func retentionConfigAndSweep() throws {
        let world = try Self.world()
        #expect(try world.ok(["config", "get", "retention.after-termination"]) == "30d")
        _ = try world.ok(["config", "set", "retention.after-termination", "0"])
        _ = try world.ok(["customer", "terminate", "1"])
        let before = world.databaseBytes()
        #expect(try world.ok(["retention", "sweep", "--dry-run"]).contains("would purge 1 customer(s): 1"))
        #expect(world.databaseBytes() == before, "a dry run changes nothing")
        let report = try #require(ProcessRunner.json(try world.ok(["retention", "sweep", "--json"])) as? [String: Any])
        #expect(report["customerIDs"] as? [Int] == [1])
        #expect(try world.ok(["audit", "--customer", "1"]).contains("customer.purge"))
        #expect(try world.trackerd(["customer", "show", "1"]).status == 66)
    }

    @Test func privacyCheckIsCleanThenFindsAPlantedLocation() throws {
        let world = try Self.world()
        let clean = try world.trackerd(["privacy-check"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let planted = world.dataDirectory.appendingPathComponent("leak.txt")
        _ = FileManager.default.createFile(atPath: planted.path, contents: Data("lat:52.520008 long:13.404954".utf8), attributes: [.posixPermissions: 0o600])
        let finding = try world.trackerd(["privacy-check", "--json"])
        #expect(finding.status == 1)
        let findings = try #require(ProcessRunner.json(finding.stdout) as? [[String: Any]])
        #expect(findings.map { $0["kind"] as? String } == ["location-at-rest"])
        #expect(!finding.stdout.contains("52.52"))
    }

    @Test func provisioningATrackerWithoutAnAdminCommandIsRefusedBeforeTheDaemon() throws {
        let world = try Self.world()
        _ = try world.ok(["tracker", "add", "--customer", "1", "--number", "+15550003333", "--model", "generic", "--password", "x"])
        let before = world.databaseBytes()
        let result = try world.trackerd(["tracker", "provision", "2"])
        #expect(result.status == 65)
        #expect(result.stderr == "trackerd: tracker 2 is a generic, which has no admin-number command; set it on the device\n")
        #expect(world.databaseBytes() == before)
    }

    @Test func theAuditLogHoldsNoPersonalData() throws {
        let world = try Self.world()
        _ = try world.ok(["customer", "update", "1", "--name", "Ada Lovelace"])
        _ = try world.ok(["customer", "dispute", "open", "1", "--note", "disputed invoice 77"])
        _ = try world.ok(["customer", "show", "1"])
        let audit = try world.ok(["audit", "--json"]) + (try world.ok(["audit"]))
        for secret in ["Ada", "Lovelace", "Kingsbury", "ada@example.org", "St James", "tok_ada", "4242", "invoice", "1701234567", "5199887766", "123456"] {
            #expect(!audit.contains(secret), "\(secret)")
        }
        #expect(audit.contains("customer.dispute-hold"))
    }

    @Test func privacyCheckFindsAFileOthersCanRead() throws {
        let world = try Self.world()
        let key = world.dataDirectory.appendingPathComponent("master.key").path
        chmod(key, 0o644)
        let result = try world.trackerd(["privacy-check"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("file-mode: \(key): mode 0644"))
    }

    @Test func commandsThatNeedTheModemSayTheDaemonIsNotRunning() throws {
        let world = try Self.world()
        let notice = world.root.appendingPathComponent("notice.txt")
        try Data("Our privacy policy changes on 1 January.".utf8).write(to: notice)
        _ = try world.ok(["breach", "record", "--discovered", "2026-01-01T00:00Z", "--summary", notice.path, "--customer", "1"])
        let before = world.databaseBytes()
        for arguments in [["tracker", "provision", "1"], ["notify", "amendment", "--version", "v2", "--text", notice.path],
                          ["breach", "notify", "1", "--text", notice.path]] {
            let result = try world.trackerd(arguments)
            #expect(result.status == 69, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasPrefix("trackerd: the daemon is not running"))
        }
        #expect(world.databaseBytes() == before)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var description: String { arguments.joined(separator: " ") }
    }

    static let customerBase = ["customer", "add", "--name", "Bo", "--address", "Main St 1", "--email", "bo@example.com"]

    @Test(arguments: [
        Refusal(arguments: customerBase + ["--phone", "+15550002222"], status: 64),                             // no --adult
        Refusal(arguments: ["customer", "add", "--name", " ", "--address", "Main St 1", "--email", "bo@example.com", "--phone", "+15550002222", "--adult"], status: 65),
        Refusal(arguments: ["customer", "add", "--name", "Bo", "--address", "Main St 1", "--email", "bo@", "--phone", "+15550002222", "--adult"], status: 65),
        Refusal(arguments: customerBase + ["--phone", "+15550002222", "--adult", "--card-token", "4111 1111 1111 1111", "--card-last4", "1111"], status: 65),
        Refusal(arguments: customerBase + ["--phone", "+1 555 (000) 22x2", "--adult"], status: 65),              // garbage
        Refusal(arguments: customerBase + ["--phone", "+49 170", "--adult"], status: 65),                        // too short
        Refusal(arguments: customerBase + ["--phone", "+49 170 1234 5678 9012", "--adult"], status: 65),         // too long
        Refusal(arguments: customerBase + ["--phone", "0170 7654321", "--adult"], status: 65),                   // national, no region
        Refusal(arguments: customerBase + ["--phone", "0170 1234567", "--default-region", "49", "--adult"], status: 65), // duplicate
        Refusal(arguments: customerBase + ["--phone", annaTracker, "--adult"], status: 65),                      // a tracker's
        Refusal(arguments: customerBase + ["--phone", AdminWorld.gateway, "--adult"], status: 65),               // the gateway's
        Refusal(arguments: ["phone", "add", "--customer", "99", "--number", "+15550002222"], status: 66),
        Refusal(arguments: ["phone", "add", "--customer", "1", "--number", "00 49 170 1234567"], status: 65),
        Refusal(arguments: ["tracker", "add", "--customer", "1", "--number", annaPhone, "--model", "tk103", "--password", "1"], status: 65),
        Refusal(arguments: ["phone", "remove", "1"], status: 65),                                                // last phone
        Refusal(arguments: ["phone", "remove", "99"], status: 66),
        Refusal(arguments: ["tracker", "remove", "99"], status: 66),
        Refusal(arguments: ["customer", "update", "1", "--name", ""], status: 65),
        Refusal(arguments: ["customer", "update", "1", "--email", "no-at-sign"], status: 65),
        Refusal(arguments: ["customer", "update", "1", "--card-token", "4111-1111-1111-1111", "--card-last4", "1111"], status: 65),
        Refusal(arguments: ["customer", "update", "99", "--name", "X"], status: 66),
        Refusal(arguments: ["customer", "update", "1"], status: 64),
        Refusal(arguments: ["customer", "show", "99"], status: 66),
        Refusal(arguments: ["customer", "export", "99"], status: 66),
        Refusal(arguments: ["customer", "terminate", "99"], status: 66),
        Refusal(arguments: ["customer", "erase", "1"], status: 64),
        Refusal(arguments: ["customer", "dispute", "close", "1", "--note", "nothing open"], status: 65),
        Refusal(arguments: ["customer", "dispute", "open", "1", "--note", " "], status: 65),
        Refusal(arguments: ["tracker", "provision", "99"], status: 66),
        Refusal(arguments: ["config", "set", "retention.audit", "forever"], status: 65),
        Refusal(arguments: ["config", "set", "retention.colour", "1d"], status: 64),
        Refusal(arguments: ["audit", "--since", "last tuesday"], status: 64),
        Refusal(arguments: ["breach", "notify", "99", "--text", "/nonexistent/notice.txt"], status: 66),
    ])
    func refusedCommandLeavesTheDatabaseUntouched(_ row: Refusal) throws {
        let world = try Self.world()
        let before = world.databaseBytes()
        let result = try world.trackerd(row.arguments)
        #expect(result.status == row.status, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("trackerd: ") || result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count <= 3, "one clear line: \(result.stderr)")
        #expect(world.databaseBytes() == before)
    }

    @Test func terminatedCustomersGainNothing() throws {
        let world = try Self.world()
        _ = try world.ok(["customer", "terminate", "1"])
        let before = world.databaseBytes()
        for arguments in [["phone", "add", "--customer", "1", "--number", "+15550002222"], ["customer", "terminate", "1"],
                          ["tracker", "add", "--customer", "1", "--number", "+15550003333", "--model", "gt06", "--password", "x"]] {
            #expect(try world.trackerd(arguments).status == 65, "\(arguments)")
        }
        #expect(world.databaseBytes() == before)
    }
}
