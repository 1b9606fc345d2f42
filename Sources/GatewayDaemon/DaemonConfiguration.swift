import ATModem
import Foundation
import Logging
import TrackerGateway

/// One modem of the gateway: its device, the gateway number of its SIM, and how to talk to it.
public struct ModemSetup: Sendable, Equatable {
    public var device: String
    /// The gateway number of the SIM in this modem (E.164), as the registry holds it.
    public var number: String
    public var serial: SerialSettings
    public var modem: ModemConfiguration

    public init(device: String, number: String, serial: SerialSettings = SerialSettings(), modem: ModemConfiguration = ModemConfiguration()) {
        self.device = device
        self.number = number
        self.serial = serial
        self.modem = modem
    }
}

/// Everything `trackerd run` (and `trackerd demo`, and the tests) needs to build the daemon; no I/O.
public struct DaemonConfiguration: Sendable {
    public var modems: [ModemSetup]
    public var dataDirectory: URL
    public var relay: RelayConfiguration
    /// How often an idle modem's health is checked: one command line each time (DESIGN.md:
    /// at most one a minute on average, a dead modem noticed within 5 minutes).
    public var healthProbeInterval: Duration = .seconds(240)
    /// After a probe failed, how soon the next one runs.
    public var healthProbeRetry: Duration = .seconds(15)
    /// Consecutive failed probes before the modem is re-opened.
    public var healthProbeFailuresBeforeReopen = 2
    /// Back-off between re-open attempts after an unplug, a hang or garbage.
    public var reopenBackoffFirst: Duration = .milliseconds(500)
    public var reopenBackoffMaximum: Duration = .seconds(60)
    /// How often the retention sweeper runs when the registry holds no setting (it reads the
    /// setting afresh each time).
    public var logLevel: Logger.Level = .info
    /// Where the modem threads read the time; tests hand in a manual one.
    public var time: any TimeSource = SystemTimeSource.shared

    public init(modems: [ModemSetup], dataDirectory: URL, relay: RelayConfiguration, healthProbeInterval: Duration = .seconds(240), logLevel: Logger.Level = .info) {
        self.modems = modems
        self.dataDirectory = dataDirectory
        self.relay = relay
        self.healthProbeInterval = healthProbeInterval
        self.logLevel = logLevel
    }

    /// The control socket `trackerd status` talks to.
    public var controlSocketPath: String { dataDirectory.appendingPathComponent(DaemonConfiguration.controlSocketName).path }

    public static let controlSocketName = "control.sock"
}
