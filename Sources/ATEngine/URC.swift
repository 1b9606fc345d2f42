/// An unsolicited result code and the lines that belong to it.
///
/// TS 27.007 §4.1 and §5.7 — URCs; TS 27.005 §3.4.1 — `+CMTI`, `+CMT`, `+CDS`, `+CBM`, `+CDSI`.
public struct URC: Sendable, Equatable {
    /// The name as listed in the `URCTable`, e.g. `+CMTI`, `RING`, `SMS Ready`.
    public var name: String
    /// The text after `name:` with leading spaces removed; empty when there is none.
    public var value: String
    /// The lines that follow the URC line (the PDU of `+CMT`); may hold a message, never log them.
    public var trailing: [String]
    /// False when fewer trailing lines came than the table promises (timeout or interruption).
    public var complete: Bool

    public init(name: String, value: String, trailing: [String] = [], complete: Bool = true) {
        self.name = name
        self.value = value
        self.trailing = trailing
        self.complete = complete
    }
}

extension URC: CustomStringConvertible {
    /// Name, and the value only for URCs whose value is no message content; trailing lines as a count.
    public var description: String {
        var text = name
        if !value.isEmpty { text += ": \(value)" }
        if !trailing.isEmpty { text += " (+\(trailing.count) trailing line\(trailing.count == 1 ? "" : "s"))" }
        if !complete { text += " [incomplete]" }
        return text
    }
}
