import ArgumentParser
import Simulator

/// `trackersim fault KIND`: makes the virtual modem misbehave the way real modems do.
struct Fault: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the virtual modem misbehave as real modems do.",
        discussion: """
            KIND is drop (--ms: hang up, reopen after), cms-error (--count, --code),
            hang (--ms), garble (--count), urc-noise (--count), storage-full,
            storage-ok (ends storage-full) or pin-locked.

            Examples:
              trackersim fault --control /tmp/sim/control.sock drop --ms 2000
              trackersim fault cms-error --count 3 --code 500
              trackersim fault storage-full --modem +15550001112
            """)

    @OptionGroup var options: ControlOptions

    @Argument(help: "drop, cms-error, hang, garble, urc-noise, storage-full, storage-ok or pin-locked.")
    var kind: String

    @Option(help: "Milliseconds, for drop (until the link reopens) and hang.")
    var ms: Int?

    @Option(help: "How many commands or lines, for cms-error, garble and urc-noise (default 1).")
    var count: Int?

    @Option(help: "The +CMS ERROR code, for cms-error (default 500).")
    var code: Int?

    @Option(help: ArgumentHelp("The modem's own number (default: the first modem).", valueName: "number"))
    var modem: String?

    func run() throws {
        var request: [String: JSONValue] = ["op": "fault", "kind": .string(kind)]
        if let ms { request["ms"] = .number(Double(ms)) }
        if let count { request["count"] = .number(Double(count)) }
        if let code { request["code"] = .number(Double(code)) }
        if let modem { request["modem"] = .string(modem) }
        _ = try options.send(.object(request))
        if !options.json { print("fault: \(kind)") }
    }
}
