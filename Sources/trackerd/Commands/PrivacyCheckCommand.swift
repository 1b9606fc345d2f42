import GatewayDaemon
import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd privacy-check` — a report on the invariants at rest; exit 1 on any finding.
    struct PrivacyCheckCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "privacy-check",
            abstract: "Check file modes, that no file holds a location, and that retention is kept.",
            discussion: """
            Findings: a file or the directory readable by group or others; a file in the data \
            directory holding something shaped like a coordinate pair or a map link; a customer \
            past retention.after-termination without a dispute; audit entries older than \
            retention.audit; a data-subject request due within 2 days or overdue, or verified a day \
            ago and still open; a breach without its authority decision (72 h) or with customers \
            not yet notified; a customer never sent an amendment that went to others. Dates in the \
            zone of TZ. Exit 0 clean, 1 findings.

            Examples:
              trackerd privacy-check
              trackerd privacy-check --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let directory = data.resolvedDataDirectory()
            // Modes are checked before the registry opens, since opening refuses a readable file.
            let fileFindings = try CLIError.reporting { try PrivacyCheck.scanFiles(in: directory) }
            var findings = fileFindings
            if fileFindings.allSatisfy({ $0.kind != .fileMode }) {
                findings += try data.withRegistry { registry in try PrivacyCheck.run(dataDirectory: directory, registry: registry, timeZone: RightsDates.operatorTimeZone()) }
                    .filter { finding in !fileFindings.contains(finding) }
            }
            if output.json {
                print(try JSONOutput.string(findings))
            } else if findings.isEmpty {
                print("privacy check: no findings")
            } else {
                for finding in findings { print(finding.description) }
                print("privacy check: \(findings.count) finding(s)")
            }
            if !findings.isEmpty { throw CommandFailure(exitCode: .findings, message: "privacy check found \(findings.count) problem(s)") }
        }
    }
}
