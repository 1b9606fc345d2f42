/// Why the modem layer could not do what was asked; wraps the lower layers' errors.
public enum ModemError: Error, Equatable, Sendable, CustomStringConvertible {
    case transport(TransportError)
    case command(ATError)
    /// A PDU the modem gave us could not be decoded; never carries the PDU itself.
    case pdu(PDUError)
    /// The modem never answered `AT`.
    case notResponding(device: String, attempts: Int)
    case pinRequired(device: String, state: String)
    case pinRejected(device: String, code: Int?)
    /// A response line did not have the documented shape.
    case unexpectedResponse(command: String, detail: String)
    /// A text that cannot be sent (empty, or more parts than a concatenated SMS can carry).
    case unsendable(reason: String)
    case closed(device: String)

    public var description: String {
        switch self {
        case .transport(let error): return error.description
        case .command(let error): return error.description
        case .pdu(let error): return "undecodable PDU from modem: \(error)"
        case .notResponding(let device, let attempts): return "\(device): modem did not answer AT after \(attempts) attempts"
        case .pinRequired(let device, let state): return "\(device): SIM needs \(state) and no PIN was given (--pin)"
        case .pinRejected(let device, let code): return "\(device): SIM refused the PIN" + (code.map { " (+CME ERROR: \($0))" } ?? "")
        case .unexpectedResponse(let command, let detail): return "\(command): unexpected response: \(detail)"
        case .unsendable(let reason): return "cannot send: \(reason)"
        case .closed(let device): return "\(device): modem closed"
        }
    }
}
