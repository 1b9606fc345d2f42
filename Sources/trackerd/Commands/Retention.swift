import GatewayDaemon
import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd retention sweep [--dry-run]` — purge what retention says is due.
    struct Retention: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retention",
            abstract: "Apply the retention policy.",
            subcommands: [Sweep.self])

        struct Sweep: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "sweep",
                abstract: "Purge terminated customers past retention and old audit entries, now.",
                discussion: """
                A terminated customer is purged (crypto-shredded) once retention.after-termination \
                has passed since termination, unless a dispute is open; audit entries older than \
                retention.audit are deleted. The daemon does the same every retention.sweep-interval. \
                Configure with `trackerd config set` (defaults 30d, 90d, 1h). Each purge is one \
                audit entry.

                Examples:
                  trackerd retention sweep --dry-run
                  trackerd retention sweep --json
                """)

            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Flag(name: .customLong("dry-run"), help: "List what would be purged; change nothing.") var dryRun = false

            func run() throws {
                let swept = try data.withRegistry { registry -> SweepReport? in
                    let policy = try registry.retentionSettings().policy
                    if dryRun { return try registry.sweepPlan(policy: policy) }
                    // The job a gateway's daemon runs too: once at a time across every gateway.
                    return try registry.exclusively(job: "retention") { try registry.runSweep(policy: policy) }
                }
                guard let report = swept else {
                    throw CommandFailure(exitCode: .temporaryFailure, message: "a gateway is running the retention sweep now; try again in a minute")
                }
                if output.json {
                    print(try JSONOutput.string(report))
                    return
                }
                let verb = dryRun ? "would purge" : "purged"
                let ids = report.customerIDs.map(String.init).joined(separator: ", ")
                print("\(verb) \(report.customerIDs.count) customer(s)" + (ids.isEmpty ? "" : ": \(ids)"))
                print("\(verb) \(report.auditEntries) audit entr\(report.auditEntries == 1 ? "y" : "ies")")
            }
        }
    }
}
