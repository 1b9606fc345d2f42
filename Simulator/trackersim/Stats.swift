import ArgumentParser
import Simulator

/// `trackersim stats`: the network's and the modem's counters.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the network's and the virtual modem's counters.",
        discussion: """
            command_lines counts the AT command lines the modem answered: what a client
            polling an idle modem costs it.

            Examples:
              trackersim stats --control /tmp/sim/control.sock
              trackersim stats --json
            """)

    @OptionGroup var options: ControlOptions

    func run() throws {
        let reply = try options.send(["op": "stats"])
        guard !options.json, case .object(let fields) = reply else { return }
        for key in fields.keys.sorted() where key != "ok" {
            let value = fields[key]
            print("\(key): \(value?.intValue.map(String.init) ?? value?.stringValue ?? value.map(\.jsonLine) ?? "")")
        }
    }
}
