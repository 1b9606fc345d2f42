import ATEngine
import TestSupport

/// What a test checks from the engine: completions, URCs and garbage, in order.
enum Outcome: Equatable, CustomStringConvertible {
    case done(UInt64, Result<ATResponse, ATError>)
    case urc(URC)
    case garbage(GarbageReport.Reason)

    var description: String {
        switch self {
        case .done(let id, .success(let response)): return "done #\(id) \(response.result) \(response.lines)"
        case .done(let id, .failure(let error)): return "done #\(id) failed: \(error)"
        case .urc(let urc): return "urc \(urc.name) \(urc.value) \(urc.trailing) complete=\(urc.complete)"
        case .garbage(let reason): return "garbage \(reason)"
        }
    }
}

/// Drives a `CommandEngine` on a manual clock and records everything it asks for.
struct EngineHarness {
    var engine: CommandEngine<TestInstant>
    var now = TestInstant.zero
    var actions: [EngineAction<TestInstant>] = []
    var timer: TestInstant?

    init(urcTrailingTimeout: Duration = .milliseconds(500), maxLineLength: Int = 2048) {
        engine = CommandEngine(urcTrailingTimeout: urcTrailingTimeout, maxLineLength: maxLineLength)
    }

    mutating func enqueue(_ command: ATCommand, id: UInt64) {
        record(engine.enqueue(command, id: CommandID(id), now: now))
    }

    mutating func receive(_ text: String) {
        record(engine.received(Array(text.utf8), now: now))
    }

    mutating func receive(bytes: some Collection<UInt8>) {
        record(engine.received(bytes, now: now))
    }

    /// Moves the clock and fires the timer if its deadline passed, as a shell would.
    mutating func advance(_ duration: Duration) {
        now = now.advanced(by: duration)
        if let deadline = timer, deadline <= now {
            record(engine.timerFired(now: now))
        }
    }

    mutating func record(_ new: [EngineAction<TestInstant>]) {
        for action in new {
            if case .setTimer(let deadline) = action { timer = deadline }
        }
        actions += new
    }

    var outcomes: [Outcome] {
        actions.compactMap { action in
            switch action {
            case .complete(let id, let result): return .done(id.rawValue, result)
            case .urc(let urc): return .urc(urc)
            case .garbage(let report): return .garbage(report.reason)
            case .write, .setTimer: return nil
            }
        }
    }

    var writes: [[UInt8]] {
        actions.compactMap { action in
            if case .write(let bytes) = action { return bytes }
            return nil
        }
    }

    /// The bytes written, as text (control bytes shown as `^Z`, `<ESC>`, `\r`).
    var writtenText: String {
        writes.map { bytes in
            bytes.map { byte -> String in
                switch byte {
                case 0x1A: return "^Z"
                case 0x1B: return "<ESC>"
                case 0x0D: return "\\r"
                default: return String(UnicodeScalar(byte))
                }
            }.joined()
        }.joined(separator: "|")
    }
}

func ok(_ command: String, _ lines: [String] = []) -> Result<ATResponse, ATError> {
    .success(ATResponse(command: command, lines: lines, result: .ok))
}

func failed(_ command: String, _ result: FinalResult) -> Result<ATResponse, ATError> {
    .failure(.commandFailed(command: command, result: result))
}
