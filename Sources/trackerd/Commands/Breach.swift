import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd breach record|notify|reported|list|show` — the breach register and its two clocks.
    struct Breach: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "breach",
            abstract: "Document personal-data breaches, notify the customers, record the authority's report.",
            discussion: """
            GDPR Art. 33: the supervisory authority is told within 72 hours of discovery (or the \
            reason it need not be is documented); Art. 34: the affected customers without undue \
            delay, by e-mail and SMS (`breach notify`, which replaces `notify breach`). Both clocks \
            show in `breach list` and `privacy-check`. The summary, the authority's name and the \
            reason are sealed. Dates are ISO 8601, in the zone of TZ unless they name one.
            """,
            subcommands: [Record.self, Notify.self, Reported.self, List.self, Show.self])

        static func line(_ breach: BreachRecord, now: Date) -> String {
            let zone = Request.zone
            var authority = breach.authorityClock(at: now).rawValue.uppercased()
            if let at = breach.authorityAt {
                authority += " \(RightsDates.display(at, timeZone: zone))"
            } else {
                authority += " (by \(RightsDates.display(breach.authorityDue, timeZone: zone)))"
            }
            return ["\(breach.id)", "discovered \(RightsDates.display(breach.discoveredAt, timeZone: zone))", "authority \(authority)",
                    "customers notified \(breach.customersNotified)/\(breach.customersOnFile)"].joined(separator: "\t")
        }

        /// A breach as `--json` prints it, with its authority clock now.
        struct Row: Encodable {
            var breach: BreachRecord
            var authorityClock: BreachAuthorityClock

            enum Keys: String, CodingKey { case authorityClock, authorityDue }

            func encode(to encoder: any Encoder) throws {
                try breach.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(authorityClock, forKey: .authorityClock)
                try container.encode(breach.authorityDue, forKey: .authorityDue)
            }
        }

        /// Reads a UTF-8 text file for `option`, refusing a missing, empty or oversized one.
        static func readText(_ path: String, option: String, maximumCharacters: Int) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(exitCode: FileManager.default.fileExists(atPath: path) ? .permission : .noInput, message: "\(option): cannot read \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure(exitCode: .dataError, message: "\(option): \(path) is not UTF-8") }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw CommandFailure(exitCode: .dataError, message: "\(option): \(path) is empty") }
            guard trimmed.count <= maximumCharacters else { throw CommandFailure(exitCode: .dataError, message: "\(option): longer than \(maximumCharacters) characters") }
            return trimmed
        }

        struct Record: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "record",
                abstract: "Document a breach; prints its id and the authority's deadline.",
                discussion: """
                Examples:
                  trackerd breach record --discovered 2026-12-01T09:30 \\
                      --summary /root/breach-2026-12.txt --customer 12 --customer 14
                """)
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Option(help: ArgumentHelp("When the breach became known (ISO 8601).", valueName: "datetime")) var discovered: String
            @Option(help: ArgumentHelp("File with what happened, which data, the likely consequences, the measures (sealed).", valueName: "file")) var summary: String
            @Option(name: .customLong("customer"), help: ArgumentHelp("An affected customer (repeatable).", valueName: "id")) var customerIDs: [Int64] = []

            func run() throws {
                let discoveredAt = try CLIError.reporting { try RightsDates.parse(discovered, field: "--discovered", timeZone: Request.zone) }
                let text = try Breach.readText(summary, option: "--summary", maximumCharacters: 10_000)
                let (breach, now) = try data.withRegistry { registry in
                    (try registry.recordBreach(discoveredAt: discoveredAt, summary: text, customerIDs: customerIDs), registry.currentTime())
                }
                if output.json {
                    print(try JSONOutput.string(Row(breach: breach, authorityClock: breach.authorityClock(at: now))))
                    return
                }
                let overdue = breach.authorityClock(at: now) == .overdue ? " (already OVERDUE)" : ""
                print("breach \(breach.id) recorded; tell the supervisory authority by \(RightsDates.display(breach.authorityDue, timeZone: Request.zone))\(overdue)")
            }
        }

        struct Notify: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "notify",
                abstract: "Send the affected customers the breach notice by e-mail and SMS.",
                discussion: """
                Mail and SMS as for `trackerd notify amendment`: each customer counts as notified \
                once the MTA accepted its e-mail; running it again sends only what was not sent; \
                exit 75 while another gateway or host is sending notices.

                Examples:
                  trackerd breach notify 3 --text /root/breach-notice.txt
                  trackerd breach notify 3 --text notice.txt --subject "Wichtig: Datenpanne"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The breach's id.", valueName: "id")) var id: Int64
            @OptionGroup var text: TextFileOptions
            @Option(help: ArgumentHelp("The e-mail's subject.", valueName: "text")) var subject: String?

            func run() throws {
                let body = try text.read()
                try Trackerd.Notify.send(.breach(id: id), text: body, mailSubject: subject ?? "Important: a personal-data breach concerning your account", data: data)
            }
        }

        struct Reported: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "reported",
                abstract: "Record when the supervisory authority was told, or why no report is needed.",
                discussion: """
                Examples:
                  trackerd breach reported 3 --authority "LDI NRW" --at 2026-12-02T11:00
                  trackerd breach reported 4 \\
                      --not-required "encrypted backup, key not affected"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The breach's id.", valueName: "id")) var id: Int64
            @Option(help: ArgumentHelp("The authority that was told.", valueName: "name")) var authority: String?
            @Option(help: ArgumentHelp("When it was told (ISO 8601).", valueName: "datetime")) var at: String?
            @Option(name: .customLong("not-required"), help: ArgumentHelp("Why no report is needed (Art. 33(1)).", valueName: "reason")) var notRequired: String?

            func run() throws {
                let decision: AuthorityDecision
                let text: String
                var time: Date?
                switch (authority, at, notRequired) {
                case (let name?, let at?, nil):
                    decision = .reported
                    text = name
                    time = try CLIError.reporting { try RightsDates.parse(at, field: "--at", timeZone: Request.zone) }
                case (nil, nil, let reason?):
                    decision = .notRequired
                    text = reason
                default:
                    throw CommandFailure(exitCode: .usage, message: "give --authority NAME with --at DATETIME, or --not-required REASON")
                }
                let (breach, now) = try data.withRegistry { registry in
                    (try registry.recordAuthority(breachID: id, decision: decision, text: text, at: time), registry.currentTime())
                }
                print("breach \(id): \(breach.authorityClock(at: now).rawValue)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List breaches with their clocks (no summaries).",
                discussion: "Examples:\n  trackerd breach list\n  trackerd breach list --json")
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                let (breaches, now) = try data.withRegistry { registry in (try registry.breaches(), registry.currentTime()) }
                if output.json {
                    print(try JSONOutput.string(breaches.map { Row(breach: $0, authorityClock: $0.authorityClock(at: now)) }))
                    return
                }
                for breach in breaches { print(Breach.line(breach, now: now)) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Show one breach with its summary and each customer's notice (recorded in the audit log).",
                discussion: "Example:\n  trackerd breach show 3")
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Argument(help: ArgumentHelp("The breach's id.", valueName: "id")) var id: Int64

            func run() throws {
                let (details, now) = try data.withRegistry { registry in (try registry.breachDetails(id: id), registry.currentTime()) }
                if output.json {
                    print(try JSONOutput.string(details))
                    return
                }
                let zone = Request.zone
                var lines = [Breach.line(details.breach, now: now)]
                if let authority = details.authority { lines.append("authority: \(authority)") }
                lines.append("summary:   " + (details.summary ?? "(erased with the customer)"))
                for delivery in details.deliveries {
                    let email = delivery.emailSentAt.map { "e-mail \(RightsDates.display($0, timeZone: zone))" } ?? "e-mail not sent (\(delivery.emailAttempts) failed)"
                    let sms = delivery.smsSentAt.map { "SMS \(RightsDates.display($0, timeZone: zone))" } ?? "no SMS"
                    lines.append("customer \(delivery.customerID): " + (delivery.erased ? "erased" : "\(email), \(sms)"))
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
