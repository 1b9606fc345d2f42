/// How the modem ended a command.
///
/// TS 27.007 §5.7 / ITU-T V.250 §5.7.1 — result codes; TS 27.007 §9.2 — `+CME ERROR`;
/// TS 27.005 §3.2.5 — `+CMS ERROR`. The error cases carry the code when the modem gave
/// one (numeric form, or a verbose text we know) and the modem's own words.
public enum FinalResult: Sendable, Equatable {
    case ok
    /// `CONNECT` with whatever followed it (a baud rate, or empty).
    case connect(String)
    case error
    case cmeError(Int?, String)
    case cmsError(Int?, String)
    case noCarrier
    case busy
    case noAnswer
    case noDialtone

    /// Whether the command did what it was asked (`OK` or `CONNECT`).
    public var isSuccess: Bool {
        switch self {
        case .ok, .connect: return true
        default: return false
        }
    }
}

extension FinalResult: CustomStringConvertible {
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .connect(let rest): return rest.isEmpty ? "CONNECT" : "CONNECT \(rest)"
        case .error: return "ERROR"
        case .cmeError(let code, let text): return Self.describe("+CME ERROR", code, text)
        case .cmsError(let code, let text): return Self.describe("+CMS ERROR", code, text)
        case .noCarrier: return "NO CARRIER"
        case .busy: return "BUSY"
        case .noAnswer: return "NO ANSWER"
        case .noDialtone: return "NO DIALTONE"
        }
    }

    private static func describe(_ name: String, _ code: Int?, _ text: String) -> String {
        guard let code else { return "\(name): \(text)" }
        if text == String(code) { return "\(name): \(code)" }
        return "\(name): \(code) (\(text))"
    }
}

/// The information lines and final result of a command that succeeded.
public struct ATResponse: Sendable, Equatable {
    public var command: String
    /// Information lines in arrival order, trimmed; the echo and URCs are not among them.
    public var lines: [String]
    public var result: FinalResult

    public init(command: String, lines: [String], result: FinalResult) {
        self.command = command
        self.lines = lines
        self.result = result
    }
}
