import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing

/// `request`, `breach`, `privacy-report` and `customer … --request` through the real CLI (issue 13).
///
/// The CLI runs on the system clock, so dates are given relative to today (in UTC, the zone the
/// tests set); the exact clocks are tested in TrackerGatewayTests on a settable one.
@Suite struct RightsCommandTests {
    static let phone = "+491701234567"
    static let utc = ["TZ": "UTC"]

    /// `YYYY-MM-DD`, `days` from today in UTC.
    static func day(_ days: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date().addingTimeInterval(TimeInterval(days) * 86_400))
    }

    /// A world with customer 1 (Ada, one phone).
    static func world() throws -> AdminWorld {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: phone)
        return world
    }

    static func ok(_ world: AdminWorld, _ arguments: [String], environment: [String: String] = utc) throws -> String {
        let result = try world.trackerd(arguments, environment: environment)
        guard result.status == 0 else {
            throw AdminWorld.Failure(description: "trackerd \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [
        ["request", "open"], ["request", "verify"], ["request", "close"], ["request", "list"], ["request", "show"],
        ["breach", "record"], ["breach", "notify"], ["breach", "reported"], ["breach", "list"], ["breach", "show"],
        ["privacy-report"], ["notify", "amendment"],
    ])
    func everyRightsCommandHasHelpWithExamples(_ command: [String]) throws {
        let result = try ProcessRunner.run("trackerd", command + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
    }

    @Test func anAccessRequestIsOpenedVerifiedAndAnsweredByExport() throws {
        let world = try Self.world()
        #expect(try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "access", "--received", Self.day(0), "--channel", "email"])
                == "request 1 due \(Self.day(10))")
        let refused = try world.trackerd(["customer", "export", "1", "--request", "1"], environment: Self.utc)
        #expect(refused.status == 65)
        #expect(refused.stderr == "trackerd: --request: request 1: the requester's identity is not confirmed; run `trackerd request verify 1 --method …` first\n")
        _ = try Self.ok(world, ["request", "verify", "1", "--method", "ID card checked at the counter"])
        let out = world.root.appendingPathComponent("copy.json")
        _ = try Self.ok(world, ["customer", "export", "1", "--request", "1", "--out", out.path])
        #expect(FileManager.default.fileExists(atPath: out.path))

        let rows = try #require(ProcessRunner.json(try Self.ok(world, ["request", "list", "--json"])) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["outcome"] as? String == "done")
        #expect(rows.first?["clock"] as? String == "closed-on-time")
        #expect(rows.first?["copyProducedAt"] is String)
        #expect(try Self.ok(world, ["request", "list", "--open"]).isEmpty)
        let audit = try Self.ok(world, ["audit", "--customer", "1"])
        for action in ["request.open", "request.verify", "customer.export", "request.close"] { #expect(audit.contains(action), "\(action)") }
        #expect(!audit.contains("ID card"))
        #expect(try Self.ok(world, ["request", "show", "1"]).contains("method:    ID card checked at the counter"))
    }

    @Test(arguments: [(0, "ON-TRACK"), (-9, "NEAR"), (-10, "OVERDUE"), (-30, "OVERDUE")])
    func theListShowsEachRequestsClock(_ receivedDaysAgo: Int, _ clock: String) throws {
        let world = try Self.world()
        _ = try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "objection", "--received", Self.day(receivedDaysAgo)])
        let line = try Self.ok(world, ["request", "list"])
        #expect(line.contains("\t\(clock)\t"), "\(line)")
        let check = try world.trackerd(["privacy-check"], environment: Self.utc)
        #expect(check.status == (clock == "ON-TRACK" ? 0 : 1), "\(check.stdout)")
        #expect(check.stdout.contains("request-due: request 1") == (clock != "ON-TRACK"))
        #expect(!check.stdout.contains("Ada"))
    }

    @Test func aRequestLoggedLateIsAcceptedAndOverdueAtOnce() throws {
        let world = try Self.world()
        let opened = try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "erasure", "--received", Self.day(-30)])
        #expect(opened == "request 1 due \(Self.day(-20)) (already OVERDUE: it was logged after its due date)")
        #expect(try Self.ok(world, ["request", "list", "--overdue"]).contains("logged late"))
        _ = try Self.ok(world, ["request", "verify", "1", "--method", "letter signed, address on file"])
        #expect(try Self.ok(world, ["customer", "erase", "1", "--yes", "--request", "1"]) == "customer 1 erased; request 1 closed")
        let rows = try #require(ProcessRunner.json(try Self.ok(world, ["request", "list", "--json"])) as? [[String: Any]])
        #expect(rows.first?["outcome"] as? String == "done")
        #expect(rows.first?["clock"] as? String == "closed-late")
        #expect(rows.first?["receivedAt"] as? String == "\(Self.day(-30))T00:00:00Z")
        let show = try Self.ok(world, ["request", "show", "1"])
        #expect(show.contains("notes:     erased with the customer") && !show.contains("letter signed"))
    }

    @Test func theOperatorsZoneReadsAndShowsDates() throws {
        let world = try Self.world()
        let tokyo = ["TZ": "Asia/Tokyo"]
        _ = try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "access", "--received", "2026-01-10"], environment: tokyo)
        let rows = try #require(ProcessRunner.json(try Self.ok(world, ["request", "list", "--json"])) as? [[String: Any]])
        #expect(rows.first?["receivedAt"] as? String == "2026-01-09T15:00:00Z", "stored in UTC")
        #expect(try Self.ok(world, ["request", "list"], environment: tokyo).contains("received 2026-01-10\tdue 2026-01-20"))
        #expect(try Self.ok(world, ["request", "list"]).contains("received 2026-01-09 15:00 UTC"))
    }

    @Test func aBreachIsRecordedReportedAndListedWithItsClocks() throws {
        let world = try Self.world()
        let summary = world.root.appendingPathComponent("summary.txt")
        try Data("Laptop mit Kundenliste gestohlen".utf8).write(to: summary)
        let recorded = try Self.ok(world, ["breach", "record", "--discovered", "\(Self.day(0))T00:00Z", "--summary", summary.path, "--customer", "1"])
        #expect(recorded == "breach 1 recorded; tell the supervisory authority by \(Self.day(3))")
        #expect(try Self.ok(world, ["breach", "list"]).contains("authority DUE (by \(Self.day(3)))\tcustomers notified 0/1"))
        let check = try world.trackerd(["privacy-check", "--json"], environment: Self.utc)
        let kinds = (ProcessRunner.json(check.stdout) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["breach-authority", "breach-notification"])
        #expect(try Self.ok(world, ["breach", "reported", "1", "--authority", "LDI NRW", "--at", "\(Self.day(0))T00:30Z"]) == "breach 1: reported-on-time")
        let show = try Self.ok(world, ["breach", "show", "1"])
        #expect(show.contains("authority: LDI NRW") && show.contains("summary:   Laptop mit Kundenliste gestohlen"))
        #expect(!(try Self.ok(world, ["breach", "list", "--json"])).contains("Laptop"))
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stderr: String?
        var environment: [String: String] = [:]
        var description: String { arguments.joined(separator: " ") }
    }

    /// In the world: request 1 open (access, unverified), request 2 closed (withdrawn), breach 1 reported.
    static let refusals: [Refusal] = [
        Refusal(arguments: ["request", "open", "--customer", "1", "--kind", "access", "--received", day(2)], status: 65,
                stderr: "trackerd: --received: is in the future; give the date the request reached you\n"),
        Refusal(arguments: ["request", "open", "--customer", "9", "--kind", "access", "--received", day(0)], status: 66, stderr: "trackerd: no customer with id 9\n"),
        Refusal(arguments: ["request", "open", "--customer", "1", "--kind", "complaint", "--received", day(0)], status: 64),
        Refusal(arguments: ["request", "open", "--customer", "1", "--kind", "access", "--received", "last monday"], status: 65),
        Refusal(arguments: ["request", "open", "--customer", "1", "--kind", "access", "--received", "2026-02-30"], status: 65),
        Refusal(arguments: ["request", "close", "2", "--outcome", "done"], status: 65, stderr: "trackerd: request 2: is already closed (withdrawn)\n"),
        Refusal(arguments: ["request", "close", "1", "--outcome", "done"], status: 65),
        Refusal(arguments: ["request", "close", "7", "--outcome", "refused"], status: 66, stderr: "trackerd: no request with id 7\n"),
        Refusal(arguments: ["request", "verify", "2", "--method", "x"], status: 65),
        Refusal(arguments: ["customer", "update", "1", "--name", "Ada K.", "--request", "1"], status: 65,
                stderr: "trackerd: --request: request 1 asks for access, not correction; `customer export` answers it\n"),
        Refusal(arguments: ["customer", "erase", "1", "--yes", "--request", "1"], status: 65),
        Refusal(arguments: ["customer", "export", "1", "--request", "2"], status: 65),
        Refusal(arguments: ["breach", "record", "--discovered", "\(day(3))T00:00Z", "--summary", "/etc/os-release", "--customer", "1"], status: 65),
        Refusal(arguments: ["breach", "record", "--discovered", day(0), "--summary", "/etc/os-release", "--customer", "5"], status: 66),
        Refusal(arguments: ["breach", "record", "--discovered", day(0), "--summary", "/nonexistent/summary.txt"], status: 66),
        Refusal(arguments: ["breach", "reported", "1", "--not-required", "low risk"], status: 65,
                stderr: "trackerd: breach 1: already has its authority decision recorded (reported)\n"),
        Refusal(arguments: ["breach", "reported", "1", "--authority", "LDI NRW"], status: 64),
        Refusal(arguments: ["breach", "notify", "4", "--text", "/etc/os-release"], status: 66, stderr: "trackerd: no breach with id 4\n"),
        Refusal(arguments: ["notify", "amendment", "--version", "v2", "--text", "/etc/os-release"], status: 78,
                stderr: "trackerd: mail.from: is not set; set TRACKERD_MAIL_FROM (or mail.from in the config file) to the address notices are sent from\n",
                environment: ["TRACKERD_MAIL_FROM": ""]),
        Refusal(arguments: ["notify", "amendment", "--version", "v2", "--text", "/etc/os-release"], status: 78,
                stderr: "trackerd: TRACKERD_MAIL_SENDMAIL: /nonexistent/sendmail does not exist or is not executable; install an MTA (e.g. Debian's msmtp-mta or postfix) or set TRACKERD_MAIL_SENDMAIL\n",
                environment: ["TRACKERD_MAIL_SENDMAIL": "/nonexistent/sendmail -t"]),
        Refusal(arguments: ["notify", "amendment", "--version", "v2", "--text", "/etc/os-release", "--subject", "a\tb"], status: 65),
        Refusal(arguments: ["config", "set", "rights.deadline", "1y"], status: 65),
    ]

    @Test(arguments: refusals)
    func aRefusedRightsCommandIsOneLineAndLeavesTheDatabaseUntouched(_ row: Refusal) throws {
        let world = try Self.world()
        _ = try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "access", "--received", Self.day(-1)])
        _ = try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "correction", "--received", Self.day(-1)])
        _ = try Self.ok(world, ["request", "close", "2", "--outcome", "withdrawn"])
        _ = try Self.ok(world, ["breach", "record", "--discovered", Self.day(-1), "--summary", "/etc/os-release", "--customer", "1"])
        _ = try Self.ok(world, ["breach", "reported", "1", "--authority", "LDI NRW", "--at", Self.day(0)])
        let before = world.databaseBytes()
        let result = try world.trackerd(row.arguments, environment: Self.utc.merging(row.environment) { $1 })
        #expect(result.status == row.status, "stderr: \(result.stderr)")
        if let stderr = row.stderr { #expect(result.stderr == stderr) }
        #expect(result.stderr.hasPrefix("trackerd: ") || result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        // ArgumentParser's own usage errors add the usage lines after their one.
        #expect(result.stderr.hasPrefix("Error: ") || result.stderr.split(separator: "\n").count == 1, "one clear line: \(result.stderr)")
        #expect(world.databaseBytes() == before)
    }

    @Test func theDeadlineIsASettingOfItsOwn() throws {
        let world = try Self.world()
        #expect(try Self.ok(world, ["config", "get", "rights.deadline"]) == "10d")
        _ = try Self.ok(world, ["config", "set", "rights.deadline", "30d"])
        #expect(try Self.ok(world, ["config", "list"]).contains("rights.deadline\t30d"))
        #expect(try Self.ok(world, ["request", "open", "--customer", "1", "--kind", "access", "--received", Self.day(0)]) == "request 1 due \(Self.day(30))")
    }

    @Test func thePrivacyReportIsAPrivateWellFormedPageWithoutPersonalData() throws {
        let world = try Self.world()
        _ = try world.addCustomer(name: "Łukasz Żółć", email: "lukasz.zolc@example.pl", phone: "+48601234567")
        _ = try Self.ok(world, ["request", "open", "--customer", "2", "--kind", "access", "--received", Self.day(-12), "--note", "Łukasz wrote"])
        let summary = world.root.appendingPathComponent("summary.txt")
        try Data("Ada Kingsbury's invoice went to lukasz.zolc@example.pl".utf8).write(to: summary)
        _ = try Self.ok(world, ["breach", "record", "--discovered", Self.day(0), "--summary", summary.path, "--customer", "1", "--customer", "2"])
        let out = world.root.appendingPathComponent("report.html")
        _ = try Self.ok(world, ["privacy-report", "--out", out.path])
        var info = stat()
        #expect(stat(out.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        let html = try String(contentsOf: out, encoding: .utf8)
        let document = try XMLDocument(data: Data(html.utf8), options: [])
        #expect(document.rootElement()?.name == "html")
        #expect(try document.rootElement()?.nodes(forXPath: "//*[local-name()='script']").isEmpty == true)
        for expected in ["Record of processing activities", "request-due: request 1", "breach-notification: breach 1", "Active customers"] {
            #expect(html.contains(expected), "\(expected)")
        }
        for secret in ["Ada", "Kingsbury", "St James", "ada@example.org", "tok_ada", "4242", "1701234567", "Łukasz", "Żółć", "lukasz", "601234567", "invoice"] {
            #expect(!html.contains(secret), "the report holds \(secret)")
        }
        #expect(try world.trackerd(["privacy-report", "--out", out.path]).status == 74, "an existing file is never overwritten")
    }
}
