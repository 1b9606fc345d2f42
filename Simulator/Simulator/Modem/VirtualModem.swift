import SMSCodec
import SerialTransport
import TrackerProfiles
import Dispatch
import Foundation
import Logging
import Synchronization

/// The virtual GSM modem: a `ModemEmulator` served on a pseudo-terminal.
///
/// Thread-safe shell around the sans-I/O emulator. A reader thread blocks in `poll(2)` on the
/// pty master (no busy loop) and feeds what the client writes to the emulator; replies go out
/// through one serial writer queue so their order is kept whichever thread produced them
/// (reader, timer, network completion). The network is held weakly.
///
/// AT traffic is logged at debug level as command names, lengths and result codes only: a PDU,
/// a message text, a PIN or a phone number never reaches a log line.
public final class VirtualModem: Sendable {
    private struct State: ~Copyable {
        var emulator: ModemEmulator
        var terminal: PseudoTerminal?
        var link: String = ""
        var running = false
        /// Bumped by every start, stop and drop, so a stale reopen timer does nothing.
        var generation = 0
        /// Bytes read from clients so far; lets tests wait until the modem has seen their input.
        var bytesReceived = 0
    }

    /// What must happen once the lock is released.
    private enum Deferred {
        case submit(tpdu: [UInt8], messageReference: UInt8, ticket: Int)
        case timer(ModemEmulator.ModemTimer, after: Duration)
        case drop(reopenAfter: Duration, generation: Int)
    }

    public let configuration: VirtualModemConfiguration
    private let state: Mutex<State>
    private let networkReference = Mutex<WeakNetwork>(WeakNetwork())
    private let writer = DispatchQueue(label: "trackersim.modem.writer")
    private let scheduler: any ModemScheduler
    private let logger: Logger

    private struct WeakNetwork {
        weak var network: (any NetworkSide)?
    }

    /// A modem with the given SIM number and PIN (`nil`: no PIN asked) and default identity.
    public convenience init(number: String, pin: String?, smCapacity: Int = 30, meCapacity: Int = 100, logger: Logger) {
        self.init(
            configuration: VirtualModemConfiguration(number: number, pin: pin, smCapacity: smCapacity, meCapacity: meCapacity),
            logger: logger)
    }

    public init(configuration: VirtualModemConfiguration, logger: Logger,
                scheduler: any ModemScheduler = DispatchModemScheduler()) {
        self.configuration = configuration
        var emulator = ModemEmulator(configuration: configuration)
        emulator.isTracing = logger.logLevel <= .debug
        self.state = Mutex(State(emulator: emulator))
        self.scheduler = scheduler
        var logger = logger
        logger[metadataKey: "modem"] = "virtual"
        self.logger = logger
    }

    deinit {
        stop()
    }

    /// The network this modem submits to; held weakly.
    public func attach(network: any NetworkSide) {
        networkReference.withLock { $0.network = network }
    }

    /// Opens a pseudo-terminal, makes `link` a symbolic link to it and starts serving.
    public func start(link: String) throws(TransportError) {
        let terminal = try PseudoTerminal(writeTimeout: .seconds(2))
        do throws(TransportError) {
            try terminal.publish(link: link)
        } catch {
            terminal.close()
            throw error
        }
        let previous: PseudoTerminal? = state.withLock { state in
            let previous = state.terminal
            state.terminal = terminal
            state.link = link
            state.running = true
            state.generation += 1
            return previous
        }
        previous?.close()
        logger.debug("virtual modem serving", metadata: ["link": "\(link)", "device": "\(terminal.slavePath)"])
        startReader(on: terminal)
    }

    /// Closes the pseudo-terminal (the client sees hang-up) and removes the link.
    public func stop() {
        let terminal: PseudoTerminal? = state.withLock { state in
            state.running = false
            state.generation += 1
            defer { state.terminal = nil }
            return state.terminal
        }
        terminal?.close()
    }

    /// The symbolic link clients open (what `start(link:)` was given).
    public var linkPath: String { state.withLock { $0.link } }

    /// How many bytes clients have written to the modem since it was created.
    var bytesReceived: Int { state.withLock { $0.bytesReceived } }

    /// The pseudo-terminal device behind the link now, such as `/dev/pts/7`; `nil` while dropped.
    public var devicePath: String? { state.withLock { $0.terminal?.slavePath } }

    /// Network → modem: store and indicate (`+CMTI`) or route (`+CMT`) per `+CNMI`/`+CSMS`.
    @discardableResult
    public func deliver(_ deliver: SMSDeliver) -> DeliveryOutcome {
        guard let tpdu = try? deliver.encode() else {
            logger.error("virtual modem: network handed over an SMS-DELIVER that does not encode")
            return .refused(.unreachable)
        }
        return incoming { $0.deliver(tpdu: tpdu, sender: deliver.originator.description) }
    }

    /// Network → modem: a status report, shown as `+CDS` or stored with `+CDSI` per `+CNMI`.
    @discardableResult
    public func deliverStatusReport(_ report: SMSStatusReport) -> DeliveryOutcome {
        guard let tpdu = try? report.encode() else {
            logger.error("virtual modem: network handed over a status report that does not encode")
            return .refused(.unreachable)
        }
        return incoming { $0.deliverStatusReport(tpdu: tpdu) }
    }

    public func inject(_ fault: ModemFault) {
        run { $0.inject(fault) }
    }

    /// Lifts the `storageFull` fault.
    public func clearStorageFull() {
        run { $0.clearStorageFull() }
    }

