import Foundation

/// A GSM modem driven in PDU mode: the actor shell that carries out the AT engine's actions.
///
/// It owns the transport (read by one thread that blocks in `poll`), the engine and the clock.
/// Everything it learns arrives on three streams: `incoming` (reassembled SMS), `statusReports`
/// and `events`. TS 27.005 §3 (PDU mode) and TS 27.007 for the general commands.
public actor Modem<C: Clock> where C.Duration == Duration {
    public nonisolated let path: String
    public nonisolated let configuration: ModemConfiguration
    public nonisolated let incoming: AsyncStream<ReceivedSMS>
    public nonisolated let statusReports: AsyncStream<SMSStatusReport>
    public nonisolated let events: AsyncStream<ModemEvent>

    let transport: any Transport
    let clock: C
    var engine: CommandEngine<C.Instant>
    private var waiting: [CommandID: CheckedContinuation<ATResponse, any Error>] = [:]
    private var nextCommandID: UInt64 = 0
    /// When the engine wants `timerFired`; nil when nothing is pending.
    private var timerDeadline: C.Instant?
    /// The one sleeping timer task, and the instant it wakes at.
    private var timerTask: Task<Void, Never>?
    private var timerTaskWakesAt: C.Instant?
    private var pumpTask: Task<Void, Never>?
    private var closedError: ModemError?

    var reassembler: Reassembler<Int?, C.Instant>
    var expiryTask: Task<Void, Never>?
    var nextConcatenationReference: Int
    /// Storage indices handed out on `incoming` and not yet deleted: a sweep must not hand them out twice.
    var handedOut: Set<Int> = []
    /// Storage indices being read right now (a `+CMTI` and a sweep may name the same one).
    var reading: Set<Int> = []
    /// Storage indices of parts waiting in the reassembler.
    var buffered: Set<Int> = []
    /// Storage indices with a `+CMGD` in flight, and those of them a `+CMTI` named meanwhile.
    var deleting: Set<Int> = []
    var indicatedWhileDeleting: Set<Int> = []
    var storageName: String = "SM"

    let incomingContinuation: AsyncStream<ReceivedSMS>.Continuation
    let statusContinuation: AsyncStream<SMSStatusReport>.Continuation
    let eventContinuation: AsyncStream<ModemEvent>.Continuation

    /// Wraps an open transport; call `start()` to run the start-up sequence.
    public init(transport: any Transport, configuration: ModemConfiguration = ModemConfiguration(), clock: C) {
        self.path = transport.path
        self.transport = transport
        self.configuration = configuration
        self.clock = clock
        self.engine = CommandEngine<C.Instant>()
        self.reassembler = Reassembler<Int?, C.Instant>(capacity: configuration.reassemblyCapacity, maxAge: configuration.reassemblyMaxAge)
        self.nextConcatenationReference = configuration.firstConcatenationReference
        (incoming, incomingContinuation) = AsyncStream.makeStream(of: ReceivedSMS.self, bufferingPolicy: .unbounded)
        (statusReports, statusContinuation) = AsyncStream.makeStream(of: SMSStatusReport.self, bufferingPolicy: .bufferingNewest(256))
        (events, eventContinuation) = AsyncStream.makeStream(of: ModemEvent.self, bufferingPolicy: .bufferingNewest(256))
    }

    /// Starts reading the transport. Idempotent; `start()` calls it.
    public func startReading() {
        guard pumpTask == nil else { return }
        let (bytes, feed) = AsyncStream.makeStream(of: ReaderOutput.self, bufferingPolicy: .unbounded)
        let transport = self.transport
        // A dedicated thread: the read blocks in poll(2), which must not tie up a cooperative-pool thread.
        let reader = Thread {
            while true {
                do {
                    let chunk = try transport.read(maxCount: 4096, timeout: .seconds(3600))
                    if !chunk.isEmpty { feed.yield(.bytes(chunk)) }
                } catch {
                    feed.yield(.closed(error))
                    feed.finish()
                    return
                }
            }
        }
        reader.name = "modem-reader"
        reader.start()
        pumpTask = Task { [weak self] in
            for await output in bytes {
                guard let self else { return }
                switch output {
                case .bytes(let chunk): await self.received(chunk)
                case .closed(let error): await self.transportEnded(error)
                }
            }
        }
    }

    /// Runs one AT command and returns its response; a final result other than `OK` throws.
    @discardableResult
    public func execute(_ command: ATCommand) async throws(ModemError) -> ATResponse {
        if let closedError { throw closedError }
        startReading()
        nextCommandID += 1
        let id = CommandID(nextCommandID)
        do {
            return try await withCheckedThrowingContinuation { continuation in
                waiting[id] = continuation
                perform(engine.enqueue(command, id: id, now: clock.now))
            }
        } catch let error as ModemError {
            throw error
        } catch let error as ATError {
            throw .command(error)
        } catch {
            throw .closed(device: path)
        }
    }

    /// Convenience for a command given as text with the ordinary timeout.
    @discardableResult
    public func execute(_ text: String, timeout: Duration? = nil) async throws(ModemError) -> ATResponse {
        try await execute(ATCommand(text, timeout: timeout ?? configuration.commandTimeout))
    }

    /// Closes the transport; pending commands fail, streams finish.
    public func close() {
        transport.close()
        transportEnded(TransportError(device: path, kind: .closed, operation: "close"))
    }

    /// Whether the transport has ended (closed, unplugged).
    public var isClosed: Bool { closedError != nil }

    // MARK: - Carrying out the engine's actions

    private func received(_ chunk: [UInt8]) {
        perform(engine.received(chunk, now: clock.now))
    }

    /// The timer task woke: fire the engine if its deadline has come, else sleep on to it.
    private func timerWoke(scheduledFor instant: C.Instant) {
        // A task replaced while it was already waking must not disturb its successor.
        guard timerTaskWakesAt == instant else { return }
        timerTask = nil
        timerTaskWakesAt = nil
        guard let deadline = timerDeadline else { return }
        if clock.now >= deadline {
            timerDeadline = nil
            perform(engine.timerFired(now: clock.now))
        } else {
            startTimerTask(wakingAt: deadline)
        }
    }

    /// Every command moves the engine's deadline; rather than a task per command, one task sleeps
    /// and is replaced only when the deadline comes earlier than it wakes.
    private func setTimer(_ deadline: C.Instant?) {
        timerDeadline = deadline
        guard let deadline else { return }
        if let wakesAt = timerTaskWakesAt, wakesAt <= deadline { return }
        timerTask?.cancel()
        startTimerTask(wakingAt: deadline)
    }

    private func startTimerTask(wakingAt instant: C.Instant) {
        timerTaskWakesAt = instant
        let clock = self.clock
        timerTask = Task { [weak self] in
            do { try await clock.sleep(until: instant, tolerance: nil) } catch { return }
            await self?.timerWoke(scheduledFor: instant)
        }
    }

    private func transportEnded(_ error: any Error) {
        guard closedError == nil else { return }
        let transportError = (error as? TransportError) ?? TransportError(device: path, kind: .closed, operation: "read")
        closedError = .transport(transportError)
        perform(engine.transportClosed())
        for (_, continuation) in waiting { continuation.resume(throwing: ModemError.transport(transportError)) }
        waiting.removeAll()
        timerTask?.cancel()
        expiryTask?.cancel()
        eventContinuation.yield(.closed(transportError))
        incomingContinuation.finish()
        statusContinuation.finish()
        eventContinuation.finish()
    }

    private func perform(_ actions: [EngineAction<C.Instant>]) {
        for action in actions {
            switch action {
            case .write(let bytes):
                do {
                    try transport.write(bytes)
                } catch {
                    transportEnded(error)
                    return
                }
            case .complete(let id, let result):
                guard let continuation = waiting.removeValue(forKey: id) else { continue }
                switch result {
                case .success(let response): continuation.resume(returning: response)
                case .failure(let error): continuation.resume(throwing: error)
                }
            case .urc(let urc):
                handle(urc)
            case .setTimer(let deadline):
                setTimer(deadline)
            default:
                continue
            }
        }
    }
}

/// What the reader thread hands to the actor, in order.
enum ReaderOutput: Sendable {
    case bytes([UInt8])
    case closed(any Error)
}

/// Something the modem told us that is not a message.
public enum ModemEvent: Sendable, Equatable {
    /// Network registration changed (`+CREG`).
    case registration(RegistrationStatus)
    /// The modem's message storage is full: new messages will be refused by the network.
    case storageFull(storage: String, used: Int, total: Int)
    /// A message or part could not be decoded and was left alone; metadata only.
    case undecodable(index: Int?, error: PDUError)
    /// Incomplete concatenated parts were given up after the reassembly age.
    case partsExpired(count: Int)
    /// A URC nobody asked for (vendor noise, `RING`); its name only.
    case unsolicited(name: String)
    case closed(TransportError)
}
