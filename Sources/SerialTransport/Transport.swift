/// A byte pipe to a modem: a real serial device or a pseudo-terminal.
///
/// Reads block (in `poll(2)` or libserialport's wait) for at most `timeout`; they never spin.
/// A device that is closed, unplugged or hung up ends reading with `TransportError`,
/// and `close()` from another thread wakes a blocked `read`.
public protocol Transport: AnyObject, Sendable {
    /// The path the transport was opened with, for error messages and logs.
    var path: String { get }

    /// Writes every byte or throws.
    func write(_ bytes: [UInt8]) throws(TransportError)

    /// Returns the bytes available, waiting up to `timeout` for the first one.
    /// An empty array means the timeout passed with nothing to read.
    func read(maxCount: Int, timeout: Duration) throws(TransportError) -> [UInt8]

    /// Makes a `read` blocked in another thread return `[]` at once (or the next `read`, when
    /// none is blocked now), without closing anything: how the modem's thread is told that
    /// work was posted to it while it waits for the device.
    func wake()

    /// Closes the device; idempotent. A blocked `read` returns with `.closed`.
    func close()
}

/// Serial line settings; a pseudo-terminal ignores what it cannot apply.
public struct SerialSettings: Sendable, Equatable {
    public enum FlowControl: String, Sendable, Equatable, CaseIterable {
        case none
        case rtsCts = "rts-cts"
    }

    public var baudRate: Int
    public var flowControl: FlowControl
    public var assertDTR: Bool

    public init(baudRate: Int = 115_200, flowControl: FlowControl = .none, assertDTR: Bool = true) {
        self.baudRate = baudRate
        self.flowControl = flowControl
        self.assertDTR = assertDTR
    }
}
