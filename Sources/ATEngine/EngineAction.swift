/// What the engine asks its shell to do, in order.
///
/// The shell (the `Modem` actor) owns the transport and the clock and only carries these out.
public enum EngineAction<Instant: InstantProtocol>: Sendable {
    /// Write these bytes to the transport.
    case write([UInt8])
    /// A command finished: its response, or why it failed.
    case complete(CommandID, Result<ATResponse, ATError>)
    /// An unsolicited result code, delivered apart from any command's response.
    case urc(URC)
    /// Call `timerFired(now:)` at this instant; `nil` cancels the timer. Replaces any earlier one.
    case setTimer(Instant?)
    /// Bytes that fit nowhere were dropped; the report tells how many and why, never what.
    case garbage(GarbageReport)
}

extension EngineAction: Equatable {}

/// What was dropped and why; carries no content, since a dropped line may hold a PDU.
public struct GarbageReport: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A line longer than the framer's maximum; dropped up to its line end.
        case overlongLine
        /// An information line with no command in flight to own it.
        case unsolicitedLine
        /// A final result (`OK`, `ERROR`, …) with no command in flight.
        case unsolicitedResult
        /// A `>` prompt line when no payload command waited for one (a late prompt after ESC).
        case unexpectedPrompt
    }

    public var reason: Reason
    public var byteCount: Int

    public init(reason: Reason, byteCount: Int) {
        self.reason = reason
        self.byteCount = byteCount
    }
}
