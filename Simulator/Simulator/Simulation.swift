import SMSCodec
import SerialTransport
import TrackerProfiles
import Foundation
import LineSocket
import Logging

/// Virtual modems on ptys, the virtual network around them, and optionally a control socket.
///
/// Runs in-process (tests, `trackerd demo`) or as the `trackersim` executable. The control
/// socket is a thin JSON layer over the methods here; everything it can do, these can. Where a
/// method takes no modem, it means the first one, as it did when there was only one.
public final class Simulation: Sendable {
    public let configuration: SimulationConfiguration
    /// Every modem, in configuration order; each has its own pty, storage, faults and counters.
    public let modems: [VirtualModem]
    public let network: VirtualNetwork
    let logger: Logger
    private let running = LockedState<RunningParts>(RunningParts())

    /// Builds the parts; nothing is opened until `start()`.
    public init(configuration: SimulationConfiguration, logger: Logger? = nil) {
        var logger = logger ?? Logger(label: "trackersim")
        logger.logLevel = configuration.logLevel
        self.configuration = configuration
        self.logger = logger
        modems = configuration.modems.map { VirtualModem(configuration: $0.configuration, logger: logger) }
        network = VirtualNetwork(
            modemNumbers: configuration.modems.map(\.number), radioDelay: configuration.radioDelay, logger: logger)
    }

    /// The first modem.
    public var modem: VirtualModem { modems[0] }

    /// The modem whose own number is `number` (written with or without `+`), if any.
    public func modem(number: String) -> VirtualModem? {
        modems.first { PhoneNumbers.same($0.configuration.number, number) }
    }

    /// The modem with that number, or the first for nil; throws for a number no modem has.
    func modem(_ number: String?, operation: String) throws(SimulationError) -> VirtualModem {
        guard let number else { return modem }
        guard let found = modem(number: number) else {
            throw SimulationError(path: number, operation: operation, detail: "no modem with that number")
        }
        return found
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
        if let problem = configuration.problem() { throw problem }
        try registerConfiguredSubscribers()
        for (modem, slot) in zip(modems, configuration.modems) {
            modem.attach(network: network)
            try network.connectModem(
                number: slot.number, deliver: { modem.deliver($0) }, deliverStatusReport: { modem.deliverStatusReport($0) })
            do {
                try modem.start(link: slot.linkPath)
            } catch {
                for started in modems { started.stop() }
                network.disconnectModem()
                throw SimulationError(path: slot.linkPath, operation: "start modem", detail: "\(error)")
            }
        }
        var socket: LineSocketServer?
        if let controlPath = configuration.controlPath {
            do {
                socket = try LineSocketServer(path: controlPath) { [weak self] line in
                    self?.handleControlLine(line) ?? ControlReply.failure("simulation stopped").jsonLine
                }
            } catch {
                for modem in modems { modem.stop() }
                network.disconnectModem()
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
            metadata: [
                "links": .string(configuration.modems.map(\.linkPath).joined(separator: " ")),
                "control": .string(configuration.controlPath ?? "none"),
            ])
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
        for modem in modems { modem.stop() }
    }

    /// The link a client opens to reach the first modem.
    public var linkPath: String { configuration.linkPath }
    /// The control socket's path, if there is one.
    public var controlPath: String? { configuration.controlPath }

    // MARK: The network

    public func addPhone(_ number: String) throws(SimulationError) { try network.addPhone(number) }

    public func addTracker(_ tracker: VirtualTrackerConfiguration) throws(SimulationError) {
        try network.addTracker(tracker)
    }

    /// An SMS from `sender` reaches the modem numbered `to` (the first when nil); long text
    /// arrives as concatenated parts.
    public func send(from sender: String, text: String, ucs2: Bool = false, to modem: String? = nil) throws(SimulationError) {
        try network.send(from: sender, text: text, ucs2: ucs2, to: modem)
    }

    /// Hand-made parts of one concatenated SMS, delivered in `order` (1-based, repeats allowed)
    /// to the modem numbered `to` (the first when nil, which never throws).
    public func sendParts(
        from sender: String, parts: [String], reference: Int, order: [Int]? = nil, ucs2: Bool = false, to modem: String? = nil
    ) throws(SimulationError) {
        try network.sendParts(
            from: sender, parts: parts, reference: reference, order: order ?? Array(1...parts.count), ucs2: ucs2, to: modem)
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

    /// The network's counters, summed over every modem.
    public var statistics: NetworkStats { network.statistics }

    /// The counters, with the modem-specific ones (submitted, delivered, refused, pending, status
    /// reports) of the modem with that number; nil for a number no modem has.
    public func statistics(modem number: String) -> NetworkStats? { network.statistics(modem: number) }

    // MARK: The modems

    /// What the first modem holds in its storage now.
    public func storedMessages() -> [StoredMessageInfo] { modem.storedMessages() }

    /// What the modem with that number holds now; nil for a number no modem has.
    public func storedMessages(modem number: String) -> [StoredMessageInfo]? { modem(number: number)?.storedMessages() }

    /// Injects a fault into the first modem.
    public func inject(_ fault: ModemFault) { modem.inject(fault) }

    /// Injects a fault into the modem with that number.
    public func inject(_ fault: ModemFault, modem number: String) throws(SimulationError) {
        try modem(number, operation: "inject fault").inject(fault)
    }

    /// Ends the first modem's `storageFull` fault; what the network held is delivered again at once.
    public func liftStorageFull() {
        modem.clearStorageFull()
        network.retryDeliveries()
    }

    /// Ends that modem's `storageFull` fault.
    public func liftStorageFull(modem number: String) throws(SimulationError) {
        try modem(number, operation: "lift storage fault").clearStorageFull()
        network.retryDeliveries()
    }

    /// Empties every modem, clears faults, forgets subscribers and counters, then registers the
    /// configured phones and trackers again: the state right after `start()`.
    public func reset() {
        for modem in modems { modem.reset() }
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
