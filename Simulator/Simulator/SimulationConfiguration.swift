import Logging

/// One virtual modem of a simulation: where its pty appears and who it is.
public struct SimulatedModem: Sendable, Equatable {
    /// The symlink that will point at the pty slave (what a client opens); a stale one is replaced.
    public var linkPath: String
    /// What kind of real modem it behaves like.
    public var profile: VirtualModemProfile
    /// Identity, storage, timings; `configuration.number` is the modem's own number (E.164).
    public var configuration: VirtualModemConfiguration

    /// The modem's own number, its SIM's MSISDN.
    public var number: String { configuration.number }

    /// A modem of `profile` with that number and PIN (nil: the SIM asks for none).
    public init(linkPath: String, number: String, pin: String? = nil, profile: VirtualModemProfile = .generic) {
        self.init(linkPath: linkPath, configuration: profile.configuration(number: number, pin: pin), profile: profile)
    }

    /// A modem with a configuration of its own; `profile` only names it (control socket `modems`).
    public init(linkPath: String, configuration: VirtualModemConfiguration, profile: VirtualModemProfile = .generic) {
        self.linkPath = linkPath
        self.configuration = configuration
        self.profile = profile
    }
}

/// What a simulation is built from: its modems, the network's delay, who is on the network.
public struct SimulationConfiguration: Sendable {
    /// The virtual modems, each on its own pty, all on one network; never empty. The first is
    /// what the single-modem API (`linkPath`, `modemNumber`, `Simulation.modem`) means.
    public var modems: [SimulatedModem]
    /// The control socket's path; nil for none (in-process users call `Simulation` directly).
    public var controlPath: String?
    /// How long the network takes to acknowledge each submitted SMS; zero for benchmarks.
    public var radioDelay: Duration
    public var logLevel: Logger.Level
    /// Registered at start and again after `reset()`.
    public var phones: [String]
    public var trackers: [VirtualTrackerConfiguration]

    /// One modem, as before several were possible.
    public init(
        linkPath: String, controlPath: String? = nil, modemNumber: String = "+15550001111", pin: String? = nil,
        profile: VirtualModemProfile = .generic, radioDelay: Duration = .milliseconds(100), logLevel: Logger.Level = .info,
        phones: [String] = [], trackers: [VirtualTrackerConfiguration] = []
    ) {
        self.init(
            modems: [SimulatedModem(linkPath: linkPath, number: modemNumber, pin: pin, profile: profile)],
            controlPath: controlPath, radioDelay: radioDelay, logLevel: logLevel, phones: phones, trackers: trackers)
    }

    /// Several modems on one network (`trackersim --modem LINK=E164 …`).
    public init(
        modems: [SimulatedModem], controlPath: String? = nil, radioDelay: Duration = .milliseconds(100),
        logLevel: Logger.Level = .info, phones: [String] = [], trackers: [VirtualTrackerConfiguration] = []
    ) {
        precondition(!modems.isEmpty, "a simulation needs a modem")
        self.modems = modems
        self.controlPath = controlPath
        self.radioDelay = radioDelay
        self.logLevel = logLevel
        self.phones = phones
        self.trackers = trackers
    }

    /// The first modem's link.
    public var linkPath: String { modems[0].linkPath }
    /// The first modem's number.
    public var modemNumber: String { modems[0].number }
    /// The first modem's SIM PIN.
    public var pin: String? { modems[0].configuration.pin }
    /// The first modem's profile.
    public var profile: VirtualModemProfile { modems[0].profile }

    /// Throws when these modems cannot share one network: the same link or number twice, a bad
    /// number (`Simulation.start()` checks it too).
    public func check() throws(SimulationError) {
        if let problem = problem() { throw problem }
    }

    func problem() -> SimulationError? {
        for (index, modem) in modems.enumerated() {
            guard PhoneNumbers.isPlausible(modem.number) else {
                return SimulationError(path: modem.number, operation: "add modem", detail: "not a phone number")
            }
            for other in modems[..<index] {
                if other.linkPath == modem.linkPath {
                    return SimulationError(path: modem.linkPath, operation: "add modem", detail: "two modems on one link")
                }
                if PhoneNumbers.same(other.number, modem.number) {
                    return SimulationError(path: modem.number, operation: "add modem", detail: "two modems with one number")
                }
            }
        }
        return nil
    }
}
