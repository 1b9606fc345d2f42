import ArgumentParser

/// `trackersim`: the simulator (`serve`, the default) and a small client of its control socket.
@main
struct TrackerSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackersim",
        abstract: "Virtual GSM modems on ptys, with virtual trackers and phones behind them.",
        discussion: """
            Without a subcommand it serves, as `trackersim serve` does. The other subcommands
            talk to a running simulator through its control socket (--control, or the
            TRACKERSIM_CONTROL environment variable).

            Examples:
              trackersim --link /tmp/sim/modem --control /tmp/sim/control.sock \\
                  --phone +15550002001 --tracker +15550003001:tk103:123456
              trackersim send --control /tmp/sim/control.sock \\
                  --from +15550003001 --text 'help me!'
              trackersim inbox --control /tmp/sim/control.sock +15550002001
              trackersim fault --control /tmp/sim/control.sock drop --ms 2000
              trackersim stats --control /tmp/sim/control.sock
            """,
        subcommands: [Serve.self, Send.self, Inbox.self, Fault.self, Storage.self, Stats.self, Modems.self],
        defaultSubcommand: Serve.self)
}
