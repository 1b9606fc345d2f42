import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd phone …` — manage customers' phones.
    struct Phone: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the phones that receive positions.",
            subcommands: [Add.self])
    }
}

extension Trackerd.Phone {
    /// `trackerd phone add` — adds a phone to an active customer; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a phone to a customer and print its id.")

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(name: .customLong("customer"), help: ArgumentHelp("The customer's id.", valueName: "id")) var customerID: Int64
        @Option(help: ArgumentHelp("The phone's number.", valueName: "E164")) var number: String

        func run() throws {
            try CLIError.reporting {
                let callingCode = try numbers.callingCode()
                let registry = try data.openRegistry()
                let id = try registry.addPhone(customerID: customerID, number: number, defaultCallingCode: callingCode)
                try registry.close()
                print(id)
            }
        }
    }
}
