import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd notify amendment` — a privacy-policy amendment by e-mail and SMS.
    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notify",
            abstract: "Send customers a privacy-policy amendment by e-mail and SMS.",
            discussion: """
            E-mail goes through the host's MTA (TRACKERD_MAIL_SENDMAIL, default \
            "/usr/sbin/sendmail -t -oi"; the sender is TRACKERD_MAIL_FROM, required: exit 78 \
            without it). SMS goes through the running daemon (exit 69 when it is not running) to \
            every consenting phone; a phone that texted STOP gets nothing. A customer counts as \
            notified once the MTA accepted the e-mail; an MTA that fails is retried, then reported \
            (one line per customer, exit 1) and never counted. The register keeps, per customer and \
            channel, when it was sent (never the text): running the same command again sends only \
            what was not sent. One notice run at a time per registry: while another gateway or host \
            sends notices, exit 75 and nothing sent. Breach notices are `trackerd breach notify`.
            """,
            subcommands: [Amendment.self])

        struct Amendment: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "amendment",
                abstract: "Notify every active customer of a privacy-policy amendment.",
                discussion: """
                A customer who terminates within 30 days of the day its e-mail was accepted is \
                marked as terminating under the amendment (no fee).

                Examples:
                  trackerd notify amendment --version 2026-12 \\
                      --text /etc/trackerd/amendment-2026-12.txt
                  TRACKERD_MAIL_FROM=privacy@example.org trackerd notify amendment \\
                      --version 2026-12 --text amendment.txt \\
                      --subject "Neue Datenschutzerklärung"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Option(help: ArgumentHelp("The policy's version tag (letters, digits, . _ -).", valueName: "V")) var version: String
            @OptionGroup var text: TextFileOptions
            @Option(help: ArgumentHelp("The e-mail's subject.", valueName: "text")) var subject: String?

            func run() throws {
                let tag = try CLIError.reporting { try Registry.validatedVersion(version) }
                let body = try text.read()
                try Notify.send(.amendment(version: tag), text: body, mailSubject: subject ?? "Our privacy policy changes (\(tag))", data: data)
            }
        }

        /// Sends `text` by e-mail and SMS to every customer that still needs it, and reports.
        ///
        /// Refuses before sending anything when mail is not configured (78), when another gateway
        /// or host is sending notices (75), or, if an SMS is still to go, when no daemon runs (69).
        static func send(_ notice: Registry.NoticeSubject, text: String, mailSubject: String, data: DataDirectoryOptions) throws {
            let (from, transport) = try CLIError.reporting { () -> (MailAddress, SendmailTransport) in
                let settings = try data.configFile.mailSettings()
                let from = try settings.requiredFrom()
                let transport = SendmailTransport(settings: settings)
                _ = try transport.executable()
                return (from, transport)
            }
            let mailSubject = try CLIError.reporting { try NoticeDispatch.validatedSubject(mailSubject) }
            let dispatched = try data.withRegistry { registry in
                // Once at a time across the gateways of a shared registry (issue #11): what is pending
                // is read inside the lock, so two operators never both send what neither has marked.
                try registry.exclusively(job: "notices") { () throws -> [NoticeDispatch.CustomerResult] in
                    let pending = try registry.pendingNotices(notice)
                    let client = DaemonClient(dataDirectory: data.resolvedDataDirectory())
                    let needsSMS = pending.contains(where: \.needsSMS)
                    if needsSMS { _ = try client.request(["op": "status"], timeout: .seconds(10)) }
                    let dispatch = NoticeDispatch(registry: registry, subject: notice, from: from, transport: transport)
                    return try dispatch.run(pending, text: text, mailSubject: mailSubject, sms: needsSMS ? { number, body in
                        do {
                            _ = try client.request(["op": "send", "to": number, "text": body])
                            return true
                        } catch let failure as CommandFailure where failure.exitCode == .findings {
                            return false
                        }
                    } : nil)
                }
            }
            guard let results = dispatched else {
                throw CommandFailure(exitCode: .temporaryFailure, message: "notices are being sent from another gateway or host now; run the same command again once it is done")
            }
            try report(results)
        }

        /// One summary line on stdout; one line per customer not notified on stderr, then exit 1.
        static func report(_ results: [NoticeDispatch.CustomerResult]) throws {
            let emailed = results.filter { $0.email == .sent }.count
            let before = results.filter { $0.email == .alreadySent }.count
            let texted = results.filter { $0.sms == .sent }.count
            let withoutPhone = results.filter { $0.sms == .none }.count
            var summary = "notified \(emailed) customer(s) by e-mail, \(texted) by SMS"
            if before > 0 { summary += "; \(before) had been notified before" }
            if withoutPhone > 0 { summary += "; \(withoutPhone) without a consenting phone" }
            print(summary)
            var failed = 0
            for result in results {
                var reasons: [String] = []
                switch result.email {
                case .failed(let reason): reasons.append("e-mail not handed over: \(reason)")
                case .notTried: reasons.append("e-mail not tried: the MTA had failed for several customers in a row")
                case .sent, .alreadySent, .none: break
                }
                if case .failed(let reason) = result.sms { reasons.append(reason) }
                guard !reasons.isEmpty else { continue }
                failed += 1
                FileHandle.standardError.write(Data("trackerd: customer \(result.customerID): \(reasons.joined(separator: "; "))\n".utf8))
            }
            if failed > 0 {
                throw CommandFailure(exitCode: .findings, message: "\(failed) customer(s) not fully notified; run the same command again to send the rest")
            }
        }
    }
}
