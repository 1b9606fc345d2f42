import ArgumentParser
import Simulator

/// `trackersim storage`: what the virtual modem holds in SM and ME, and where `+CPMS` points.
struct Storage: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the messages the virtual modem holds and the storages selected.",
        discussion: """
            Examples:
              trackersim storage --control /tmp/sim/control.sock
            """)

    @OptionGroup var options: ControlOptions

    func run() throws {
        let reply = try options.send(["op": "storage"])
        guard !options.json else { return }
        if let preferred = reply["preferred"] {
            let names = ["read", "write", "receive"].map { "\($0) \(preferred[$0]?.stringValue ?? "?")" }
            print("selected: " + names.joined(separator: ", "))
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
