import ArgumentParser
import Simulator

/// `trackersim stats`: the network's and the modem's counters.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the network's and the virtual modem's counters.",
        discussion: """
            The counters of one modem (submitted, delivered, refused, pending, status
            reports, command_lines) are the chosen modem's; the others are the network's.
            command_lines counts the AT command lines the modem answered: what a client
            polling an idle modem costs it.

            Examples:
              trackersim stats --control /tmp/sim/control.sock
              trackersim stats --json --modem +15550001112
            """)

    @OptionGroup var options: ControlOptions

    @Option(help: ArgumentHelp("The modem's own number (default: the first modem).", valueName: "number"))
    var modem: String?

    func run() throws {
        var request: [String: JSONValue] = ["op": "stats"]
        if let modem { request["modem"] = .string(modem) }
        let reply = try options.send(.object(request))
        guard !options.json, case .object(let fields) = reply else { return }
        for key in fields.keys.sorted() where key != "ok" {
            let value = fields[key]
            print("\(key): \(value?.intValue.map(String.init) ?? value?.stringValue ?? value.map(\.jsonLine) ?? "")")
        }
    }
}
