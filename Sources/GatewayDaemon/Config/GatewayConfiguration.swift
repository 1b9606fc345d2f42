import ATModem
import Logging

/// The daemon's settings as one source gives them — the config file, the `TRACKERD_…`
/// environment or the command line — every field optional, so sources can be laid over each other.
///
/// Issue 12 fixes the key names (`data-dir`, `registry`, `modems`, `relay`, `metrics`, `mail`,
/// `log`, `health-probe-seconds`) so configuration management can rely on them. Precedence is
/// command line > environment > file > built-in defaults: `overlaid(by:)` lays a higher source
/// over a lower one, and ``EffectiveConfiguration`` fills in the defaults. A pure value: reading
/// files (the YAML, a PIN file) is ``ConfigurationLoader``'s job.
public struct GatewayConfiguration: Sendable, Equatable {
    /// One entry of `modems:`.
    public struct Modem: Sendable, Equatable {
        public var device: String
        /// E.164, normalised.
        public var number: String
        /// From `pin:` or read from `pin-file:`.
        public var pin: Secret?
        /// Where the PIN was read from, shown by `--check-config` instead of the PIN.
        public var pinFile: String?
        public var receive: ModemConfiguration.ReceiveMode?
        public var baud: Int?
        public var flowControl: SerialSettings.FlowControl?

        public init(device: String, number: String, pin: Secret? = nil, pinFile: String? = nil,
                    receive: ModemConfiguration.ReceiveMode? = nil, baud: Int? = nil, flowControl: SerialSettings.FlowControl? = nil) {
            self.device = device
            self.number = number
            self.pin = pin
            self.pinFile = pinFile
            self.receive = receive
            self.baud = baud
            self.flowControl = flowControl
        }
    }

    /// `relay:` — the age limit and the rate limits.
    public struct Relay: Sendable, Equatable {
        public var maxAge: Duration?
        public var trackerPerHour: Int?
        public var trackerBurst: Int?
        public var phonePerHour: Int?
        public var phoneBurst: Int?

        public init(maxAge: Duration? = nil, trackerPerHour: Int? = nil, trackerBurst: Int? = nil, phonePerHour: Int? = nil, phoneBurst: Int? = nil) {
            self.maxAge = maxAge
            self.trackerPerHour = trackerPerHour
            self.trackerBurst = trackerBurst
            self.phonePerHour = phonePerHour
            self.phoneBurst = phoneBurst
        }

        func overlaid(by upper: Relay) -> Relay {
            Relay(maxAge: upper.maxAge ?? maxAge, trackerPerHour: upper.trackerPerHour ?? trackerPerHour,
                  trackerBurst: upper.trackerBurst ?? trackerBurst, phonePerHour: upper.phonePerHour ?? phonePerHour,
                  phoneBurst: upper.phoneBurst ?? phoneBurst)
        }
    }

    public var dataDirectory: String?
    /// A PostgreSQL URL; absent: SQLite in the data directory.
    public var registry: String?
    /// A higher source's list replaces a lower one's whole: modems are not merged one by one.
    public var modems: [Modem]?
    public var relay: Relay
    public var metricsListen: ListenAddress?
    public var mailSendmail: String?
    public var mailFrom: String?
    public var logLevel: Logger.Level?
    public var healthProbeSeconds: Int?

    public init(dataDirectory: String? = nil, registry: String? = nil, modems: [Modem]? = nil, relay: Relay = Relay(),
                metricsListen: ListenAddress? = nil, mailSendmail: String? = nil, mailFrom: String? = nil,
                logLevel: Logger.Level? = nil, healthProbeSeconds: Int? = nil) {
        self.dataDirectory = dataDirectory
        self.registry = registry
        self.modems = modems
        self.relay = relay
        self.metricsListen = metricsListen
        self.mailSendmail = mailSendmail
        self.mailFrom = mailFrom
        self.logLevel = logLevel
        self.healthProbeSeconds = healthProbeSeconds
    }

    /// This source with every value `upper` sets taken from `upper`.
    public func overlaid(by upper: GatewayConfiguration) -> GatewayConfiguration {
        GatewayConfiguration(
            dataDirectory: upper.dataDirectory ?? dataDirectory,
            registry: upper.registry ?? registry,
            modems: upper.modems ?? modems,
            relay: relay.overlaid(by: upper.relay),
            metricsListen: upper.metricsListen ?? metricsListen,
            mailSendmail: upper.mailSendmail ?? mailSendmail,
            mailFrom: upper.mailFrom ?? mailFrom,
            logLevel: upper.logLevel ?? logLevel,
            healthProbeSeconds: upper.healthProbeSeconds ?? healthProbeSeconds)
    }

    /// The `mail.*` values in the form `MailSettings.resolve(environment:file:)` takes.
    public var mailFileValues: [String: String] {
        var values: [String: String] = [:]
        values["mail.sendmail"] = mailSendmail
        values["mail.from"] = mailFrom
        return values
    }
}

/// A value that never shows itself: a SIM PIN. Printing it, logging it or interpolating it gives `****`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "****" }
    public var debugDescription: String { "****" }
}

extension GatewayConfiguration.Modem {
    /// A modem as the command line's `--modem` gives it (`ModemSpec`), so it can be laid over the file's.
    public init(setup: ModemSetup) {
        self.init(device: setup.device, number: setup.number, pin: setup.modem.pin.map(Secret.init),
                  receive: setup.modem.receiveMode, baud: setup.serial.baudRate, flowControl: setup.serial.flowControl)
    }
}
