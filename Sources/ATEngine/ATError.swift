/// Why a command did not succeed. Names the command (secrets elided), never its payload.
public enum ATError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The modem answered with an error final result (`ERROR`, `+CME ERROR`, `+CMS ERROR`, …).
    case commandFailed(command: String, result: FinalResult)
    /// No final result (or no `> ` prompt) within the command's timeout.
    case timeout(command: String, after: Duration)
    /// The transport closed while the command was queued or running.
    case transportClosed(command: String)
    /// The caller cancelled the command.
    case cancelled(command: String)
    /// The command text or payload holds a byte that would break framing
    /// (CR or LF in the text, Ctrl-Z or ESC in the payload); nothing was written.
    case invalidCommand(command: String, reason: String)

    /// The command this error is about, as given to the engine.
    public var command: String {
        switch self {
        case .commandFailed(let command, _), .timeout(let command, _), .transportClosed(let command),
            .cancelled(let command), .invalidCommand(let command, _):
            return command
        }
    }

    public var description: String {
        let shown = ATCommand.redacted(command)
        switch self {
        case .commandFailed(_, let result): return "\(shown): modem answered \(result)"
        case .timeout(_, let after): return "\(shown): no answer within \(after)"
        case .transportClosed: return "\(shown): transport closed"
        case .cancelled: return "\(shown): cancelled"
        case .invalidCommand(_, let reason): return "\(shown): invalid command: \(reason)"
        }
    }
}
