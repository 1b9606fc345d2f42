import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd audit [--since DATE] [--customer ID]` — the metadata-only audit log.
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Print the audit log: who, when, what, which customer — never PII, never a message.",
            discussion: """
            Entries are kept for retention.audit (default 90 days; `trackerd config set retention.audit 60d`).

            Examples:
              trackerd audit
              trackerd audit --since 2026-11-01 --customer 12
              trackerd audit --since 2026-11-01T08:00:00Z --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions
        @Option(help: ArgumentHelp("Only entries at or after this date (YYYY-MM-DD, UTC, or ISO 8601).", valueName: "date")) var since: String?
        @Option(name: .customLong("customer"), help: ArgumentHelp("Only entries about this customer.", valueName: "id")) var customerID: Int64?

        static func parseDate(_ text: String) -> Date? {
            let full = ISO8601DateFormatter()
            if let date = full.date(from: text) { return date }
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            return day.date(from: text)
        }

        func run() throws {
            var sinceDate: Date?
            if let since {
                guard let date = Self.parseDate(since) else {
                    throw CommandFailure(exitCode: .usage, message: "--since: expected YYYY-MM-DD or an ISO 8601 time such as 2026-11-01T08:00:00Z")
                }
                sinceDate = date
            }
            let entries = try data.withRegistry { registry in try registry.auditEntries(since: sinceDate, customerID: customerID) }
            if output.json {
                print(try JSONOutput.string(entries))
                return
            }
            let dates = ISO8601DateFormatter()
            for entry in entries {
                var line = "\(dates.string(from: entry.at))\t\(entry.actor)\t\(entry.action.rawValue)"
                if let customer = entry.customerID { line += "\tcustomer \(customer)" }
                if let subject = entry.subjectID { line += "\t#\(subject)" }
                print(line)
            }
        }
    }
}
