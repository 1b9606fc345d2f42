import ArgumentParser
import Simulator

/// `trackersim modems`: every virtual modem on the network, one line each.
struct Modems: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the virtual modems: number, link, profile, storage, lines answered.",
        discussion: """
            Examples:
              trackersim modems --control /tmp/sim/control.sock
            """)

    @OptionGroup var options: ControlOptions

    func run() throws {
        let reply = try options.send(["op": "modems"])
        guard !options.json else { return }
        for modem in reply["modems"]?.arrayValue ?? [] {
            let preferred = modem["preferred"]
            let storages = ["read", "write", "receive"].map { preferred?[$0]?.stringValue ?? "?" }.joined(separator: "/")
            let fields = [
                modem["number"]?.stringValue ?? "?", modem["link"]?.stringValue ?? "?",
                "profile \(modem["profile"]?.stringValue ?? "?")", "storage \(storages)",
                "stored \(modem["stored"]?.intValue ?? 0)", "lines \(modem["command_lines"]?.intValue ?? 0)",
            ]
            print(fields.joined(separator: "  "))
        }
    }
}
