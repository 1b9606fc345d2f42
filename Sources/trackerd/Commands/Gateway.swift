import GatewayDaemon
import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd gateway number add|remove|list` — the gateway's own numbers, kept in the registry.
    struct Gateway: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gateway",
            abstract: "Manage the gateway's own numbers (the numbers of its modems' SIMs).",
            subcommands: [Number.self])
    }
}

extension Trackerd.Gateway {
    /// `trackerd gateway number …` — issue #10: gateway numbers are registry facts.
    struct Number: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "number",
            abstract: "Add, remove or list the gateway's own numbers.",
            discussion: """
            The registry is the one source of truth for them: none can be registered as a phone or \
            a tracker, nothing is relayed to one, and `trackerd run --own-number` refuses a number \
            that is not listed here. `init --own-number` adds the first. Every change is audited.
            """,
            subcommands: [Add.self, Remove.self, List.self])
    }
}

extension Trackerd.Gateway.Number {
    /// `trackerd gateway number add E164` — prints the number in E.164.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a gateway number and print it in E.164.",
            discussion: """
            Refused when the number is a phone's, a tracker's or already a gateway number.

            Examples:
              trackerd gateway number add +4917000000002
              trackerd gateway number add 0170-0000002 --default-region 49
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions
        @Argument(help: ArgumentHelp("The SIM's number.", valueName: "E164")) var number: String

        func run() throws {
            let e164 = try data.withRegistry { registry in
                try registry.addGatewayNumber(number, defaultCallingCode: try numbers.callingCode())
            }
            print(e164)
        }
    }

    /// `trackerd gateway number remove E164`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a gateway number; trackers stop counting it among the numbers they know.",
            discussion: """
            Stop the daemon's use of the number (its modem) first: `run` refuses a number that is \
            not a gateway number.

            Examples:
              trackerd gateway number remove +4917000000002
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The number to remove.", valueName: "E164")) var number: String

        func run() throws {
            try data.withRegistry { registry in try registry.removeGatewayNumber(number) }
            print("gateway number removed")
        }
    }

    /// `trackerd gateway number list` — the operator's own numbers, in clear (they are not PII).
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the gateway numbers, in the order they were added.",
            discussion: """
            Examples:
              trackerd gateway number list
              trackerd gateway number list --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let numbers = try data.withRegistry { registry in try registry.gatewayNumbers() }
            if output.json {
                print(try JSONOutput.string(numbers))
            } else {
                for number in numbers { print(number) }
            }
        }
    }
}
