import ArgumentParser
import Simulator

/// `trackersim storage`: what the virtual modem holds in SM and ME, and where `+CPMS` points.
struct Storage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the messages the virtual modem holds and the storages selected.",
        discussion: """
            Examples:
              trackersim storage --control /tmp/sim/control.sock
              trackersim storage --modem +15550001112
            """)

    @OptionGroup var options: ControlOptions

    @Option(help: ArgumentHelp("The modem's own number (default: the first modem).", valueName: "number"))
    var modem: String?

    func run() throws {
        var request: [String: JSONValue] = ["op": "storage"]
        if let modem { request["modem"] = .string(modem) }
        let reply = try options.send(.object(request))
        guard !options.json else { return }
        if let preferred = reply["preferred"] {
            let names = ["read", "write", "receive"].map { "\($0) \(preferred[$0]?.stringValue ?? "?")" }
            print("\(reply["modem"]?.stringValue ?? "modem") selected: " + names.joined(separator: ", "))
        }
        let messages = reply["messages"]?.arrayValue ?? []
        print("\(messages.count) message\(messages.count == 1 ? "" : "s") stored")
        for message in messages {
            let storage = message["storage"]?.stringValue ?? "?"
            let index = message["index"]?.intValue.map(String.init) ?? "?"
            print("  \(storage) \(index)  \(message["status"]?.stringValue ?? "?")  \(message["sender"]?.stringValue ?? "")")
        }
    }
}
