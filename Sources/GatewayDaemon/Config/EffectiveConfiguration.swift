import ATModem
import Foundation
import Logging
import TrackerGateway

/// The configuration in force: every source merged and the built-in defaults filled in.
///
/// Issue 12: what `trackerd run` builds its ``DaemonConfiguration`` from, and what
/// `trackerd run --check-config` prints — with the PIN, the registry's password and the
/// gateway numbers masked, so the output may go to a journal.
public struct EffectiveConfiguration: Sendable, Equatable {
    public static let defaultDataDirectory = "/var/lib/trackerd"
    public static let defaultHealthProbeSeconds = 240

    /// The merged sources before defaults.
    public var sources: GatewayConfiguration
    /// The config file that was read, if any.
    public var file: String?

    public init(_ sources: GatewayConfiguration, file: String?) {
        self.sources = sources
        self.file = file
    }

    public var dataDirectory: URL { URL(fileURLWithPath: sources.dataDirectory ?? Self.defaultDataDirectory, isDirectory: true) }
    public var registry: String? { sources.registry }
    public var logLevel: Logger.Level { sources.logLevel ?? .info }
    public var healthProbeSeconds: Int { sources.healthProbeSeconds ?? Self.defaultHealthProbeSeconds }
    /// Nil: no metrics endpoint (issue 12: off when not configured).
    public var metricsListen: ListenAddress? { sources.metricsListen }
    public var modems: [GatewayConfiguration.Modem] { sources.modems ?? [] }

    /// What `MailSettings.resolve(environment:file:)` takes as the file's `mail.*` values.
    public var mailFileValues: [String: String] { sources.mailFileValues }

    /// The modems as the daemon takes them.
    public var modemSetups: [ModemSetup] {
        modems.map { modem in
            ModemSetup(
                device: modem.device, number: modem.number,
                serial: SerialSettings(baudRate: modem.baud ?? 115_200, flowControl: modem.flowControl ?? .none),
                modem: ModemConfiguration(receiveMode: modem.receive ?? .storage, pin: modem.pin?.value))
        }
    }

    /// The relay's settings; the own number is the first modem's (the daemon adds the others).
    public func relayConfiguration() -> RelayConfiguration {
        let relay = sources.relay
        return RelayConfiguration(
            ownNumber: modems.first?.number ?? "",
            maximumAge: relay.maxAge ?? .seconds(600),
            trackerRateLimit: RateLimit(burst: relay.trackerBurst ?? 10, perHour: relay.trackerPerHour ?? 30),
            phoneRateLimit: RateLimit(burst: relay.phoneBurst ?? 5, perHour: relay.phonePerHour ?? 20))
    }

    /// The daemon's configuration; refuses a configuration without a modem.
    public func daemonConfiguration() throws(ConfigurationError) -> DaemonConfiguration {
        guard !modems.isEmpty else {
            throw ConfigurationError(source: file ?? "configuration", key: "modems",
                                     reason: "no modem is configured: list one under modems: in the config file, or give --modem")
        }
        var numbers: Set<String> = []
        var devices: Set<String> = []
        for (index, modem) in modems.enumerated() {
            guard numbers.insert(modem.number).inserted else {
                throw ConfigurationError(source: file ?? "configuration", key: "modems[\(index)].number", reason: "is given to two modems")
            }
            guard devices.insert(modem.device).inserted else {
                throw ConfigurationError(source: file ?? "configuration", key: "modems[\(index)].device", reason: "is given to two modems")
            }
        }
        return DaemonConfiguration(modems: modemSetups, dataDirectory: dataDirectory, relay: relayConfiguration(),
                                   healthProbeInterval: .seconds(healthProbeSeconds), logLevel: logLevel)
    }

    /// The effective configuration as YAML with the file's key names, secrets masked.
    public var rendered: String {
        let relay = relayConfiguration()
        var lines = ["# trackerd effective configuration (\(file.map { "file \($0)" } ?? "no config file"); secrets masked)"]
        lines.append("data-dir: \(dataDirectory.path)")
        lines.append("registry: \(registry.map(Self.maskedURL) ?? "sqlite (in data-dir)")")
        lines.append("health-probe-seconds: \(healthProbeSeconds)")
        lines.append(modems.isEmpty ? "modems: []" : "modems:")
        for (modem, setup) in zip(modems, modemSetups) {
            lines.append("  - device: \(modem.device)")
            lines.append("    number: \"\(NumberMask.mask(modem.number))\"")
            if let pinFile = modem.pinFile {
                lines.append("    pin-file: \(pinFile)")
            } else if modem.pin != nil {
                lines.append("    pin: \"****\"")
            }
            lines.append("    receive: \(setup.modem.receiveMode.rawValue)")
            lines.append("    baud: \(setup.serial.baudRate)")
            lines.append("    flow-control: \(setup.serial.flowControl.rawValue)")
        }
        lines.append("relay:")
        lines.append("  max-age: \(Self.format(relay.maximumAge))")
        lines.append("  tracker-per-hour: \(relay.trackerRateLimit.perHour)")
        lines.append("  tracker-burst: \(relay.trackerRateLimit.burst)")
        lines.append("  phone-per-hour: \(relay.phoneRateLimit.perHour)")
        lines.append("  phone-burst: \(relay.phoneRateLimit.burst)")
        lines.append("metrics:")
        lines.append("  listen: \(metricsListen.map { "\"\($0)\"" } ?? "off")")
        lines.append("mail:")
        lines.append("  sendmail: \"\(sources.mailSendmail ?? MailSettings.defaultSendmail)\"")
        lines.append("  from: \(sources.mailFrom.map { "\"\($0)\"" } ?? "unset")")
        lines.append("log:")
        lines.append("  level: \(logLevel.rawValue)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `2h`, `10m`, `90s`: the shortest exact form.
    static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// `postgres://user:secret@host/db` → `postgres://user:****@host/db`; a URL without a password is kept.
    static func maskedURL(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "****"
        return components.string ?? "****"
    }
}
