import GatewayDaemon
import ATModem
import ArgumentParser
import Foundation
import Logging
import TrackerGateway

extension Trackerd {
    /// `trackerd run` — the daemon: relays tracker SMS to their owners' phones and keeps nothing.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the gateway daemon on one modem or a pool of modems.",
            discussion: """
            Opens each modem (a real serial device through libserialport, a pseudo-terminal \
            such as trackersim's link through termios) on a thread of its own, runs its start-up \
            sequence, relays what is already stored in every storage it offers, then each new \
            message. A pool is several --modem PATH=E164 (the gateway number of the SIM in it, \
            which the registry must hold: `trackerd gateway number add`), each with optional \
            pin=, receive=, baud=, flow-control= fields; --device and --own-number are the \
            one-modem form. Relays go out of any healthy modem, keyword replies out of the modem \
            that received the keyword. Logs (metadata only) go to stderr. SIGTERM or SIGINT \
            stops it: nothing that was not relayed is deleted.

            Examples:
              trackerd run --device /dev/ttyUSB2 --own-number +4917000000001
              trackerd run --modem /dev/ttyUSB2=+4917000000001,pin=1234 \\
                  --modem /dev/ttyUSB5=+4917000000002,receive=direct
            """
        )

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var modem: ModemOptions
        @OptionGroup var relay: RelayOptions

        @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
        var logLevel: String = "info"

        @Option(name: .customLong("modem"), help: ArgumentHelp("A modem of the pool: PATH=E164[,pin=P][,receive=storage|direct][,baud=N][,flow-control=none|rts-cts] (repeatable).", valueName: "spec"))
        var modemSpecs: [String] = []

        func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
            _ = try modemSetups()
        }

        /// The pool: every --modem, or the one --device/--own-number gives.
        func modemSetups() throws -> [ModemSetup] {
            let defaults = ModemSetup(device: "", number: "", serial: modem.serialSettings(), modem: modem.modemConfiguration())
            var setups: [ModemSetup] = []
            do {
                for spec in modemSpecs { setups.append(try ModemSpec.parse(spec, defaults: defaults)) }
                if let device = modem.device {
                    guard let number = relay.ownNumber else { throw ValidationError("--device needs --own-number (the gateway number of its SIM)") }
                    var one = defaults
                    one.device = device
                    one.number = number
                    setups.append(one)
                } else if relay.ownNumber != nil, modemSpecs.isEmpty {
                    throw ValidationError("--own-number needs --device (or give --modem PATH=E164)")
                }
                try ModemSpec.checkPool(setups)
            } catch let refusal as ModemSpec.Refusal {
                throw ValidationError(refusal.description)
            }
            return setups
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            let configuration = DaemonConfiguration(
                modems: try modemSetups(),
                dataDirectory: data.resolvedDataDirectory(),
                relay: relay.relayConfiguration(),
                healthProbeInterval: .seconds(modem.healthProbeSeconds),
                logLevel: level
            )
            let registry = try CLIError.reporting { try data.openRegistry() }
            let daemon: Daemon
            do {
                daemon = try CLIError.reporting { try Daemon(configuration: configuration, registry: registry, logger: Logger(label: "trackerd")) }
            } catch let running as DaemonAlreadyRunning {
                throw CommandFailure(exitCode: .temporaryFailure, message: running.description)
            }
            try await daemon.run()
        }
    }
}

/// The modem's device and how to talk to it.
struct ModemOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The one modem's device (e.g. /dev/ttyUSB2, or trackersim's link); --modem for a pool.", valueName: "path"))
    var device: String?

    @Option(help: "Baud rate.")
    var baud: Int = 115_200

    @Option(help: ArgumentHelp("Flow control: none or rts-cts.", valueName: "mode"))
    var flowControl: String = "none"

    @Option(help: ArgumentHelp("SIM PIN, when the SIM asks for one.", valueName: "pin"))
    var pin: String?

    @Option(help: ArgumentHelp("How messages arrive: storage (default, crash-safe) or direct (never stored on the SIM).", valueName: "mode"))
    var receive: String = "storage"

    @Option(help: ArgumentHelp("Seconds between health probes of an idle modem (one command line each).", valueName: "seconds"))
    var healthProbeSeconds: Int = 240

    func validate() throws {
        guard ModemConfiguration.ReceiveMode(rawValue: receive) != nil else { throw ValidationError("--receive must be storage or direct, not '\(receive)'") }
        guard SerialSettings.FlowControl(rawValue: flowControl) != nil else { throw ValidationError("--flow-control must be none or rts-cts") }
        guard baud > 0 else { throw ValidationError("--baud must be positive") }
        guard healthProbeSeconds >= 1 else { throw ValidationError("--health-probe-seconds must be at least 1") }
        if let pin, !(4...8).contains(pin.count) || !pin.allSatisfy(\.isASCIIDigit) {
            throw ValidationError("--pin must be 4 to 8 digits")
        }
    }

    func serialSettings() -> SerialSettings {
        SerialSettings(baudRate: baud, flowControl: SerialSettings.FlowControl(rawValue: flowControl) ?? .none)
    }

    func modemConfiguration() -> ModemConfiguration {
        ModemConfiguration(receiveMode: ModemConfiguration.ReceiveMode(rawValue: receive) ?? .storage, pin: pin)
    }
}

/// The relay's own number, age limit and rate limits.
struct RelayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway number of the --device modem's SIM (E.164); never relayed to.", valueName: "E164"))
    var ownNumber: String?

    @Option(help: ArgumentHelp("Drop a message not relayed within this many minutes.", valueName: "minutes"))
    var maxAge: Int = 10

    @Option(help: ArgumentHelp("Reports a tracker may have relayed per hour.", valueName: "count"))
    var trackerPerHour: Int = 30

    @Option(help: ArgumentHelp("Reports a tracker may send back to back.", valueName: "count"))
    var trackerBurst: Int = 10

    @Option(help: ArgumentHelp("Commands a phone may send per hour.", valueName: "count"))
    var phonePerHour: Int = 20

    @Option(help: ArgumentHelp("Commands a phone may send back to back.", valueName: "count"))
    var phoneBurst: Int = 5

    func validate() throws {
        guard maxAge >= 1 else { throw ValidationError("--max-age must be at least 1 minute") }
        guard [trackerPerHour, trackerBurst, phonePerHour, phoneBurst].allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("rate limits must let at least one message through")
        }
    }

    func relayConfiguration() -> RelayConfiguration {
        RelayConfiguration(
            ownNumber: ownNumber ?? "",
            maximumAge: .seconds(maxAge * 60),
            trackerRateLimit: RateLimit(burst: trackerBurst, perHour: trackerPerHour),
            phoneRateLimit: RateLimit(burst: phoneBurst, perHour: phonePerHour)
        )
    }
}
