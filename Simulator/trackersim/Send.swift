import ArgumentParser
import Simulator

/// `trackersim send`: a phone or tracker on the virtual network texts the modem.
struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send an SMS from a phone or tracker to the virtual modem.",
        discussion: """
            A long text arrives as concatenated parts, as a real network delivers it.

            Examples:
              trackersim send --control /tmp/sim/control.sock \\
                  --from +15550003001 --text 'help me!'
              trackersim send --from +15550002001 --text LOCATE --to +15550001112
            """)

    @OptionGroup var options: ControlOptions

    @Option(help: ArgumentHelp("The sender's number.", valueName: "number"))
    var from: String

    @Option(help: "The message text.")
    var text: String

    @Flag(help: "Send as UCS-2 even when the text fits the GSM alphabet.")
    var ucs2 = false

    @Option(help: ArgumentHelp("The modem it goes to, by its own number (default: the first).", valueName: "number"))
    var to: String?

    func run() throws {
        var request: [String: JSONValue] = ["op": "send", "from": .string(from), "text": .string(text)]
        if ucs2 { request["ucs2"] = true }
        if let to { request["to"] = .string(to) }
        let reply = try options.send(.object(request))
        guard !options.json else { return }
        let parts = reply["parts"]?.intValue ?? 1
        print("sent: \(parts) part\(parts == 1 ? "" : "s") from \(from)")
    }
}
