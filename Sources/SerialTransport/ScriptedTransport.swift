/// A transport whose far end is a script: the test double for everything above the transport.
///
/// Each command written (the text before a CR, or before Ctrl-Z for a PDU typed after the
/// `> ` prompt — TS 27.005 §3.5.1) is looked up in the script: an exact rule first, then
/// the longest matching prefix rule. The rule's reply becomes readable, after `replyDelay`;
/// a command no rule matches gets `"\r\nERROR\r\n"`, as a modem answers what it does not
/// know. Switches: `echo` (ITU-T V.250 `E1`: every written byte comes back first),
/// `closing` (the next read throws `.closed`, like an unplugged modem), `replyDelay`.
/// `inject(_:)` pushes unsolicited bytes (URCs). Everything written is recorded.
///
/// `@unchecked Sendable`: every stored property below `lock` is read and written only with
/// `lock` held; a blocked `read` waits on its condition, which `inject`, `write`, `close`
/// and the switches signal.
public final class ScriptedTransport: Transport, @unchecked Sendable {
    /// One line of the script.
    public struct Rule: Sendable {
        public enum Match: Sendable, Equatable {
            case exact(String)
            case prefix(String)
        }

        public var match: Match
        /// The reply to a matching command, given the command text.
        public var reply: @Sendable (String) -> [UInt8]
        /// How many more commands this rule answers; `nil` for any number. A used-up rule
        /// steps aside for the next match, so `+CPIN?` can answer "busy" once, then "READY".
        public var remainingUses: Int?

        public init(match: Match, remainingUses: Int? = nil, reply: @escaping @Sendable (String) -> [UInt8]) {
            self.match = match
            self.remainingUses = remainingUses
            self.reply = reply
        }

        /// Answers exactly `command` (without its CR) with `reply`.
        public static func exact(_ command: String, reply: String, times: Int? = nil) -> Rule {
            let bytes = Array(reply.utf8)
            return Rule(match: .exact(command), remainingUses: times) { _ in bytes }
        }

        /// Answers every command starting with `prefix` with `reply`.
        public static func prefix(_ prefix: String, reply: String, times: Int? = nil) -> Rule {
            let bytes = Array(reply.utf8)
            return Rule(match: .prefix(prefix), remainingUses: times) { _ in bytes }
        }

        /// Answers every command starting with `prefix` with what `reply` makes of it.
        public static func prefix(
            _ prefix: String, times: Int? = nil, reply: @escaping @Sendable (String) -> [UInt8]
        ) -> Rule {
            Rule(match: .prefix(prefix), remainingUses: times, reply: reply)
        }

        func matches(_ command: String) -> Bool {
            guard remainingUses.map({ $0 > 0 }) ?? true else { return false }
            switch match {
            case .exact(let text): return command == text
            case .prefix(let text): return command.hasPrefix(text)
            }
        }
    }

    /// What an unscripted command gets.
    public static let errorReply: [UInt8] = Array("\r\nERROR\r\n".utf8)

    private static let carriageReturn: UInt8 = 0x0D
    private static let lineFeed: UInt8 = 0x0A
    private static let controlZ: UInt8 = 0x1A
    private static let escape: UInt8 = 0x1B

    public let path: String

    private let lock = ConditionLock()
    private var rules: [Rule]
    private var echoEnabled: Bool
    private var delay: Duration
    private var closingSwitch = false
    private var wakePending = false
    private var closed = false
    private var pending: [(readableAt: ContinuousClock.Instant, bytes: [UInt8])] = []
    private var writtenBytes: [UInt8] = []
    private var writtenCommands: [String] = []
    private var commandBuffer: [UInt8] = []

    public init(path: String = "scripted", rules: [Rule] = [], echo: Bool = false, replyDelay: Duration = .zero) {
        self.path = path
        self.rules = rules
        echoEnabled = echo
        delay = replyDelay
    }

    /// Adds a rule after the existing ones.
    public func add(_ rule: Rule) {
        lock.withLock { rules.append(rule) }
    }

    /// Answers exactly `command` with `reply`.
    public func on(_ command: String, reply: String, times: Int? = nil) {
        add(.exact(command, reply: reply, times: times))
    }

    /// Whether written bytes are echoed back, as a modem does before `ATE0`.
    public var echo: Bool {
        get { lock.withLock { echoEnabled } }
        set { lock.withLock { echoEnabled = newValue } }
    }

    /// How long a reply takes to become readable after its command's CR.
    public var replyDelay: Duration {
        get { lock.withLock { delay } }
        set { lock.withLock { delay = newValue } }
    }

