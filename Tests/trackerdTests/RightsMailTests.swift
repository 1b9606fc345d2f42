import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Simulator
import TestSupport
import Testing

/// Notices by e-mail end to end (issue 13): the real CLI hands each message to Debian's msmtp
/// (`TRACKERD_MAIL_SENDMAIL`), msmtp relays it to an aiosmtpd sink on loopback that this test
/// starts, and Python's own `email` package parses what arrived. A missing package fails the test
/// with its name — it never skips.
@Suite(.serialized) struct RightsMailTests {
    static let phoneA = "+15550002001"
    static let phoneB = "+15550002101"
    static let subject = "Änderung der Datenschutzerklärung – ł 中"
    static let text = "Grüße aus Köln — łódź, 中文, und = Zeichen.\nZweite Zeile: Sie können binnen 30 Tagen kostenlos kündigen."

    /// An SMTP sink (aiosmtpd from Debian's python3-aiosmtpd) on a free loopback port, writing a maildir.
    final class MailSink {
        static let python = "/usr/bin/python3"
        let process = Process()
        let maildir: URL
        let port: Int

        init(in directory: URL) throws {
            let check = Process()
            check.executableURL = URL(fileURLWithPath: Self.python)
            check.arguments = ["-c", "import aiosmtpd"]
            check.standardError = FileHandle.nullDevice
            try? check.run()
            check.waitUntilExit()
            guard check.terminationReason == .exit, check.terminationStatus == 0 else {
                throw AdminWorld.Failure(description: "the SMTP sink needs Debian's python3-aiosmtpd for \(Self.python): apt-get install python3-aiosmtpd (or bash scripts/install-deps.sh --interop)")
            }
            maildir = directory.appendingPathComponent("maildir")
            // Port 0: the system picks a free port, and the sink says which.
            let script = """
                import asyncio, sys
                from aiosmtpd.smtp import SMTP
                from aiosmtpd.handlers import Mailbox
                async def main():
                    server = await asyncio.get_running_loop().create_server(lambda: SMTP(Mailbox(sys.argv[1])), "127.0.0.1", 0)
                    print(server.sockets[0].getsockname()[1], flush=True)
                    await server.serve_forever()
                asyncio.run(main())
                """
            process.executableURL = URL(fileURLWithPath: Self.python)
            process.arguments = ["-c", script, maildir.path]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = out.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw AdminWorld.Failure(description: "the aiosmtpd sink exited before listening") }
                line += chunk
            }
            guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw AdminWorld.Failure(description: "the aiosmtpd sink printed no port")
            }
            self.port = port
        }

        /// SIGKILL: the test process blocks SIGTERM and its children inherit the mask; the sink has
        /// nothing to flush (each message is in the maildir once accepted).
        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        /// Every message received, parsed by Python's `email` package (policy.default), sorted by recipient.
        func messages() throws -> [[String: Any]] {
            let parser = """
                import email, json, os, sys
                from email import policy
                out = []
                folder = os.path.join(sys.argv[1], "new")
                for name in (os.listdir(folder) if os.path.isdir(folder) else []):
                    raw = open(os.path.join(folder, name), "rb").read()
                    m = email.message_from_bytes(raw, policy=policy.default)
                    to, sender = m["To"].addresses[0], m["From"].addresses[0]
                    out.append({"rcpt": m["X-RcptTo"], "toName": to.display_name, "toAddress": to.addr_spec,
                                "fromName": sender.display_name, "fromAddress": sender.addr_spec, "subject": str(m["Subject"]),
                                "dated": m["Date"].datetime is not None, "messageID": m["Message-ID"], "mime": m["MIME-Version"],
                                "type": m.get_content_type(), "charset": m.get_content_charset(), "encoding": m["Content-Transfer-Encoding"],
                                "body": m.get_content(), "raw7bit": all(b < 128 for b in raw)})
                print(json.dumps(sorted(out, key=lambda x: x["rcpt"])))
                """
            let result = try runTool(Self.python, ["-c", parser, maildir.path])
            guard result.status == 0, let messages = ProcessRunner.json(result.stdout) as? [[String: Any]] else {
                throw AdminWorld.Failure(description: "could not parse the maildir: \(result.stderr)")
            }
            return messages
        }
    }

    /// Debian's msmtp, with a private msmtprc in the test's directory (never /etc) relaying to `port`.
    static func msmtpCommand(port: Int, in directory: URL, name: String = "msmtprc") throws -> String {
        guard let msmtp = ["/usr/bin/msmtp", "/usr/local/bin/msmtp"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw AdminWorld.Failure(description: "the e-mail test needs Debian's msmtp: apt-get install msmtp (or bash scripts/install-deps.sh --interop)")
        }
        let rc = directory.appendingPathComponent(name)
        let settings = "defaults\nauth off\ntls off\naccount default\nhost 127.0.0.1\nport \(port)\nfrom privacy@example.org\n"
        _ = FileManager.default.createFile(atPath: rc.path, contents: Data(settings.utf8), attributes: [.posixPermissions: 0o600])
        return "\(msmtp) -C \(rc.path) -t"
    }

    static func mail(_ command: String) -> [String: String] {
        ["TRACKERD_MAIL_SENDMAIL": command, "TRACKERD_MAIL_FROM": "Datenschutz Büro <privacy@example.org>"]
    }

    /// Two customers whose names need encoded-words, the simulator and the daemon running, the notice written.
    static func world() async throws -> (AdminWorld, Simulation, URL) {
        let world = try AdminWorld()
        _ = try world.addCustomer(name: "Jürgen Łukasz 中村", email: "juergen@example.de", phone: phoneA)
        _ = try world.addCustomer(name: "Zoë Ñandú", email: "zoe@example.org", phone: phoneB)
        let simulation = try await world.startGateway(phones: [phoneA, phoneB], trackers: [])
        let notice = world.root.appendingPathComponent("notice.txt")
        try Data(text.utf8).write(to: notice)
        return (world, simulation, notice)
    }

    @Test func anAmendmentArrivesByMailWithEveryHeaderAndTheTextIntactAndBySMS() async throws {
        let (world, simulation, notice) = try await Self.world()
        let sink = try MailSink(in: world.root)
        let environment = Self.mail(try Self.msmtpCommand(port: sink.port, in: world.root))

        let result = try world.trackerd(["notify", "amendment", "--version", "v2", "--text", notice.path, "--subject", Self.subject], environment: environment)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "notified 2 customer(s) by e-mail, 2 by SMS\n")
        let messages = try sink.messages()
        #expect(messages.map { $0["rcpt"] as? String } == ["juergen@example.de", "zoe@example.org"])
        #expect(messages.map { $0["toName"] as? String } == ["Jürgen Łukasz 中村", "Zoë Ñandú"])
        #expect(messages.map { $0["toAddress"] as? String } == ["juergen@example.de", "zoe@example.org"])
        for message in messages {
            #expect(message["subject"] as? String == Self.subject)
            #expect(message["fromName"] as? String == "Datenschutz Büro")
            #expect(message["fromAddress"] as? String == "privacy@example.org")
            #expect(message["dated"] as? Bool == true)
            #expect((message["messageID"] as? String)?.hasSuffix("@example.org>") == true)
            #expect(message["mime"] as? String == "1.0")
            #expect(message["type"] as? String == "text/plain")
            #expect(message["charset"] as? String == "utf-8")
            #expect(message["encoding"] as? String == "quoted-printable")
            #expect(message["raw7bit"] as? Bool == true)
            #expect((message["body"] as? String)?.trimmingCharacters(in: .newlines) == Self.text)
        }
        #expect(Set(messages.compactMap { $0["messageID"] as? String }).count == 2)
        for phone in [Self.phoneA, Self.phoneB] {
            let inbox = await simulation.waitForInbox(of: phone, count: 1, timeout: .seconds(20)) ?? []
            #expect(inbox.map(\.text) == [Self.text])
        }
        let export = try #require(ProcessRunner.json(try world.ok(["customer", "export", "1"])) as? [String: Any])
        #expect((export["notices"] as? [String: Any])?["amendmentNotifiedAt"] is String)
        #expect(!world.daemonLog.contains("Grüße"), "the notice's text never reaches a log")

        // A breach notice goes the same way, to the affected customer only.
        _ = try world.ok(["breach", "record", "--discovered", ISO8601DateFormatter().string(from: Date()), "--summary", notice.path, "--customer", "2"])
        let breach = try world.trackerd(["breach", "notify", "1", "--text", notice.path], environment: environment)
        #expect(breach.status == 0, "\(breach.stderr)")
        let after = try sink.messages()
        #expect(Set(after.filter { $0["rcpt"] as? String == "zoe@example.org" }.compactMap { $0["subject"] as? String })
                == [Self.subject, "Important: a personal-data breach concerning your account"])
        #expect(after.count == 3)
        #expect(try world.ok(["breach", "list"]).contains("customers notified 1/1"))
    }

    @Test func anMTAThatFailsIsRetriedReportedPerCustomerAndNeverCountedUntilItAccepts() async throws {
        let (world, simulation, notice) = try await Self.world()
        let sink = try MailSink(in: world.root)
        // Port 1 on loopback: nothing listens, msmtp cannot connect and exits 75 (EX_TEMPFAIL).
        let broken = Self.mail(try Self.msmtpCommand(port: 1, in: world.root, name: "broken-msmtprc"))
        let arguments = ["notify", "amendment", "--version", "v2", "--text", notice.path, "--subject", Self.subject]

        let failed = try world.trackerd(arguments, environment: broken)

        #expect(failed.status == 1)
        #expect(failed.stdout == "notified 0 customer(s) by e-mail, 2 by SMS\n")
        #expect(failed.stderr == """
            trackerd: customer 1: e-mail not handed over: the MTA exited 75 (temporary failure) on 3 attempts
            trackerd: customer 2: e-mail not handed over: the MTA exited 75 (temporary failure) on 3 attempts
            trackerd: 2 customer(s) not fully notified; run the same command again to send the rest

            """)
        let export = try #require(ProcessRunner.json(try world.ok(["customer", "export", "1"])) as? [String: Any])
        #expect((export["notices"] as? [String: Any])?["amendmentNotifiedAt"] == nil, "a failed hand-off never counts as notified")
        let audit = try world.ok(["audit"])
        #expect(audit.components(separatedBy: "notice.email-failed").count == 3)
        #expect(!audit.contains("notice.amendment"))

        // The MTA is back: the same command sends the two e-mails and no SMS a second time.
        let retried = try world.trackerd(arguments, environment: Self.mail(try Self.msmtpCommand(port: sink.port, in: world.root)))
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout == "notified 2 customer(s) by e-mail, 0 by SMS\n")
        #expect(try sink.messages().count == 2)
        #expect(simulation.inbox(of: Self.phoneA)?.count == 1 && simulation.inbox(of: Self.phoneB)?.count == 1)
        #expect(try world.trackerd(["privacy-check"]).status == 0)
    }
}

/// Runs a system tool by absolute path (not one of ours) and captures both streams.
private func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
