import SMSCodec
import SerialTransport
import TrackerProfiles
import Foundation
import LineSocket
import Logging

/// What a simulation is built from: where the modem appears, who it is, how the network behaves.
public struct SimulationConfiguration: Sendable {
    /// The symlink that will point at the pty slave (what a client opens); a stale one is replaced.
    public var linkPath: String
    /// The control socket's path; nil for none (in-process users call `Simulation` directly).
    public var controlPath: String?
    /// The modem's own number (its SIM's MSISDN), E.164.
    public var modemNumber: String
    /// The SIM PIN the client must enter; nil for a SIM without PIN.
    public var pin: String?
    /// What kind of real modem the virtual one behaves like (`.ec25`: messages kept in `ME`).
    public var profile: VirtualModemProfile
    /// How long the network takes to acknowledge each submitted SMS; zero for benchmarks.
    public var radioDelay: Duration
    public var logLevel: Logger.Level
    /// Registered at start and again after `reset()`.
    public var phones: [String]
    public var trackers: [VirtualTrackerConfiguration]

    public init(
        linkPath: String, controlPath: String? = nil, modemNumber: String = "+15550001111", pin: String? = nil,
        profile: VirtualModemProfile = .generic, radioDelay: Duration = .milliseconds(100), logLevel: Logger.Level = .info, phones: [String] = [],
        trackers: [VirtualTrackerConfiguration] = []
    ) {
        self.linkPath = linkPath
        self.controlPath = controlPath
        self.modemNumber = modemNumber
        self.pin = pin
        self.profile = profile
        self.radioDelay = radioDelay
        self.logLevel = logLevel
        self.phones = phones
        self.trackers = trackers
    }
}

/// A virtual modem on a pty, the virtual network around it, and optionally a control socket.
///
/// Runs in-process (tests, `trackerd demo`) or as the `trackersim` executable. The control
/// socket is a thin JSON layer over the methods here; everything it can do, these can.
public final class Simulation: Sendable {
    public let configuration: SimulationConfiguration
    public let modem: VirtualModem
    public let network: VirtualNetwork
    let logger: Logger
    private let running = LockedState<RunningParts>(RunningParts())

    /// Builds the parts; nothing is opened until `start()`.
    public init(configuration: SimulationConfiguration, logger: Logger? = nil) {
        var logger = logger ?? Logger(label: "trackersim")
        logger.logLevel = configuration.logLevel
        self.configuration = configuration
        self.logger = logger
        modem = VirtualModem(
            configuration: configuration.profile.configuration(number: configuration.modemNumber, pin: configuration.pin),
            logger: logger)
        network = VirtualNetwork(modemNumber: configuration.modemNumber, radioDelay: configuration.radioDelay, logger: logger)
    }

    deinit { stop() }

    /// Opens the pty at the link, connects the network and opens the control socket.
    public func start() throws(SimulationError) {
        let alreadyRunning = running.withLock { parts -> Bool in
            defer { parts.started = true }
            return parts.started
        }
        guard !alreadyRunning else {
            throw SimulationError(path: configuration.linkPath, operation: "start simulation", detail: "already started")
        }
        do {
            try startParts()
        } catch {
            running.withLock { $0.started = false }
            throw error
        }
    }

    private func startParts() throws(SimulationError) {
        try registerConfiguredSubscribers()
        modem.attach(network: network)
        let modem = self.modem
        network.connectModem(
            deliver: { modem.deliver($0) },
            deliverStatusReport: { modem.deliverStatusReport($0) })
        do {
            try modem.start(link: configuration.linkPath)
        } catch {
            throw SimulationError(path: configuration.linkPath, operation: "start modem", detail: "\(error)")
        }
        var socket: LineSocketServer?
        if let controlPath = configuration.controlPath {
            do {
                socket = try LineSocketServer(path: controlPath) { [weak self] line in
                    self?.handleControlLine(line) ?? ControlReply.failure("simulation stopped").jsonLine
                }
            } catch {
                modem.stop()
                throw SimulationError(path: controlPath, operation: "open control socket", detail: error.detail)
            }
        }
        // On its own Dispatch queue, not the cooperative pool: a host whose pool threads block
        // (a test doing blocking reads) must not stop the trackers' scheduled reports.
        let scheduler = ReportScheduler(network: network)
        scheduler.start()
        running.withLock {
            $0.control = socket
            $0.scheduler = scheduler
        }
        logger.info(
            "simulation started",
            metadata: ["link": .string(configuration.linkPath), "control": .string(configuration.controlPath ?? "none")])
    }

