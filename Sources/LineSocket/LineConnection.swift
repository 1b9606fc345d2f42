/// One client of a `LineSocketServer` as its poll loop sees it: the bytes read but not yet
/// taken as lines, the reply bytes not yet written, and where the conversation stands.
///
/// No I/O of its own, so the framing and the bounds are tested without a socket. Requests are
/// taken one at a time (`awaitingReply`), which keeps the replies in the order of the lines.
struct LineConnection {
    enum Next: Equatable {
        /// A complete request line, its line end (`\n` or `\r\n`) removed.
        case request(String)
        /// The line is longer than allowed; the connection gets an error and is closed.
        case tooLong
        /// No complete line yet.
        case none
    }

    let id: UInt64
    let fd: Int32
    private var input: [UInt8] = []
    /// Bytes before this offset were already taken as lines.
    private var inputStart = 0
    /// Bytes from `inputStart` up to `inputStart + scanned` hold no line end, so a line arriving
    /// byte by byte is searched once, not once per byte.
    private var scanned = 0
    private var output: [UInt8] = []
    private var outputStart = 0

    /// A request of this connection is with the handler; its later lines wait.
    var awaitingReply = false
    /// The client shut down its sending side (or the read failed): no more lines will come.
    var inputClosed = false
    /// Close as soon as the pending output is written (after an overlong line's error).
    var closeWhenFlushed = false
    /// The last accept, complete line, reply or written reply byte; the read timeout counts from it.
    var lastProgress: ContinuousClock.Instant

    init(id: UInt64, fd: Int32, now: ContinuousClock.Instant) {
        self.id = id
        self.fd = fd
        self.lastProgress = now
    }

    var pendingInputCount: Int { input.count - inputStart }
    var pendingOutputCount: Int { output.count - outputStart }

    /// Whether to read more: not after the end, and not past one line's worth of unread bytes.
    func wantsInput(_ limits: LineSocketLimits) -> Bool {
        !inputClosed && !closeWhenFlushed && pendingInputCount <= limits.maximumLineLength + 1
    }

    /// Whether the next complete line may go to the handler now.
    func takesRequests(_ limits: LineSocketLimits) -> Bool {
        !awaitingReply && !closeWhenFlushed && pendingOutputCount < limits.maximumPendingOutput
    }

    /// Nothing more can happen on this connection: close it.
    var isFinished: Bool {
        pendingOutputCount == 0 && (closeWhenFlushed || (inputClosed && !awaitingReply))
    }

    /// When the read timeout drops this connection; never while its request is with the handler.
    func deadline(_ limits: LineSocketLimits) -> ContinuousClock.Instant? {
        awaitingReply ? nil : lastProgress + limits.readTimeout
    }

    mutating func receive(_ bytes: some Collection<UInt8>) {
        compactInput()
        input.append(contentsOf: bytes)
    }

    /// Takes the next request line; blank lines (spaces and tabs only) are skipped.
    mutating func nextLine(maximumLength: Int) -> Next {
        while true {
            let searchFrom = inputStart + scanned
            guard let newline = input[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
                scanned = pendingInputCount
                // A lone trailing CR may still become the line end, so it does not count yet.
                let length = input.last == UInt8(ascii: "\r") ? pendingInputCount - 1 : pendingInputCount
                return length > maximumLength ? .tooLong : .none
            }
            var end = newline
            if end > inputStart, input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            let line = input[inputStart..<end]
            inputStart = newline + 1
            scanned = 0
            if line.count > maximumLength { return .tooLong }
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            return .request(String(decoding: line, as: UTF8.self))
        }
    }

    /// Appends one reply line; the handler's reply must not hold a line end of its own.
    mutating func queue(reply: String) {
        compactOutput()
        output.append(contentsOf: reply.utf8)
        output.append(UInt8(ascii: "\n"))
    }

    /// Calls `body` with the bytes still to write; it returns how many it wrote.
    mutating func writePending(_ body: (UnsafeRawBufferPointer) -> Int) -> Int {
        guard pendingOutputCount > 0 else { return 0 }
        let written = output[outputStart...].withUnsafeBytes(body)
        if written > 0 { outputStart += written }
        if outputStart == output.count { compactOutput() }
        return written
    }

    private mutating func compactInput() {
        guard inputStart > 0 else { return }
        if inputStart == input.count {
            // A buffer grown by one big line is given back rather than kept per idle connection.
            input.removeAll(keepingCapacity: input.capacity <= 4096)
            inputStart = 0
        } else if inputStart >= input.count / 2 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    private mutating func compactOutput() {
        guard outputStart > 0 else { return }
        if outputStart == output.count {
            output.removeAll(keepingCapacity: output.capacity <= 4096)
            outputStart = 0
        } else if outputStart >= output.count / 2 {
            output.removeFirst(outputStart)
            outputStart = 0
        }
    }
}
