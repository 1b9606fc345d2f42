import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue #11's jobs that must run once, end to end: two `trackerd run` gateways on one PostgreSQL
/// registry (``TwoGatewayTests/World``), and two operators' hosts sending one notice — the second
/// refused while the first runs, and given the job once it dies.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TwoGatewayJobTests {
    typealias World = TwoGatewayTests.World

    static let noticeText = "Our privacy policy changes on 1 December 2026."
    static let phones = TwoGatewayTests.phones

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
}