    /// When on, the far end is gone: reads and writes throw `.closed`. Turning it on wakes
    /// a blocked read.
    public var closing: Bool {
        get { lock.withLock { closingSwitch } }
        set {
            lock.withLock {
                closingSwitch = newValue
                lock.broadcast()
            }
        }
    }

    /// Pushes unsolicited bytes (a URC, say) to the reader, readable now.
    public func inject(_ bytes: [UInt8]) {
        lock.withLock {
            enqueue(bytes, readableAt: .now)
            lock.broadcast()
        }
    }

    /// Pushes unsolicited text, UTF-8 encoded.
    public func inject(_ text: String) {
        inject(Array(text.utf8))
    }

    /// Every byte written so far.
    public var written: [UInt8] {
        lock.withLock { writtenBytes }
    }

    /// Every command written so far, without its terminator, in order.
    public var commands: [String] {
        lock.withLock { writtenCommands }
    }

    /// Whether `close()` has run.
    public var isClosed: Bool {
        lock.withLock { closed }
    }

    public func write(_ bytes: [UInt8]) throws(TransportError) {
        let result: TransportError? = lock.withLock {
            if let error = closedError(operation: "write") { return error }
            writtenBytes += bytes
            let now = ContinuousClock.now
            if echoEnabled && !bytes.isEmpty { enqueue(bytes, readableAt: now) }
            for byte in bytes {
                switch byte {
                case Self.carriageReturn, Self.controlZ:
                    answer(commandBuffer, now: now)
                    commandBuffer.removeAll()
                case Self.escape:
                    commandBuffer.removeAll()
                case Self.lineFeed where commandBuffer.isEmpty:
                    continue
                default:
                    commandBuffer.append(byte)
                }
            }
            lock.broadcast()
            return nil
        }
        if let result { throw result }
    }

    public func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
        precondition(maxCount > 0, "read needs room for at least one byte")
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let result: Result<[UInt8], TransportError> = lock.withLock {
            while true {
                if let error = closedError(operation: "read") { return .failure(error) }
                let now = ContinuousClock.now
                if let first = pending.first, first.readableAt <= now {
                    return .success(takeReadable(maxCount: maxCount, now: now))
                }
                if wakePending {
                    wakePending = false
                    return .success([])
                }
                if now >= deadline { return .success([]) }
                let wakeAt = pending.first.map { min($0.readableAt, deadline) } ?? deadline
                lock.wait(until: wakeAt)
            }
        }
        return try result.get()
    }

    public func wake() {
        lock.withLock {
            wakePending = true
            lock.broadcast()
        }
    }

    public func close() {
        lock.withLock {
            closed = true
            lock.broadcast()
        }
    }

    // MARK: - Lock held

    private func closedError(operation: String) -> TransportError? {
        if closed {
            return TransportError(device: path, kind: .closed, operation: operation, detail: "closed by caller")
        }
        if closingSwitch {
            return TransportError(device: path, kind: .closed, operation: operation, detail: "far end closed")
        }
        return nil
    }

    private func answer(_ line: [UInt8], now: ContinuousClock.Instant) {
        let command = String(decoding: line, as: UTF8.self)
        guard !command.isEmpty else { return }
        writtenCommands.append(command)
        let reply: [UInt8]
        if let index = ruleIndex(for: command) {
            if let uses = rules[index].remainingUses { rules[index].remainingUses = uses - 1 }
            reply = rules[index].reply(command)
        } else {
            reply = Self.errorReply
        }
        enqueue(reply, readableAt: now.advanced(by: delay))
    }

    /// An exact rule wins; otherwise the longest matching prefix; the earliest added on ties.
    private func ruleIndex(for command: String) -> Int? {
        var best: (index: Int, length: Int)?
        for (index, rule) in rules.enumerated() where rule.matches(command) {
            switch rule.match {
            case .exact:
                return index
            case .prefix(let prefix):
                if best == nil || prefix.count > best!.length { best = (index, prefix.count) }
            }
        }
        return best?.index
    }

    /// Queues bytes in the order they become readable; equal times keep the order written.
    private func enqueue(_ bytes: [UInt8], readableAt: ContinuousClock.Instant) {
        guard !bytes.isEmpty else { return }
        let position = pending.firstIndex { $0.readableAt > readableAt } ?? pending.endIndex
        pending.insert((readableAt, bytes), at: position)
    }

    private func takeReadable(maxCount: Int, now: ContinuousClock.Instant) -> [UInt8] {
        var taken: [UInt8] = []
        while taken.count < maxCount, let first = pending.first, first.readableAt <= now {
            let room = maxCount - taken.count
            if first.bytes.count <= room {
                taken += first.bytes
                pending.removeFirst()
            } else {
                taken += first.bytes.prefix(room)
                pending[0].bytes.removeFirst(room)
            }
        }
        return taken
    }
}
