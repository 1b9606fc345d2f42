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
            commandName: "run",
            abstract: "Run the gateway daemon on one modem or a pool of modems.",
            discussion: """
            Opens each modem (a real serial device through libserialport, a pseudo-terminal \
            such as trackersim's link through termios) on a thread of its own, runs its start-up \
            sequence, relays what is already stored in every storage it offers, then each new \
            message. A pool is several --modem PATH=E164 (the gateway number of the SIM in it, \
            which the registry must hold: `trackerd gateway number add`), each with optional \
            pin=, receive=, baud=, flow-control= fields; --device and --own-number are the \
            one-modem form; either replaces the config file's modems. Relays go out of any \
            healthy modem, keyword replies out of the modem that received the keyword. Logs \
            (metadata only) go to stderr, with journald priorities under systemd. SIGTERM or \
            SIGINT stops it: nothing that was not relayed is deleted.

            Settings come from the command line, then TRACKERD_* variables, then the config \
            file (--config, TRACKERD_CONFIG or /etc/trackerd/trackerd.yaml), then defaults. \
            --check-config prints the result with secrets masked and starts nothing.

            Examples:
              trackerd run
              trackerd run --config /etc/trackerd/trackerd.yaml --check-config
              trackerd run --device /dev/ttyUSB2 --own-number +4917000000001
              trackerd run --modem /dev/ttyUSB2=+4917000000001,pin=1234 \\
                  --modem /dev/ttyUSB5=+4917000000002,receive=direct
            """
        )

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var modem: ModemOptions
        @OptionGroup var relay: RelayOptions

        @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical (env: TRACKERD_LOG_LEVEL; default info).", valueName: "level"))
        var logLevel: String?

        @Option(help: ArgumentHelp("Serve Prometheus metrics at http://ADDRESS/metrics: a port (loopback) or host:port (env: TRACKERD_METRICS_LISTEN; default off).", valueName: "address"))
        var metricsListen: String?

        @Flag(help: "Check the configuration, print it with secrets masked, and start nothing.")
        var checkConfig = false

        @Option(name: .customLong("modem"), help: ArgumentHelp("A modem of the pool: PATH=E164[,pin=P][,receive=storage|direct][,baud=N][,flow-control=none|rts-cts] (repeatable).", valueName: "spec"))
        var modemSpecs: [String] = []

        func validate() throws {
            if let logLevel { guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") } }
            if let metricsListen {
                do { _ = try ListenAddress(parsing: metricsListen) } catch { throw ValidationError("--metrics-listen \(error)") }
            }
            if modem.device == nil, modemSpecs.isEmpty, modem.setsModemFields {
                throw ValidationError("--baud, --flow-control, --pin and --receive need --device or --modem (or set them in the config file's modems)")
            }
            _ = try commandLineModems()
        }

        /// The pool the command line gives: every --modem, then the one --device/--own-number
        /// gives; nil when it gives none, so the config file's modems stay.
        func commandLineModems() throws -> [ModemSetup]? {
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
                } else if relay.ownNumber != nil {
                    throw ValidationError("--own-number needs --device (or give --modem PATH=E164)")
                }
                if setups.isEmpty { return nil }
                try ModemSpec.checkPool(setups)
            } catch let refusal as ModemSpec.Refusal {
                throw ValidationError(refusal.description)
            }
            return setups
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let effective = try mergedConfiguration(environment: environment)
            let configuration: DaemonConfiguration
            do {
                configuration = try effective.daemonConfiguration()
            } catch {
                throw CommandFailure(exitCode: .configuration, message: error.description)
            }
            if checkConfig {
                print(effective.rendered, terminator: "")
                return
            }
            let level = configuration.logLevel
            let journal = JournalLogHandler.standardErrorIsJournal(environment: environment)
            LoggingSystem.bootstrap { label in
                if journal { return JournalLogHandler(logLevel: level) }
                var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
                handler.logLevel = level
                return handler
            }
            let registry = try CLIError.reporting { try data.openRegistry() }
            let daemon: Daemon
            do {
                daemon = try CLIError.reporting { try Daemon(configuration: configuration, registry: registry, logger: Logger(label: "trackerd")) }
            } catch let running as DaemonAlreadyRunning {
                throw CommandFailure(exitCode: .temporaryFailure, message: running.description)
            }
            do {
                try await daemon.run(operations: OperationsConfiguration(metricsListen: effective.metricsListen, environment: environment))
            } catch let error as MetricsServerError {
                throw CommandFailure(exitCode: .configuration, message: error.description)
            }
        }

        /// Issue 12's precedence in one place: these flags over `TRACKERD_…` over the config file
        /// over the defaults. Flags not given are nil, so they never hide the file's values.
        func mergedConfiguration(environment: [String: String]) throws -> EffectiveConfiguration {
            var flags = GatewayConfiguration(
                dataDirectory: data.dataDirectory,
                relay: relay.relayValues(),
                metricsListen: try metricsListen.map { try ListenAddress(parsing: $0) },
                logLevel: logLevel.flatMap(Logger.Level.init(rawValue:)),
                healthProbeSeconds: modem.healthProbeSeconds)
            if let setups = try commandLineModems() {
                flags.modems = setups.map(GatewayConfiguration.Modem.init(setup:))
            }
            return try data.configFile.effective(commandLine: flags, environment: environment)
        }
    }
}

