import GatewayDaemon
import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd phone …` — manage customers' phones.
    struct Phone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "phone",
            abstract: "Manage the phones that receive positions.",
            subcommands: [Add.self, Remove.self, List.self])
    }
}

extension Trackerd.Phone {
    /// `trackerd phone add` — adds a phone to an active customer; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a phone to a customer and print its id.",
            discussion: """
            A number is a phone or a tracker, never both, never the gateway's own, never twice.

            Examples:
              trackerd phone add --customer 12 --number "+49 170 1234567"
              trackerd phone add --customer 12 --number 0170/1234567 --default-region 49
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(name: .customLong("customer"), help: ArgumentHelp("The customer's id.", valueName: "id")) var customerID: Int64
        @Option(help: ArgumentHelp("The phone's number.", valueName: "E164")) var number: String

        func run() throws {
            let id = try data.withRegistry { registry in
                try registry.addPhone(customerID: customerID, number: number, defaultCallingCode: try numbers.callingCode())
            }
            print(id)
        }
    }

    /// `trackerd phone remove ID` — removes a phone and frees its number.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a phone; an active customer keeps at least one.",
            discussion: """
            Examples:
              trackerd phone remove 31
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The phone's id.", valueName: "id")) var id: Int64

        func run() throws {
            try data.withRegistry { registry in try registry.removePhone(id: id) }
            print("phone \(id) removed")
        }
    }

    /// `trackerd phone list` — phones with masked numbers.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List phones (numbers masked).",
            discussion: """
            A phone whose row cannot be read is named on stderr after the others; the exit code is then 65.

            Examples:
              trackerd phone list
              trackerd phone list --customer 12 --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("customer"), help: ArgumentHelp("Only this customer's phones.", valueName: "id")) var customerID: Int64?

        struct Row: Codable {
            var id: Int64
            var customer: Int64
            var number: String
            var consents: Bool
        }

        func run() throws {
            let listing = try data.withRegistry { registry in try registry.phoneListing(customerID: customerID) }
            let rows = listing.rows.map { Row(id: $0.id, customer: $0.customerID, number: NumberMask.mask($0.number), consents: $0.consents) }
            if output.json {
                print(try JSONOutput.string(rows))
            } else {
                for row in rows {
                    print("\(row.id)\tcustomer \(row.customer)\t\(row.number)" + (row.consents ? "" : "\tSTOP"))
                }
            }
            try UnreadableRows.report(listing.unreadable)
        }
    }
}