    /// Empties storage, restores power-up settings and clears faults; a dropped link reopens now.
    public func reset() {
        run { $0.reset() }
        let generation: Int? = state.withLock { state in
            guard state.running, state.terminal == nil else { return nil }
            state.generation += 1
            return state.generation
        }
        if let generation { reopen(generation: generation) }
    }

    public func storedMessages() -> [StoredMessageInfo] {
        state.withLock { $0.emulator.storedMessages() }
    }

    /// AT command lines answered since creation or `reset()`; a chained line counts once.
    public var commandLinesAnswered: Int { state.withLock { $0.emulator.commandLinesAnswered } }

    /// The storages `+CPMS` has selected now (power-up: the configuration's `defaultStorage`).
    public var preferredStorage: PreferredStorage { state.withLock { $0.emulator.preferredStorage } }

    // MARK: - Driving the emulator

    private func incoming(_ body: (inout ModemEmulator) -> (DeliveryOutcome, [ModemEmulator.Action])) -> DeliveryOutcome {
        perform { state in
            // Before start and after stop nobody is there to take it.
            guard state.running else { return (.refused(.unreachable), []) }
            return body(&state.emulator)
        }
    }

    private func run(_ body: (inout ModemEmulator) -> [ModemEmulator.Action]) {
        perform { state in ((), body(&state.emulator)) }
    }

    /// Runs `body` under the lock, queues the emulator's writes in order, then carries out the
    /// rest of its actions without the lock (the network may answer synchronously).
    private func perform<Result>(_ body: (inout State) -> (Result, [ModemEmulator.Action])) -> Result {
        let (result, deferred): (Result, [Deferred]) = state.withLock { state in
            let (result, actions) = body(&state)
            var deferred: [Deferred] = []
            for action in actions {
                switch action {
                case .write(let bytes):
                    if let terminal = state.terminal, state.running {
                        writer.async { try? terminal.write(bytes) }
                    }
                case .trace(let redactedSummary):
                    // The emulator's trace names commands and lengths only (VirtualModemLoggingTests).
                    logger.debug("AT \(redactedSummary)")
                case .submit(let tpdu, let reference, let ticket):
                    deferred.append(.submit(tpdu: tpdu, messageReference: reference, ticket: ticket))
                case .startTimer(let timer, let after):
                    deferred.append(.timer(timer, after: after))
                case .dropLink(let delay):
                    state.generation += 1
                    let terminal = state.terminal
                    state.terminal = nil
                    terminal?.close()
                    deferred.append(.drop(reopenAfter: delay, generation: state.generation))
                }
            }
            return (result, deferred)
        }
        for item in deferred { carryOut(item) }
        return result
    }

    private func carryOut(_ item: Deferred) {
        switch item {
        case .submit(let tpdu, let reference, let ticket):
            submit(tpdu: tpdu, messageReference: reference, ticket: ticket)
        case .timer(let timer, let after):
            scheduler.schedule(after: after) { [weak self] in
                self?.run { $0.timerFired(timer) }
            }
        case .drop(let delay, let generation):
            logger.debug("virtual modem dropped the link", metadata: ["reopen_after": "\(delay)"])
            scheduler.schedule(after: delay) { [weak self] in
                self?.reopen(generation: generation)
            }
        }
    }

    private func submit(tpdu: [UInt8], messageReference: UInt8, ticket: Int) {
        let submit: SMSSubmit
        do {
            submit = try SMSSubmit.decode(tpdu)
        } catch {
            logger.debug("AT +CMGS PDU does not decode", metadata: ["octets": "\(tpdu.count)"])
            run { $0.submitCompleted(ticket: ticket, outcome: .failed(cmsCode: 304)) }
            return
        }
        guard let network = networkReference.withLock({ $0.network }) else {
            run { $0.submitCompleted(ticket: ticket, outcome: .failed(cmsCode: 331)) }
            return
        }
        network.modemSubmitted(submit, messageReference: messageReference, from: configuration.number) {
            [weak self] outcome in
            self?.run { $0.submitCompleted(ticket: ticket, outcome: outcome) }
        }
    }

    private func reopen(generation: Int) {
        let link: String? = state.withLock { state in
            state.running && state.generation == generation ? state.link : nil
        }
        guard let link else { return }
        let terminal: PseudoTerminal
        do {
            terminal = try PseudoTerminal(writeTimeout: .seconds(2))
            try terminal.publish(link: link)
        } catch {
            logger.error("virtual modem could not reopen its link", metadata: ["link": "\(link)", "error": "\(error)"])
            return
        }
        let current = state.withLock { state in
            guard state.running, state.generation == generation else { return false }
            state.terminal = terminal
            return true
        }
        guard current else {
            terminal.close()
            return
        }
        logger.debug("virtual modem link reopened", metadata: ["device": "\(terminal.slavePath)"])
        startReader(on: terminal)
        run { $0.linkReopened() }
    }

    // MARK: - Reading

    private func startReader(on terminal: PseudoTerminal) {
        let thread = Thread { [weak self] in
            while true {
                let bytes: [UInt8]
                do {
                    bytes = try terminal.read(maxCount: 4096, timeout: .seconds(3600))
                } catch {
                    return  // closed by stop() or a drop
                }
                guard let self else { return }
                if bytes.isEmpty { continue }
                self.received(bytes, on: terminal)
            }
        }
        thread.name = "trackersim modem reader"
        thread.start()
    }

    private func received(_ bytes: [UInt8], on terminal: PseudoTerminal) {
        perform { state in
            // Bytes still in flight from a terminal that was dropped meanwhile are lost, as on a real line.
            guard state.terminal === terminal else { return ((), []) }
            state.bytesReceived += bytes.count
            return ((), state.emulator.receive(bytes))
        }
    }
}
