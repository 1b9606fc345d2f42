/// Cuts the modem's byte stream into lines, in any chunking.
///
/// ITU-T V.250 §5.7.1 / TS 27.007 §4.1 — responses are framed `<CR><LF>text<CR><LF>`, but
/// modems also send bare CR or LF, LF CR, CR CR LF and blank lines; any CR or LF ends a
/// line and empty lines are skipped. TS 27.005 §3.5.1 — the `> ` prompt of `+CMGS`/`+CMGW`
/// has no line end, so it is recognised only while the engine expects it: a `>` at the
/// start of a line then ends as a prompt at once, and one space after it is swallowed.
///
/// A line longer than `maxLineLength` is reported once as `.overlong` and dropped up to the
/// next line end, so memory stays bounded whatever arrives. Bytes are never interpreted
/// as UTF-8 here; lines carry raw bytes.
public struct LineFramer: Sendable {
    public enum Event: Sendable, Equatable {
        /// A non-empty line, without its line-end bytes.
        case line([UInt8])
        /// The `> ` (or bare `>`) prompt, seen while `expectingPrompt` was set.
        case prompt
        /// A line passed `maxLineLength`; `droppedCount` bytes of it were kept back so far,
        /// the rest up to the line end is dropped silently.
        case overlong(droppedCount: Int)
    }

    /// Set while a `+CMGS`-style command waits for its prompt; cleared when the prompt is seen.
    public var expectingPrompt = false
    public let maxLineLength: Int

    private var buffer: [UInt8] = []
    private var discardingOverlong = false
    private var swallowSpaceAfterPrompt = false

    public init(maxLineLength: Int = 2048) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        self.maxLineLength = maxLineLength
        buffer.reserveCapacity(min(maxLineLength, 256))
    }

    /// Bytes of the line being assembled, for tests and diagnostics.
    public var pendingByteCount: Int { buffer.count }

    /// Consumes one byte; at most one event results from it.
    @inline(__always)
    public mutating func push(_ byte: UInt8) -> Event? {
        if swallowSpaceAfterPrompt {
            swallowSpaceAfterPrompt = false
            if byte == ASCII.space { return nil }
        }
        if byte == ASCII.cr || byte == ASCII.lf {
            if discardingOverlong {
                discardingOverlong = false
                return nil
            }
            guard !buffer.isEmpty else { return nil }
            let line = buffer
            buffer.removeAll(keepingCapacity: true)
            return .line(line)
        }
        if discardingOverlong { return nil }
        // Padding or noise before the prompt (a space, a NUL) does not hide it.
        if expectingPrompt && byte == ASCII.greaterThan && buffer.allSatisfy(ASCII.isTrimmable) {
            expectingPrompt = false
            buffer.removeAll(keepingCapacity: true)
            swallowSpaceAfterPrompt = true
            return .prompt
        }
        guard buffer.count < maxLineLength else {
            let dropped = buffer.count + 1
            buffer.removeAll(keepingCapacity: true)
            discardingOverlong = true
            return .overlong(droppedCount: dropped)
        }
        buffer.append(byte)
        return nil
    }

    /// Consumes a chunk and returns its events in order.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if let event = push(byte) { events.append(event) }
        }
        return events
    }

    /// Forgets any partial line, e.g. after the transport was reopened.
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        discardingOverlong = false
        swallowSpaceAfterPrompt = false
        expectingPrompt = false
    }
}
