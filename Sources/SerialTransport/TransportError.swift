/// Why a device could not be opened, read or written; always names the device.
public struct TransportError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case notFound
        case busy
        case permissionDenied
        case notATerminal
        case unsupportedSetting(String)
        /// The device went away or was closed: unplugged, pty master closed, `close()` called.
        case closed
        /// Any other OS error, with its errno.
        case system(errno: Int32)
    }

    public var device: String
    public var kind: Kind
    /// What we were doing: "open", "configure", "read", "write".
    public var operation: String
    /// The operating system's or libserialport's own words.
    public var detail: String

    public init(device: String, kind: Kind, operation: String, detail: String = "") {
        self.device = device
        self.kind = kind
        self.operation = operation
        self.detail = detail
    }

    public var description: String {
        let cause: String
        switch kind {
        case .notFound: cause = "no such device"
        case .busy: cause = "device is busy (another program has it open)"
        case .permissionDenied: cause = "permission denied (is the user in the dialout group?)"
        case .notATerminal: cause = "not a serial device or terminal"
        case .unsupportedSetting(let setting): cause = "unsupported setting \(setting)"
        case .closed: cause = "device closed or unplugged"
        case .system(let errno): cause = "system error \(errno)"
        }
        return detail.isEmpty ? "\(device): \(operation): \(cause)" : "\(device): \(operation): \(cause): \(detail)"
    }
}
