// A module of its own in the package; compiled into the same module by fuzz/at/run.sh.
#if canImport(MonotonicTime)
import MonotonicTime
#endif
/// The AT command/response state machine: bytes in, events out; commands in, bytes out.
///
/// ITU-T V.250 §5 / TS 27.007 §4–5 — one command line at a time, answered by information
/// lines and one final result; TS 27.005 §3.5.1/§4.3 — `+CMGS`/`+CMGW` with a payload
/// written after the `> ` prompt and ended by Ctrl-Z, or cancelled by ESC.
///
/// Sans-I/O: no transport, no clock, no threads. Time comes in as `now`; deadlines go out
/// as `.setTimer`, and the shell calls `timerFired(now:)` when one passes. URCs are
/// delivered apart even in the middle of a response, with their trailing lines (the PDU
/// of `+CMT`); a URC whose trailing line never comes is reported incomplete after
/// `urcTrailingTimeout`, and a final result where a trailing line was expected still ends
/// the command. The echo of the command line (and of a payload) is dropped, so the engine
/// works with echo on or off.
public struct CommandEngine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public typealias Action = EngineAction<Instant>

    private struct Queued: Sendable {
        var id: CommandID
        var command: ATCommand
    }

    private struct Running: Sendable {
        var id: CommandID
        var command: ATCommand
        var context: LineClassifier.Context
        /// The command line as the modem echoes it, trimmed.
        var echo: [UInt8]
        var deadline: Instant
        var lines: [String] = []
        /// The echo of the command line may still arrive (echo on); dropped once.
        var commandEchoPending = true
        /// The payload was written and its echo may still arrive; dropped once.
        var payloadEchoPending = false
        /// Already completed as cancelled; its final result is swallowed when it comes,
        /// so it is never taken as the next command's.
        var cancelled = false
    }

    private struct PendingURC: Sendable {
        var urc: URC
        var remaining: Int
        var deadline: Instant
    }

    private enum State: Sendable {
        case idle
        /// A `+CMGS`-style command line was written; waiting for `> `.
        case awaitingPrompt(Running)
        /// Waiting for information lines and the final result.
        case awaitingResult(Running)
    }

    private var state: State = .idle
    /// Urgent commands first, then ordinary ones, each in the order they came.
    private var queue: [Queued] = []
    /// How many of `queue`'s first entries are urgent.
    private var urgentQueued = 0
    private var pendingURC: PendingURC?
    private var framer: LineFramer
    private let classifier: LineClassifier
    private let urcTrailingTimeout: Duration
    private var armedDeadline: Instant?

    public init(urcTable: URCTable = .standard, urcTrailingTimeout: Duration = .milliseconds(500), maxLineLength: Int = 2048) {
        precondition(urcTrailingTimeout >= .zero, "urcTrailingTimeout must not be negative")
        self.classifier = LineClassifier(urcTable: urcTable)
        self.urcTrailingTimeout = urcTrailingTimeout
        self.framer = LineFramer(maxLineLength: maxLineLength)
    }

    /// No command running or queued and no URC waiting for its trailing lines.
    public var isIdle: Bool {
        if case .idle = state { return queue.isEmpty && pendingURC == nil }
        return false
    }

    /// Commands queued behind the one in flight.
    public var queuedCount: Int { queue.count }

    /// Queues a command; it is written at once if nothing else is running.
    @_specialize(exported: true, where Instant == MonotonicInstant)
    public mutating func enqueue(_ command: ATCommand, id: CommandID, now: Instant) -> [Action] {
        var actions: [Action] = []
        if let reason = Self.invalidity(of: command) {
            actions.append(.complete(id, .failure(.invalidCommand(command: command.text, reason: reason))))
            return actions
        }
        if command.isUrgent {
            queue.insert(Queued(id: id, command: command), at: urgentQueued)
            urgentQueued += 1
        } else {
            queue.append(Queued(id: id, command: command))
        }
        startNextIfIdle(now: now, into: &actions)
        updateTimer(into: &actions)
        return actions
    }

    /// Consumes bytes read from the modem, in any chunking.
    public mutating func received(_ bytes: some Collection<UInt8>, now: Instant) -> [Action] {
        received(Array(bytes), now: now)
    }

    /// The bytes one read of the device returned. Specialised for the daemon's instant: the
    /// generic walk, called from the modem's module, went through a witness table per byte and
    /// per use of `Instant` (callgrind: a third of a relay's instructions were the engine's).
    @_specialize(exported: true, where Instant == MonotonicInstant)
    public mutating func received(_ bytes: [UInt8], now: Instant) -> [Action] {
        var actions: [Action] = []
        // Each event is handled before the next byte is framed: a line can start the next
        // command, which may set the framer to expect a prompt.
        for byte in bytes {
            guard let event = framer.push(byte) else { continue }
            handle(event, now: now, into: &actions)
        }
        updateTimer(into: &actions)
        return actions
    }

    /// Handles every deadline at or before `now`.
    @_specialize(exported: true, where Instant == MonotonicInstant)
    public mutating func timerFired(now: Instant) -> [Action] {
        var actions: [Action] = []
        if let pending = pendingURC, pending.deadline <= now {
            flushIncompleteURC(into: &actions)
        }
        switch state {
        case .idle:
            break
        case .awaitingPrompt(let running) where running.deadline <= now:
            // TS 27.005 §3.5.1 — ESC abandons the message; without it the modem would
            // take the next command line as message text.
            framer.reset()
            actions.append(.write([ASCII.esc]))
            finish(running, with: .failure(.timeout(command: running.command.text, after: running.command.timeout)), into: &actions)
            startNextIfIdle(now: now, into: &actions)
        case .awaitingResult(let running) where running.deadline <= now:
            // A half line that sat through the whole timeout is the dead command's; it
            // must not become the first line of the next one.
            framer.reset()
            finish(running, with: .failure(.timeout(command: running.command.text, after: running.command.timeout)), into: &actions)
            startNextIfIdle(now: now, into: &actions)
        case .awaitingPrompt, .awaitingResult:
            break
        }
        updateTimer(into: &actions)
        return actions
    }

    /// Cancels a queued or running command. A running command is completed as cancelled at
    /// once, but its final result is still awaited (and dropped) so it cannot be taken as
    /// the next command's; one waiting for its prompt is abandoned with ESC.
    @_specialize(exported: true, where Instant == MonotonicInstant)
    public mutating func cancel(_ id: CommandID, now: Instant) -> [Action] {
        var actions: [Action] = []
        if let index = queue.firstIndex(where: { $0.id == id }) {
            let queued = queue.remove(at: index)
            if queued.command.isUrgent { urgentQueued -= 1 }
            actions.append(.complete(id, .failure(.cancelled(command: queued.command.text))))
            return actions
        }
        switch state {
        case .awaitingPrompt(let running) where running.id == id && !running.cancelled:
            framer.expectingPrompt = false
            actions.append(.write([ASCII.esc]))
            finish(running, with: .failure(.cancelled(command: running.command.text)), into: &actions)
            startNextIfIdle(now: now, into: &actions)
        case .awaitingResult(var running) where running.id == id && !running.cancelled:
            actions.append(.complete(id, .failure(.cancelled(command: running.command.text))))
            running.cancelled = true
            state = .awaitingResult(running)
        default:
            break
        }
        updateTimer(into: &actions)
        return actions
    }

    /// Fails every running and queued command and forgets partial input; the engine can be
    /// used again once the transport is reopened.
    @_specialize(exported: true, where Instant == MonotonicInstant)
    public mutating func transportClosed() -> [Action] {
        var actions: [Action] = []
        flushIncompleteURC(into: &actions)
        switch state {
        case .awaitingPrompt(let running), .awaitingResult(let running):
            if !running.cancelled {
                actions.append(.complete(running.id, .failure(.transportClosed(command: running.command.text))))
            }
        case .idle:
            break
        }
        state = .idle
        for queued in queue {
            actions.append(.complete(queued.id, .failure(.transportClosed(command: queued.command.text))))
        }
        queue.removeAll()
        urgentQueued = 0
        framer.reset()
        updateTimer(into: &actions)
        return actions
    }

    // MARK: - Input

    private mutating func handle(_ event: LineFramer.Event, now: Instant, into actions: inout [Action]) {
        switch event {
        case .prompt:
            guard case .awaitingPrompt(var running) = state else { return }
            var bytes = running.command.payload ?? []
            bytes.append(ASCII.ctrlZ)
            actions.append(.write(bytes))
            running.payloadEchoPending = true
            running.deadline = now.advanced(by: running.command.timeout)
            state = .awaitingResult(running)
        case .overlong(let count):
            // The lost line may have been the trailing line a URC waits for.
            flushIncompleteURC(into: &actions)
            actions.append(.garbage(GarbageReport(reason: .overlongLine, byteCount: count)))
        case .line(let raw):
            let line = ASCII.trimmed(raw[...])
            guard !line.isEmpty else { return }
            handleLine(line, now: now, into: &actions)
        }
    }

    private mutating func handleLine(_ line: ArraySlice<UInt8>, now: Instant, into actions: inout [Action]) {
        if dropEcho(line) { return }
        // A prompt that came when none was expected (late, after ESC) is never a response line.
        if line.count == 1 && line.first == ASCII.greaterThan {
            actions.append(.garbage(GarbageReport(reason: .unexpectedPrompt, byteCount: 1)))
            return
        }
        let kind = classifier.classify(line: line, context: running?.context)

        if var pending = pendingURC {
            if case .information = kind {
                pending.urc.trailing.append(ASCII.string(line))
                pending.remaining -= 1
                if pending.remaining == 0 {
                    pendingURC = nil
                    actions.append(.urc(pending.urc))
                } else {
                    pendingURC = pending
                }
                return
            }
            // A final result, a response line or another URC where a trailing line was
            // expected: the URC lost its trailing line, the new line keeps its meaning.
            flushIncompleteURC(into: &actions)
        }

        switch kind {
        case .urc(let name, let value, let trailingLines):
            let urc = URC(name: name, value: value)
            if trailingLines == 0 {
                actions.append(.urc(urc))
            } else {
                pendingURC = PendingURC(urc: urc, remaining: trailingLines, deadline: now.advanced(by: urcTrailingTimeout))
            }
        case .final(let result):
            guard let running else {
                actions.append(.garbage(GarbageReport(reason: .unsolicitedResult, byteCount: line.count)))
                return
            }
            if case .awaitingPrompt = state { framer.expectingPrompt = false }
            let outcome: Result<ATResponse, ATError> =
                result.isSuccess
                ? .success(ATResponse(command: running.command.text, lines: running.lines, result: result))
                : .failure(.commandFailed(command: running.command.text, result: result))
            finish(running, with: outcome, into: &actions)
            startNextIfIdle(now: now, into: &actions)
        case .response, .information:
            guard var running else {
                actions.append(.garbage(GarbageReport(reason: .unsolicitedLine, byteCount: line.count)))
                return
            }
            running.lines.append(ASCII.string(line))
            running.commandEchoPending = false
            self.running = running
        }
    }

    /// Drops the echo of the running command's line, or of its payload after the prompt.
    private mutating func dropEcho(_ line: ArraySlice<UInt8>) -> Bool {
        guard var running else { return false }
        if running.commandEchoPending,
            ASCII.equalsIgnoringCase(line, running.echo)
        {
            running.commandEchoPending = false
            self.running = running
            return true
        }
        if running.payloadEchoPending, let payload = running.command.payload {
            // The echo may still carry the prompt if the modem sent it without a break.
            var echoed = line
            while let first = echoed.first, first == ASCII.greaterThan || ASCII.isTrimmable(first) {
                echoed = echoed.dropFirst()
            }
            if echoed.elementsEqual(ASCII.trimmed(payload[...])) {
                running.payloadEchoPending = false
                running.commandEchoPending = false
                self.running = running
                return true
            }
        }
        return false
    }

    // MARK: - Output

    private mutating func startNextIfIdle(now: Instant, into actions: inout [Action]) {
        guard case .idle = state, !queue.isEmpty else { return }
        let next = queue.removeFirst()
        if next.command.isUrgent { urgentQueued -= 1 }
        var bytes = Array(next.command.text.utf8)
        bytes.append(ASCII.cr)
        actions.append(.write(bytes))
        let running = Running(
            id: next.id,
            command: next.command,
            context: classifier.context(for: next.command.text),
            echo: Array(ASCII.trimmed(Array(next.command.text.utf8)[...])),
            deadline: now.advanced(by: next.command.timeout)
        )
        if next.command.payload != nil {
            framer.expectingPrompt = true
            state = .awaitingPrompt(running)
        } else {
            state = .awaitingResult(running)
        }
    }

    private mutating func finish(_ running: Running, with outcome: Result<ATResponse, ATError>, into actions: inout [Action]) {
        state = .idle
        if !running.cancelled {
            actions.append(.complete(running.id, outcome))
        }
    }

    private mutating func flushIncompleteURC(into actions: inout [Action]) {
        guard var pending = pendingURC else { return }
        pendingURC = nil
        pending.urc.complete = false
        actions.append(.urc(pending.urc))
    }

    private mutating func updateTimer(into actions: inout [Action]) {
        var next = running?.deadline
        if let urcDeadline = pendingURC?.deadline, next.map({ urcDeadline < $0 }) ?? true {
            next = urcDeadline
        }
        guard next != armedDeadline else { return }
        armedDeadline = next
        actions.append(.setTimer(next))
    }

    // MARK: - Helpers

    /// The running command, whichever phase it is in.
    private var running: Running? {
        get {
            switch state {
            case .idle: return nil
            case .awaitingPrompt(let running), .awaitingResult(let running): return running
            }
        }
        set {
            guard let newValue else { return }
            switch state {
            case .idle: preconditionFailure("no running command to update")
            case .awaitingPrompt: state = .awaitingPrompt(newValue)
            case .awaitingResult: state = .awaitingResult(newValue)
            }
        }
    }

    /// Why a command would break framing, or nil if it is fine to write.
    private static func invalidity(of command: ATCommand) -> String? {
        if command.text.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == ASCII.ctrlZ || $0 == ASCII.esc }) {
            return "command text contains CR, LF, Ctrl-Z or ESC"
        }
        if let payload = command.payload, payload.contains(where: { $0 == ASCII.ctrlZ || $0 == ASCII.esc }) {
            return "payload contains Ctrl-Z or ESC"
        }
        if command.timeout < .zero {
            return "negative timeout"
        }
        return nil
    }
}