    /// Stops serving, removes the link and the control socket; idempotent.
    public func stop() {
        let parts = running.withLock { parts -> RunningParts in
            defer { parts = RunningParts() }
            return parts
        }
        parts.scheduler?.cancel()
        parts.control?.stop()
        network.disconnectModem()
        modem.stop()
    }

    /// The link a client opens.
    public var linkPath: String { configuration.linkPath }
    /// The control socket's path, if there is one.
    public var controlPath: String? { configuration.controlPath }

    // MARK: The network

    public func addPhone(_ number: String) throws(SimulationError) { try network.addPhone(number) }

    public func addTracker(_ tracker: VirtualTrackerConfiguration) throws(SimulationError) {
        try network.addTracker(tracker)
    }

    /// An SMS from `sender` reaches the modem; long text arrives as concatenated parts.
    public func send(from sender: String, text: String, ucs2: Bool = false) throws(SimulationError) {
        try network.send(from: sender, text: text, ucs2: ucs2)
    }

    /// Hand-made parts of one concatenated SMS, delivered in `order` (1-based, repeats allowed).
    public func sendParts(from sender: String, parts: [String], reference: Int, order: [Int]? = nil, ucs2: Bool = false) {
        network.sendParts(from: sender, parts: parts, reference: reference, order: order ?? Array(1...parts.count), ucs2: ucs2)
    }

    public func inbox(of number: String) -> [InboxMessage]? { network.inbox(of: number) }

    /// Waits until the phone holds `count` messages or `timeout` passes; returns its inbox then.
    public func waitForInbox(of number: String, count: Int, timeout: Duration = .seconds(10)) async -> [InboxMessage]? {
        await network.waitForInbox(of: number, count: count, timeout: timeout)
    }

    public func raiseAlarm(tracker number: String, kind: String) throws(SimulationError) {
        try network.raiseAlarm(tracker: number, kind: kind)
    }

    /// The tracker sends its unprompted position report (or next alarm) now, to its authorised numbers.
    public func sendReport(tracker number: String) throws(SimulationError) {
        try network.sendReport(tracker: number)
    }

    public func moveTracker(_ number: String, to position: TrackerPosition) throws(SimulationError) {
        try network.moveTracker(number, to: position)
    }

    public var statistics: NetworkStats { network.statistics }

    // MARK: The modem

    /// What the modem holds in its storage now.
    public func storedMessages() -> [StoredMessageInfo] { modem.storedMessages() }

    public func inject(_ fault: ModemFault) { modem.inject(fault) }

    /// Ends the `storageFull` fault; the messages the network held are delivered again at once.
    public func liftStorageFull() {
        modem.clearStorageFull()
        network.retryDeliveries()
    }

    /// Empties the modem, clears faults, forgets subscribers and counters, then registers the
    /// configured phones and trackers again: the state right after `start()`.
    public func reset() {
        modem.reset()
        network.reset()
        try? registerConfiguredSubscribers()
        network.retryDeliveries()
    }

    private func registerConfiguredSubscribers() throws(SimulationError) {
        for phone in configuration.phones { try network.addPhone(phone) }
        for tracker in configuration.trackers { try network.addTracker(tracker) }
    }
}

/// What `start()` opened, for `stop()` to close.
private struct RunningParts: Sendable {
    var started = false
    var control: LineSocketServer?
    var scheduler: ReportScheduler?
}

/// A value behind a lock, for the few mutable parts of otherwise immutable types.
final class LockedState<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// Sends the virtual trackers' scheduled reports when they fall due.
final class ReportScheduler: Sendable {
    private let network: VirtualNetwork
    private let queue = DispatchQueue(label: "trackersim.reports")
    private let cancelled = LockedState<Bool>(false)

    init(network: VirtualNetwork) {
        self.network = network
    }

    func start() {
        queue.async { [self] in tick() }
    }

    func cancel() {
        cancelled.withLock { $0 = true }
    }

    private func tick() {
        guard !cancelled.withLock({ $0 }) else { return }
        let next = network.sendScheduledReports(at: .now)
        // Wake at the next due report, and at least every second to see newly added trackers.
        let wait = next.map { min(max($0 - .now, .milliseconds(1)), .seconds(1)) } ?? .seconds(1)
        queue.asyncAfter(deadline: .now() + wait.timeInterval) { [self] in tick() }
    }
}
