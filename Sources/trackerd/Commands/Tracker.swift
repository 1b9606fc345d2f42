import ArgumentParser
import TrackerGateway

extension TrackerModel: ExpressibleByArgument {}

extension Trackerd {
    /// `trackerd tracker …` — manage customers' trackers.
    struct Tracker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage GPS trackers.",
            subcommands: [Add.self])
    }
}

extension Trackerd.Tracker {
    /// `trackerd tracker add` — adds a tracker to an active customer; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a tracker to a customer and print its id.")

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(name: .customLong("customer"), help: ArgumentHelp("The customer's id.", valueName: "id")) var customerID: Int64
        @Option(help: ArgumentHelp("The tracker SIM's number.", valueName: "E164")) var number: String
        @Option(help: "The tracker's family.") var model: TrackerModel
        @Option(help: "The tracker's command password.") var password: String
        @Option(help: "A one-word name the customer uses with LOCATE.") var label: String?

        func run() throws {
            try CLIError.reporting {
                let form = NewTracker(customerID: customerID, number: number, model: model, password: password, label: label)
                let callingCode = try numbers.callingCode()
                let registry = try data.openRegistry()
                let id = try registry.addTracker(form, defaultCallingCode: callingCode)
                try registry.close()
                print(id)
            }
        }
    }
}
