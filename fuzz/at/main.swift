// libFuzzer harness for the sans-I/O AT engine: LineFramer, LineClassifier and
// CommandEngine are compiled straight into this file's module (no SwiftPM, no ATModem
// import), see run.sh. The fuzz input is a little program: enqueue commands, feed chunks
// of modem bytes, move the clock, fire timers, cancel, close. Invariants are checked
// with preconditions so a violation is a crash libFuzzer reports.

/// A manual instant: the fuzzer moves time.
struct FuzzInstant: InstantProtocol {
    var offset: Duration
    func advanced(by duration: Duration) -> FuzzInstant { FuzzInstant(offset: offset + duration) }
    func duration(to other: FuzzInstant) -> Duration { other.offset - offset }
    static func < (lhs: FuzzInstant, rhs: FuzzInstant) -> Bool { lhs.offset < rhs.offset }
}

/// Reads the fuzz input front to back; runs dry with zeros.
struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var isAtEnd: Bool { position >= bytes.count }
    mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }
    mutating func chunk(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, position + count)
        defer { position = end }
        return Array(bytes[position..<end])[...]
    }
}

let payloadMarker = Array("5EC2E7C0FFEE".utf8)
let commands: [ATCommand] = [
    ATCommand("AT"),
    ATCommand("AT+CREG?"),
    ATCommand("AT+CPIN?"),
    ATCommand("AT+CMGL=4"),
    ATCommand("AT+CMGR=1"),
    ATCommand("AT+CREG=2"),
    ATCommand("AT+CMGS=23", payload: payloadMarker, timeout: .seconds(2)),
    ATCommand("AT+CMGW=23", payload: payloadMarker),
    ATCommand("ATD+15551234567;"),
    ATCommand("AT+CPIN=\"1234\""),
    ATCommand("AT\r"),
    ATCommand("AT+CMEE=1;+CMGF=0", timeout: .milliseconds(1)),
]

/// Tracks completions so each id completes exactly once.
struct Ledger {
    var pending: Set<UInt64> = []
    var completed: Set<UInt64> = []

    mutating func check(_ actions: [EngineAction<FuzzInstant>]) {
        for action in actions {
            switch action {
            case .complete(let id, let result):
                precondition(pending.remove(id.rawValue) != nil, "completion for unknown or finished id \(id)")
                completed.insert(id.rawValue)
                if case .failure(let error) = result {
                    let text = error.description
                    precondition(!text.contains("5EC2E7C0FFEE"), "payload leaked into an error")
                    precondition(!text.contains("1234\""), "PIN leaked into an error")
                }
            case .urc(let urc):
                precondition(urc.complete || urc.trailing.count < 1 || !urc.name.isEmpty)
            case .garbage(let report):
                precondition(report.byteCount > 0)
            case .write, .setTimer:
                break
            }
        }
    }
}

func fuzzFramerAndClassifier(_ data: UnsafeBufferPointer<UInt8>) {
    guard let first = data.first else { return }
    let maxLength = Int(first % 64) + 1
    var framer = LineFramer(maxLineLength: maxLength)
    let classifier = LineClassifier()
    let contexts: [LineClassifier.Context?] = [nil, classifier.context(for: "AT+CREG?"), classifier.context(for: "AT+CMGL=4")]
    var index = 0
    for byte in data.dropFirst() {
        framer.expectingPrompt = framer.expectingPrompt || byte == 0x3E && index % 3 == 0
        if let event = framer.push(byte), case .line(let line) = event {
            precondition(line.count <= maxLength)
            _ = classifier.classify(line: line[...], context: contexts[index % 3])
            let text = String(decoding: line, as: UTF8.self)
            _ = URC.parseStorageIndex(text)
            _ = URC.parsePDULength(text)
            _ = URC.parseRegistration(text)
        }
        precondition(framer.pendingByteCount <= maxLength)
        index += 1
    }
}

func fuzzEngine(_ data: UnsafeBufferPointer<UInt8>) {
    var reader = Reader(bytes: data)
    let config = reader.byte()
    var engine = CommandEngine<FuzzInstant>(
        urcTrailingTimeout: .milliseconds(Int(config & 0x0F) * 100),
        maxLineLength: [16, 64, 256, 2048][Int(config >> 4) & 3]
    )
    var now = FuzzInstant(offset: .zero)
    var ledger = Ledger()
    var nextID: UInt64 = 1
    var steps = 0
    while !reader.isAtEnd && steps < 4096 {
        steps += 1
        let op = reader.byte()
        switch op % 10 {
        case 0, 1:
            let command = commands[Int(reader.byte()) % commands.count]
            ledger.pending.insert(nextID)
            ledger.check(engine.enqueue(command, id: CommandID(nextID), now: now))
            nextID += 1
        case 2, 3, 4, 5, 6:
            let chunk = reader.chunk(Int(op >> 3) + 1)
            ledger.check(engine.received(chunk, now: now))
        case 7:
            now = now.advanced(by: .milliseconds(Int(reader.byte()) * 20))
            ledger.check(engine.timerFired(now: now))
        case 8:
            let id = UInt64(reader.byte() % 16)
            ledger.check(engine.cancel(CommandID(id), now: now))
        default:
            if op == 255 { ledger.check(engine.transportClosed()) }
        }
    }
    ledger.check(engine.transportClosed())
    precondition(ledger.pending.isEmpty, "commands never completed: \(ledger.pending)")
    precondition(engine.isIdle, "engine not idle after transportClosed")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let buffer = UnsafeBufferPointer(start: data, count: size)
    fuzzFramerAndClassifier(buffer)
    fuzzEngine(buffer)
    return 0
}
