import GatewayDaemon
import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd config get|set|list` — settings kept in the registry, shared with the daemon.
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Read or change settings kept in the registry (the daemon reads them at each sweep).",
            discussion: """
            Keys:
              retention.after-termination  grace period before a terminated customer is purged (default 30d)
              retention.audit              age at which audit entries are deleted (default 90d)
              retention.sweep-interval     how often the daemon sweeps (default 1h, 1m to 1d)
              rights.deadline              time to answer a data-subject request (default 10d, 1d to 90d)
            Durations: a number and a unit d, h, m or s (30d, 12h, 90m); a bare number is days.

            Examples:
              trackerd config list
              trackerd config get retention.after-termination
              trackerd config set retention.after-termination 45d
            """,
            subcommands: [Get.self, Set.self, List.self])

        static func key(_ text: String) throws -> RetentionSettings.Key {
            guard let key = RetentionSettings.Key(rawValue: text) else {
                let known = (RetentionSettings.Key.allCases.map(\.rawValue) + [RightsSettings.deadlineKey]).joined(separator: ", ")
                throw CommandFailure(exitCode: .usage, message: "unknown setting '\(text)'; known: \(known)")
            }
            return key
        }

        struct Get: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one setting.", discussion: "Example:\n  trackerd config get retention.audit")
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The setting.", valueName: "key")) var key: String

            func run() throws {
                if key == RightsSettings.deadlineKey {
                    print(RetentionSettings.format(try data.withRegistry { registry in try registry.rightsDeadline() }))
                    return
                }
                let key = try Config.key(key)
                let settings = try data.withRegistry { registry in try registry.retentionSettings() }
                print(RetentionSettings.format(settings.value(for: key)))
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "set", abstract: "Change one setting (audited).", discussion: "Example:\n  trackerd config set retention.after-termination 45d")
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The setting.", valueName: "key")) var key: String
            @Argument(help: ArgumentHelp("The new value.", valueName: "value")) var value: String

            func run() throws {
                if key == RightsSettings.deadlineKey {
                    try data.withRegistry { registry in try registry.setRightsDeadline(value) }
                    return
                }
                let key = try Config.key(key)
                try data.withRegistry { registry in try registry.setRetention(key, to: value) }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Print every setting.", discussion: "Example:\n  trackerd config list --json")
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                let (settings, deadline) = try data.withRegistry { registry in (try registry.retentionSettings(), try registry.rightsDeadline()) }
                let values = RetentionSettings.Key.allCases.map { ($0.rawValue, RetentionSettings.format(settings.value(for: $0))) }
                    + [(RightsSettings.deadlineKey, RetentionSettings.format(deadline))]
                if output.json {
                    print(try JSONOutput.string(Dictionary(uniqueKeysWithValues: values)))
                } else {
                    for (key, value) in values { print("\(key)\t\(value)") }
                }
            }
        }
    }
}
