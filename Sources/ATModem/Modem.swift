/// A GSM modem driven in PDU mode: the shell that carries out the AT engine's actions on the
/// modem's own thread.
///
/// Its executor (`ModemExecutor`) is one thread that reads the transport and hands the bytes
/// straight to `received(_:)`; the engine's answers complete commands and deliver URCs on that
/// same thread, and what the modem learns goes synchronously to its `ModemDelegate` — no stream,
/// no pump task, no actor hop between the device and the delegate's decision. TS 27.005 §3 (PDU
/// mode) and TS 27.007 for the general commands.
public actor Modem {
    public nonisolated let path: String
    public nonisolated let configuration: ModemConfiguration
    public nonisolated let executor: ModemExecutor

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    let transport: any Transport
    var engine = CommandEngine<MonotonicInstant>()
    var delegate: (any ModemDelegate)?
    private var waiting: [CommandID: @Sendable (Result<ATResponse, ModemError>) -> Void] = [:]
    private var nextCommandID: UInt64 = 0
    private var engineTimer: TimerQueue<@Sendable () -> Void>.Handle?
    private var closedError: ModemError?

    var book: StorageBook
    var reassembler: Reassembler<StorageSlot?, MonotonicInstant>
    /// Parts of messages handed out or deleted lately: a copy read again is deleted at once.
    var finishedParts = FinishedParts()
    var expiryTimer: TimerQueue<@Sendable () -> Void>.Handle?
    var nextConcatenationReference: Int
    /// Memories the modem offers for reading (`+CPMS=?`), learnt at start-up.
    var offeredStorages: [String] = []
    /// Counters for status: lines the engine dropped, URCs nobody asked for.
    public private(set) var garbageLines = 0

    /// Wraps an open transport and starts reading it on `executor`; call `start()` next.
    public init(transport: any Transport, configuration: ModemConfiguration = ModemConfiguration(), executor: ModemExecutor, delegate: (any ModemDelegate)? = nil) {
        self.path = transport.path
        self.transport = transport
        self.configuration = configuration
        self.executor = executor
        self.delegate = delegate
        self.book = StorageBook(receiveStorage: configuration.preferredStorage.uppercased())
        self.reassembler = Reassembler(capacity: configuration.reassemblyCapacity, maxAge: configuration.reassemblyMaxAge)
        self.nextConcatenationReference = configuration.firstConcatenationReference
        executor.attach(
            transport,
            onBytes: { [weak self] bytes in self?.assumeIsolated { $0.received(bytes) } },
            onClosed: { [weak self] error in self?.assumeIsolated { $0.transportEnded(error) } }
        )
    }

    /// Replaces the delegate (nil: nothing is told any more).
    public func setDelegate(_ delegate: (any ModemDelegate)?) {
        self.delegate = delegate
    }

    // MARK: - Commands

    /// Runs one AT command and returns its response; a final result other than `OK` throws.
    @discardableResult
    public func execute(_ command: ATCommand) async throws(ModemError) -> ATResponse {
        let result: Result<ATResponse, ModemError> = await withCheckedContinuation { continuation in
            enqueue(command) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Convenience for a command given as text with the ordinary timeout.
    @discardableResult
    public func execute(_ text: String, timeout: Duration? = nil) async throws(ModemError) -> ATResponse {
        try await execute(ATCommand(text, timeout: timeout ?? configuration.commandTimeout))
    }

    /// Queues a command; `completion` runs on the modem's thread with its outcome. The hot path
    /// (read on `+CMTI`, acknowledge a `+CMT`, delete) uses this directly, without a task.
    func enqueue(_ command: ATCommand, completion: @escaping @Sendable (Result<ATResponse, ModemError>) -> Void) {
        if let closedError {
            completion(.failure(closedError))
            return
        }
        nextCommandID += 1
        let id = CommandID(nextCommandID)
        waiting[id] = completion
        perform(engine.enqueue(command, id: id, now: executor.time.now))
    }

    /// Closes the transport; pending commands fail, the delegate hears `.closed`.
    public func close() {
        transport.close()
        transportEnded(TransportError(device: path, kind: .closed, operation: "close"))
    }

    /// Whether the transport has ended (closed, unplugged).
    public var isClosed: Bool { closedError != nil }

    /// Commands queued behind the one in flight (a pool sends out of the least queued modem).
    public var queuedCommands: Int { engine.queuedCount }

    /// No command in flight or queued, no URC waiting for its trailing line.
    public var isIdle: Bool { engine.isIdle }

    /// Writes raw bytes (Esc to free a modem stuck at a `> ` prompt).
    func writeRaw(_ bytes: [UInt8]) throws(ModemError) {
        do { try transport.write(bytes) } catch { throw .transport(error) }
    }

    // MARK: - Carrying out the engine's actions

    func received(_ chunk: [UInt8]) {
        perform(engine.received(chunk, now: executor.time.now))
    }

    private func engineTimerFired() {
        engineTimer = nil
        perform(engine.timerFired(now: executor.time.now))
    }

    private func setEngineTimer(_ deadline: MonotonicInstant?) {
        if let engineTimer { executor.cancel(engineTimer) }
        engineTimer = deadline.map { deadline in
            executor.schedule(at: deadline) { [weak self] in self?.assumeIsolated { $0.engineTimerFired() } }
        }
    }

    func transportEnded(_ error: TransportError) {
        guard closedError == nil else { return }
        closedError = .transport(error)
        executor.detach(transport)
        perform(engine.transportClosed())
        let pending = waiting
        waiting.removeAll()
        for (_, completion) in pending { completion(.failure(.transport(error))) }
        if let engineTimer { executor.cancel(engineTimer) }
        if let expiryTimer { executor.cancel(expiryTimer) }
        engineTimer = nil
        expiryTimer = nil
        let delegate = self.delegate
        self.delegate = nil
        delegate?.modem(self, noticed: .closed(error))
    }

    /// Carries out the engine's actions: writes at once, in order; then the timer the engine asked
    /// for last; and only then the completions and URCs. Those may queue the next command (a read
    /// on `+CMTI`, a read after a delete), which runs the engine again from here: had they run
    /// mid-loop, the rest of this batch — a stale `.setTimer(nil)` from before that command
    /// started — would have disarmed the new command's timeout.
    private func perform(_ actions: [EngineAction<MonotonicInstant>]) {
        var timer: MonotonicInstant??
        var deferred: [EngineAction<MonotonicInstant>] = []
        for action in actions {
            switch action {
            case .write(let bytes):
                do {
                    try transport.write(bytes)
                } catch {
                    transport.close()
                    transportEnded(error)
                    return
                }
            case .setTimer(let deadline):
                timer = .some(deadline)
            case .garbage:
                garbageLines += 1
            case .complete, .urc:
                deferred.append(action)
            }
        }
        if let timer { setEngineTimer(timer) }
        for action in deferred {
            switch action {
            case .complete(let id, let result):
                guard let completion = waiting.removeValue(forKey: id) else { continue }
                completion(result.mapError { .command($0) })
            case .urc(let urc):
                handle(urc)
            default:
                continue
            }
        }
    }

    func tell(_ event: ModemEvent) {
        delegate?.modem(self, noticed: event)
    }

    /// Runs `handling` for one message's PDU unless the delegate sets it aside; nil then.
    func guarded<T>(_ pdu: String, _ handling: () -> T) -> T? {
        guard let delegate else { return handling() }
        guard delegate.modem(self, willHandle: pdu) else { return nil }
        defer { delegate.modemFinishedHandling(self) }
        return handling()
    }
}

/// What a modem tells its owner, synchronously on the modem's thread.
public protocol ModemDelegate: AnyObject, Sendable {
    /// A complete message (every part reassembled). In storage mode its parts stay in storage
    /// until someone deletes them; the answer says what becomes of it now.
    func modem(_ modem: isolated Modem, received message: ReceivedSMS) -> MessageDisposition
    /// Anything else worth knowing: registration, storage full, undecodable, closed, reports.
    func modem(_ modem: isolated Modem, noticed event: ModemEvent)
    /// About to decode and hand on the message whose PDU (hex, as the modem printed it) this is;
    /// false sets it aside instead — never decoded, never deleted (a message whose handling
    /// crashed the daemon before). `modemFinishedHandling` follows when this is true.
    func modem(_ modem: isolated Modem, willHandle pdu: String) -> Bool
    /// The message announced by `willHandle` was decoded and handed on (or refused) without a crash.
    func modemFinishedHandling(_ modem: isolated Modem)
}

extension ModemDelegate {
    public func modem(_ modem: isolated Modem, willHandle pdu: String) -> Bool { true }
    public func modemFinishedHandling(_ modem: isolated Modem) {}
}

/// What the delegate did with a complete message.
public enum MessageDisposition: Sendable, Equatable {
    /// Taken: it will be deleted (storage mode) when done; acknowledged now (direct mode).
    case taken
    /// Not taken now (the registry was unreachable, say): left in storage for a later sweep, or
    /// refused with `+CNMA=2` in direct mode so the network delivers it again.
    case leftForLater
    /// Not wanted (binary data, say): deleted now, acknowledged in direct mode.
    case discard
}

/// Something the modem told us that is not a message.
public enum ModemEvent: Sendable, Equatable {
    /// Network registration changed (`+CREG`).
    case registration(RegistrationStatus)
    /// The modem's message storage is full: new messages will be refused by the network.
    case storageFull(storage: String, used: Int, total: Int)
    /// A message or part could not be decoded; metadata only. In storage mode it was deleted.
    case undecodable(slot: StorageSlot?, error: PDUError)
    /// Incomplete concatenated parts were given up after the reassembly age (and deleted).
    case partsExpired(count: Int)
    /// A part of a message already relayed or discarded was read again (its delete had been
    /// refused) and deleted at once.
    case finishedPartDeleted(slot: StorageSlot)
    /// A message set aside by the delegate (it crashed the daemon before): left where it is,
    /// never decoded; acknowledged in direct mode so the network stops offering it.
    case setAside(slot: StorageSlot?)
    /// A status report (`+CDS`, or a stored one, which was deleted).
    case statusReport(SMSStatusReport)
    case closed(TransportError)
}

