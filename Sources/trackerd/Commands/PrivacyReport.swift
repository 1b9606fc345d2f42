import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd privacy-report [--out FILE]` — the record of processing as a self-contained HTML page.
    struct PrivacyReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy-report",
            abstract: "Write the record of processing (GDPR Art. 30) as one HTML page to print or file.",
            discussion: """
            Data categories, purposes, recipients, retention periods and the safeguards in force, \
            read from the live schema and settings; the open requests and breaches with their \
            clocks; today's privacy-check findings. Counts, ids, kinds and dates only — no name, \
            address, e-mail address or number. --out creates a new file with mode 0600.

            Examples:
              trackerd privacy-report --out /root/privacy-report-2026-12.html
              trackerd privacy-report > report.html
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: ArgumentHelp("Write to this new file instead of stdout.", valueName: "file")) var out: String?

        func run() throws {
            let directory = data.resolvedDataDirectory()
            let zone = RightsDates.operatorTimeZone()
            let fileFindings = try CLIError.reporting { try PrivacyCheck.scanFiles(in: directory) }
            let mail = try? data.configFile.mailSettings()
            let page = try data.withRegistry { registry in
                let findings = fileFindings + (try PrivacyCheck.run(dataDirectory: directory, registry: registry, timeZone: zone))
                    .filter { !fileFindings.contains($0) }
                return PrivacyReport.render(
                    facts: try registry.processingFacts(), findings: findings,
                    setup: PrivacyReport.Setup(dataDirectory: directory.path, sendmail: mail?.sendmail, mailFromConfigured: mail?.from != nil),
                    now: registry.currentTime(), timeZone: zone)
            }
            if let out {
                try CLIError.reporting { try SecureFile.createPrivate(out, contents: Array(page.utf8)) }
            } else {
                print(page, terminator: "")
            }
        }
    }
}
