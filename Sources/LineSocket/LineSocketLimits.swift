/// What one `LineSocketServer` lets its clients take: connections, time, memory.
///
/// Issue #9.4: the control socket used to give every connection its own thread with no cap, so
/// 5,000 idle connections cost 5,006 threads and 403 MiB. These bounds make a misbehaving or
/// hostile local client cost at most `maximumConnections × (maximumLineLength +
/// maximumPendingOutput + one reply)` bytes and no thread at all.
public struct LineSocketLimits: Sendable, Equatable {
    /// Connections served at once; one more is accepted, told `too many connections` and closed.
    public var maximumConnections: Int
    /// How long a connection may go without progress while no request of its own is running:
    /// a request line must be complete, or a pending reply must move, within this time, or the
    /// connection is dropped. Counted from the accept and from each complete line or written
    /// reply byte, never from single bytes, so a client dripping a line byte by byte is dropped too.
    public var readTimeout: Duration
    /// The longest request line, in bytes without its line end; a longer one gets an error and
    /// the connection is closed.
    public var maximumLineLength: Int
    /// Unsent reply bytes a connection may hold before the server stops taking its requests:
    /// a client that does not read stalls only itself, and is dropped once `readTimeout` passes.
    public var maximumPendingOutput: Int

    public init(
        maximumConnections: Int = 64,
        readTimeout: Duration = .seconds(10),
        maximumLineLength: Int = 64 * 1024,
        maximumPendingOutput: Int = 256 * 1024
    ) {
        precondition(maximumConnections > 0, "a socket that serves nobody")
        precondition(readTimeout > .zero, "a read timeout must be positive")
        precondition(maximumLineLength > 0 && maximumPendingOutput > 0, "buffers must hold something")
        self.maximumConnections = maximumConnections
        self.readTimeout = readTimeout
        self.maximumLineLength = maximumLineLength
        self.maximumPendingOutput = maximumPendingOutput
    }
}
