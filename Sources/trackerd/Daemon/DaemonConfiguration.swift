import ATModem
import Foundation
import Logging
import TrackerGateway

/// Everything `trackerd run` (and `trackerd demo`) needs to build the daemon; no I/O here.
struct DaemonConfiguration: Sendable {
    var devicePath: String
    var serial: SerialSettings
    var modem: ModemConfiguration
    var dataDirectory: URL
    var ownNumber: String
    var relay: RelayConfiguration
    /// How often the modem's health is checked when idle (DESIGN.md: at most once a minute).
    var healthProbeInterval: Duration = .seconds(60)
    /// Consecutive failed probes before the modem is re-opened.
    var healthProbeFailuresBeforeReopen = 2
    /// Back-off between re-open attempts after an unplug, a hang or garbage.
    var reopenBackoffFirst: Duration = .milliseconds(500)
    var reopenBackoffMaximum: Duration = .seconds(60)
    var logLevel: Logger.Level = .info

    /// The control socket `trackerd status` talks to.
    var controlSocketPath: String { dataDirectory.appendingPathComponent(DaemonConfiguration.controlSocketName).path }

    static let controlSocketName = "control.sock"
}
