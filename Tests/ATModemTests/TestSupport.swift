import ATModem

/// A manual instant for the engine: time moves only when a test says so.
struct TestInstant: InstantProtocol, CustomStringConvertible {
    var offset: Duration

    static let zero = TestInstant(offset: .zero)

    func advanced(by duration: Duration) -> TestInstant {
        TestInstant(offset: offset + duration)
    }

    func duration(to other: TestInstant) -> Duration {
        other.offset - offset
    }

    static func < (lhs: TestInstant, rhs: TestInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    var description: String { "t+\(offset)" }
}

/// SplitMix64: a tiny seeded generator, so a failing chunking can be reproduced by its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Ways to cut a byte stream into chunks.
enum Chunking: CustomStringConvertible {
    case whole
    case byteByByte
    case random(seed: UInt64)

    /// Every chunking the drip-feed tests use: whole, byte by byte, and 30 seeded random ones.
    static let all: [Chunking] = [.whole, .byteByByte] + (1...30).map { .random(seed: $0) }

    func chunks(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [bytes[...]]
        case .byteByByte:
            return bytes.indices.map { bytes[$0...$0] }
        case .random(let seed):
            var generator = SeededGenerator(seed: seed)
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < bytes.count {
                let size = Int.random(in: 1...max(1, min(16, bytes.count - start)), using: &generator)
                chunks.append(bytes[start..<(start + size)])
                start += size
            }
            return chunks
        }
    }

    var description: String {
        switch self {
        case .whole: return "whole"
        case .byteByByte: return "byte by byte"
        case .random(let seed): return "random seed \(seed)"
        }
    }
}

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
