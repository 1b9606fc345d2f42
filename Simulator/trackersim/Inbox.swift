import ArgumentParser
import Simulator

/// `trackersim inbox NUMBER`: what a virtual phone has received, oldest first.
struct Inbox: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a virtual phone has received, oldest first.",
        discussion: """
            Examples:
              trackersim inbox --control /tmp/sim/control.sock +15550002001
              trackersim inbox --json +15550002001
            """)

    @OptionGroup var options: ControlOptions

    @Argument(help: "The phone's number.")
    var number: String

    func run() throws {
        let reply = try options.send(["op": "inbox", "number": .string(number)])
        guard !options.json else { return }
        let messages = reply["messages"]?.arrayValue ?? []
        if messages.isEmpty { print("\(number): no messages") }
        for (position, message) in messages.enumerated() {
            let parts = message["parts"]?.intValue ?? 1
            print("\(position + 1). from \(message["from"]?.stringValue ?? "?") (\(parts) part\(parts == 1 ? "" : "s")):")
            for line in (message["text"]?.stringValue ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                print("   | \(line)")
            }
        }
    }
}