/// The modem's device and how to talk to it.
struct ModemOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The one modem's device (e.g. /dev/ttyUSB2, or trackersim's link); --modem for a pool. Either replaces the config file's modems.", valueName: "path"))
    var device: String?

    @Option(help: "Baud rate (default 115200).")
    var baud: Int?

    @Option(help: ArgumentHelp("Flow control: none (default) or rts-cts.", valueName: "mode"))
    var flowControl: String?

    @Option(help: ArgumentHelp("SIM PIN, when the SIM asks for one.", valueName: "pin"))
    var pin: String?

    @Option(help: ArgumentHelp("How messages arrive: storage (default, crash-safe) or direct (never stored on the SIM).", valueName: "mode"))
    var receive: String?

    @Option(help: ArgumentHelp("Seconds between health probes of an idle modem (one command line each; default 240).", valueName: "seconds"))
    var healthProbeSeconds: Int?

    func validate() throws {
        if let receive, ModemConfiguration.ReceiveMode(rawValue: receive) == nil { throw ValidationError("--receive must be storage or direct, not '\(receive)'") }
        if let flowControl, SerialSettings.FlowControl(rawValue: flowControl) == nil { throw ValidationError("--flow-control must be none or rts-cts") }
        if let baud, baud <= 0 { throw ValidationError("--baud must be positive") }
        if let healthProbeSeconds, healthProbeSeconds < 1 { throw ValidationError("--health-probe-seconds must be at least 1") }
        if let pin, !(4...8).contains(pin.count) || !pin.allSatisfy(\.isASCIIDigit) {
            throw ValidationError("--pin must be 4 to 8 digits")
        }
    }

    /// Whether a per-modem flag is given, which needs --device or --modem to apply to.
    var setsModemFields: Bool { baud != nil || flowControl != nil || pin != nil || receive != nil }

    func serialSettings() -> SerialSettings {
        SerialSettings(baudRate: baud ?? 115_200, flowControl: flowControl.flatMap(SerialSettings.FlowControl.init(rawValue:)) ?? .none)
    }

    func modemConfiguration() -> ModemConfiguration {
        ModemConfiguration(receiveMode: receive.flatMap(ModemConfiguration.ReceiveMode.init(rawValue:)) ?? .storage, pin: pin)
    }
}

/// The relay's own number, age limit and rate limits; unset ones come from the config file.
struct RelayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The gateway number of the --device modem's SIM (E.164); never relayed to.", valueName: "E164"))
    var ownNumber: String?

    @Option(help: ArgumentHelp("Drop a message not relayed within this many minutes (default 10).", valueName: "minutes"))
    var maxAge: Int?

    @Option(help: ArgumentHelp("Reports a tracker may have relayed per hour (default 30).", valueName: "count"))
    var trackerPerHour: Int?

    @Option(help: ArgumentHelp("Reports a tracker may send back to back (default 10).", valueName: "count"))
    var trackerBurst: Int?

    @Option(help: ArgumentHelp("Commands a phone may send per hour (default 20).", valueName: "count"))
    var phonePerHour: Int?

    @Option(help: ArgumentHelp("Commands a phone may send back to back (default 5).", valueName: "count"))
    var phoneBurst: Int?

    func validate() throws {
        if let maxAge, maxAge < 1 { throw ValidationError("--max-age must be at least 1 minute") }
        guard [trackerPerHour, trackerBurst, phonePerHour, phoneBurst].compactMap({ $0 }).allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("rate limits must let at least one message through")
        }
    }

    /// The values given, as a configuration source.
    func relayValues() -> GatewayConfiguration.Relay {
        GatewayConfiguration.Relay(maxAge: maxAge.map { .seconds($0 * 60) }, trackerPerHour: trackerPerHour, trackerBurst: trackerBurst,
                                   phonePerHour: phonePerHour, phoneBurst: phoneBurst)
    }
}
