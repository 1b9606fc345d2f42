/// Identifies one enqueued command so its completion can be matched to the caller.
public struct CommandID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ v: UInt64) {
        self.rawValue = v
    }

    public var description: String { "#\(rawValue)" }
}

/// One AT command line, optionally followed by a payload sent after the `> ` prompt.
///
/// TS 27.007 §4.1 — command line syntax; TS 27.005 §3.5.1/§4.3 — `+CMGS`/`+CMGW`, whose
/// PDU follows the prompt and ends with Ctrl-Z (or is cancelled with ESC).
public struct ATCommand: Sendable, Equatable {
    /// The command line without its terminating CR, e.g. `AT+CMGR=3`.
    public var text: String
    /// Bytes written after the `> ` prompt, before Ctrl-Z; an SMS PDU, never logged.
    public var payload: [UInt8]?
    /// How long to wait for the prompt, and again for the final result after the payload.
    public var timeout: Duration
    /// Queued ahead of every ordinary command (behind the one running and the urgent ones queued
    /// before it): a `+CMGD` frees a slot of the SIM, and behind a burst's reads and sends it let
    /// the SIM fill, so the network held back new messages.
    public var isUrgent: Bool

    public init(_ text: String, payload: [UInt8]? = nil, timeout: Duration = .seconds(5), urgent: Bool = false) {
        self.text = text
        self.payload = payload
        self.timeout = timeout
        self.isUrgent = urgent
    }
}

extension ATCommand: CustomStringConvertible {
    /// The command text with secrets elided and the payload reduced to its size.
    public var description: String {
        let shown = ATCommand.redacted(text)
        if let payload {
            return "\(shown) (+\(payload.count)-byte payload)"
        }
        return shown
    }

    /// Commands whose arguments are secrets (PIN, PUK, facility passwords).
    private static let secretCommands = ["+CPIN", "+CLCK", "+CPWD", "^CPIN"]

    /// Elides the arguments of commands that carry a PIN or password, so that an error
    /// message or log line built from a command never shows one.
    static func redacted(_ text: String) -> String {
        let bytes = Array(text.utf8)
        for secret in secretCommands {
            let needle = Array(("AT" + secret + "=").utf8)
            guard let start = ASCII.firstIndex(of: needle, in: bytes) else { continue }
            return String(decoding: bytes[..<(start + needle.count)], as: UTF8.self) + "…"
        }
        return text
    }
}
