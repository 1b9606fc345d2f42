import ATModem
import Foundation
import Logging
import TrackerGateway

/// Everything `trackerd run` (and `trackerd demo`) needs to build the daemon; no I/O here.
public struct DaemonConfiguration: Sendable {
    public var devicePath: String
    public var serial: SerialSettings
    public var modem: ModemConfiguration
    public var dataDirectory: URL
    public var ownNumber: String
    public var relay: RelayConfiguration
    /// How often the modem's health is checked when idle (DESIGN.md: at most once a minute).
    public var healthProbeInterval: Duration = .seconds(60)
    /// Consecutive failed probes before the modem is re-opened.
    public var healthProbeFailuresBeforeReopen = 2
    /// Back-off between re-open attempts after an unplug, a hang or garbage.
    public var reopenBackoffFirst: Duration = .milliseconds(500)
    public var reopenBackoffMaximum: Duration = .seconds(60)
    public var logLevel: Logger.Level = .info

    public init(devicePath: String, serial: SerialSettings, modem: ModemConfiguration, dataDirectory: URL, ownNumber: String,
                relay: RelayConfiguration, healthProbeInterval: Duration = .seconds(60), logLevel: Logger.Level = .info) {
        self.devicePath = devicePath
        self.serial = serial
        self.modem = modem
        self.dataDirectory = dataDirectory
        self.ownNumber = ownNumber
        self.relay = relay
        self.healthProbeInterval = healthProbeInterval
        self.logLevel = logLevel
    }

    /// The control socket `trackerd status` talks to.
    public var controlSocketPath: String { dataDirectory.appendingPathComponent(DaemonConfiguration.controlSocketName).path }

    public static let controlSocketName = "control.sock"
}
