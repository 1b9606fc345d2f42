import ArgumentParser
import TrackerGateway

extension Trackerd {
    /// `trackerd customer …` — manage customer accounts.
    struct Customer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage customer accounts.",
            subcommands: [Add.self])
    }
}

extension Trackerd.Customer {
    /// `trackerd customer add` — registers an adult customer with one or more phones; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a customer and print its id.")

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(help: "Full name.") var name: String
        @Option(help: "Postal address.") var address: String
        @Option(help: "E-mail address.") var email: String
        @Option(name: .customLong("phone"), help: ArgumentHelp("A phone that receives positions (repeatable).", valueName: "E164"))
        var phones: [String] = []
        @Flag(help: "Attest that the customer is an adult (required).") var adult = false
        @Option(name: .customLong("card-token"), help: "The payment processor's card token (never a card number).")
        var cardToken: String?
        @Option(name: .customLong("card-last4"), help: ArgumentHelp("The card's last four digits.", valueName: "NNNN"))
        var cardLast4: String?

        func run() throws {
            try CLIError.reporting {
                let form = NewCustomer(name: name, address: address, email: email, phones: phones,
                                       adultAttested: adult, cardToken: cardToken, cardLast4: cardLast4)
                let callingCode = try numbers.callingCode()
                let registry = try data.openRegistry()
                let id = try registry.addCustomer(form, defaultCallingCode: callingCode)
                try registry.close()
                print(id)
            }
        }
    }
}
