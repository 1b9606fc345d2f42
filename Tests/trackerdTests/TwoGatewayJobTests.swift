import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue #11's jobs that must run once, end to end: two `trackerd run` gateways on one PostgreSQL
/// registry (``TwoGatewayTests/World``) sweeping retention together, and two operators' hosts
/// sending one notice — the second refused while the first runs, and given the job once it dies.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TwoGatewayJobTests {
    typealias World = TwoGatewayTests.World

    static let noticeText = "Our privacy policy changes on 1 December 2026."
    static let phones = TwoGatewayTests.phones

    @Test func bothGatewaysSweepingPurgeEachDueCustomerOnceAndNothingThatWasNotDue() async throws {
        let world = try World()
        // Customers 2…9 beside the world's customer 1 (active, with the tracker), added from both hosts.
        var ids: [String] = []
        for index in 0..<8 {
            ids.append(try world.cli(["customer", "add", "--name", "Customer \(index)", "--address", "\(index) Sweep Street",
                                     "--email", "c\(index)@example.org", "--phone", "+44770091\(String(format: "%04d", index))", "--adult"],
                                    in: index % 2 == 0 ? "a" : "b"))
        }
        try world.cli(["config", "set", "retention.after-termination", "0"], in: "a")
        // Below the 1m the CLI accepts, so that both gateways sweep several times within the test:
        // a hand edit, which the daemon reads as any number of seconds.
        _ = try TestPostgres.psql("""
            INSERT INTO settings (key, value) VALUES ('retention.sweep-interval', convert_to('1', 'UTF8'))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, schemaURL: world.url)
        #expect(try world.cli(["config", "get", "retention.sweep-interval"], in: "b") == "1s")
        try await world.start("a")
        try await world.start("b")

        // While both sweep: five become due, one is terminated under a dispute hold, one is erased by
        // the operator (customer.erase, not a purge), one stays active.
        let due = Array(ids[0..<5])
        for (index, id) in due.enumerated() { try world.cli(["customer", "terminate", id], in: index % 2 == 0 ? "a" : "b") }
        try world.cli(["customer", "dispute", "open", ids[5], "--note", "chargeback"], in: "b")
        try world.cli(["customer", "terminate", ids[5]], in: "a")
        try world.cli(["customer", "erase", ids[6], "--yes"], in: "b")

        // Both operators sweep by hand at the same moment too: each run sweeps or is told a gateway is.
        let statuses = Mutex<[Int32]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let result = try? world.trackerd(["retention", "sweep"], in: index % 2 == 0 ? "a" : "b")
            statuses.withLock { $0.append(result?.status ?? -1) }
        }
        #expect(statuses.withLock { $0 }.allSatisfy { $0 == 0 || $0 == 75 }, "\(statuses.withLock { $0 })")

        #expect(await poll { ((try? world.purges()) ?? []).count >= due.count }, "every due customer is purged: \(world.log("a").suffix(2000))")
        // Three more turns on each gateway after that: a second purge would have had its chance.
        let turns = ["a", "b"].map { world.sweepTurns($0) }
        #expect(await poll { world.sweepTurns("a") >= turns[0] + 3 && world.sweepTurns("b") >= turns[1] + 3 },
                "both gateways keep sweeping: \(world.sweepTurns("a")) and \(world.sweepTurns("b")) turns")

        let purges = try world.purges()
        #expect(purges.sorted() == due.sorted(), "one customer.purge entry per due customer, none for the others: \(purges)")
        #expect(try world.trackerd(["customer", "export", ids[5]], in: "a").status == 0, "the held customer is kept")
        #expect(try world.trackerd(["customer", "export", "1"], in: "b").status == 0, "the active customer is kept")
        for name in ["a", "b"] {
            #expect(!world.log(name).contains("retention sweep failed"), "gateway \(name): \(world.log(name).suffix(2000))")
        }
    }

    @Test func aNoticeRunHoldsTheJobSoAnotherHostSendsNothingUntilTheRunDies() async throws {
        let world = try World()
        try await world.start("a")
        try await world.start("b")
        let notice = world.root.appending("amendment.txt")
        try Data(Self.noticeText.utf8).write(to: notice)
        let arguments = ["notify", "amendment", "--version", "2026-12", "--text", notice.path]
        // Host A's MTA takes the first e-mail and never returns: A's run is inside the job, and stays.
        let stuck = try world.mta("stuck", script: "cat > \"$0.mail\"\necho $$ > \"$0.tmp\" && mv \"$0.tmp\" \"$0.pid\"\nexec sleep 120\n")
        let stuckPID = stuck.path + ".pid"
        let holder = try DaemonProcess(arguments: arguments, log: world.root.appending("notify-a.log"),
                                       environment: world.environment(in: "a").merging(world.mail(stuck)) { $1 })
        defer {
            holder.kill(signal: SIGKILL)
            if let pid = (try? String(contentsOfFile: stuckPID, encoding: .utf8)).flatMap({ pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                _ = kill(pid, SIGKILL)
            }
        }
        #expect(await poll { FileManager.default.fileExists(atPath: stuckPID) }, "A's run reaches its MTA")

        // Host B's run meanwhile: one line, exit 75, nothing to its MTA (which records what it is given), no SMS.
        let recording = try world.mta("recording", script: "cat > \"$0.$$\"\n")
        func recorded() -> Int {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: world.root.path)) ?? []
            return names.filter { $0.hasPrefix("recording.") }.count
        }
        let refused = try world.trackerd(arguments, in: "b", environment: world.mail(recording))
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr == "trackerd: notices are being sent from another gateway or host now; run the same command again once it is done\n")
        #expect(refused.stdout.isEmpty && recorded() == 0)
        #expect(Self.phones.map { world.copies(of: Self.noticeText, on: $0) } == [0, 0])

        // A's run is killed mid-job: its connection, and the lock with it, go; B's next run sends it all.
        holder.kill(signal: SIGKILL)
        #expect(await holder.waitForExit(timeout: .seconds(10)) != nil)
        var taken = try world.trackerd(arguments, in: "b", environment: world.mail(recording))
        for _ in 0..<100 where taken.status == 75 {
            try await Task.sleep(for: .milliseconds(100))
            taken = try world.trackerd(arguments, in: "b", environment: world.mail(recording))
        }
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stdout == "notified 1 customer(s) by e-mail, 1 by SMS\n")
        #expect(recorded() == 1)
        #expect(await world.delivered(Self.noticeText, to: Self.phones) == [1, 1])

        // And once only: a third run finds it sent.
        let again = try world.trackerd(arguments, in: "a", environment: world.mail(recording))
        #expect(again.stdout == "notified 0 customer(s) by e-mail, 0 by SMS; 1 had been notified before\n", "\(again.stderr)")
        #expect(recorded() == 1)
    }
}

extension TwoGatewayTests.World {
    /// An executable sendmail stand-in in the world's root running `script` (sh; `$0` is its path).
    func mta(_ name: String, script: String) throws -> URL {
        let url = root.appending(name)
        guard FileManager.default.createFile(atPath: url.path, contents: Data("#!/bin/sh\n\(script)".utf8), attributes: [.posixPermissions: 0o755]) else {
            throw HarnessError("cannot write \(url.path)")
        }
        return url
    }

    /// The mail settings of a notice run through `mta`.
    func mail(_ mta: URL) -> [String: String] {
        ["TRACKERD_MAIL_FROM": "privacy@example.org", "TRACKERD_MAIL_SENDMAIL": mta.path]
    }

    /// The customers the audit log says were purged, one id per `customer.purge` entry.
    func purges() throws -> [String] {
        try cli(["audit"], in: "a").split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t")
            guard fields.count >= 4, fields[2] == "customer.purge", fields[3].hasPrefix("customer ") else { return nil }
            return String(fields[3].dropFirst("customer ".count))
        }
    }

    /// How many turns gateway `name`'s sweeper has taken (swept, found nothing, or left it to another).
    func sweepTurns(_ name: String) -> Int {
        log(name).split(separator: "\n").filter { $0.contains("retention sweep") && !$0.contains("retention sweep failed") }.count
    }
}
