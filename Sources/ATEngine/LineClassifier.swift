/// What a received line is, given the command in flight.
public enum LineKind: Sendable, Equatable {
    /// Ends the command in flight.
    case final(FinalResult)
    /// An unsolicited result code; `trailingLines` more lines belong to it.
    case urc(name: String, value: String, trailingLines: Int)
    /// Starts with the in-flight command's own response prefix (`+CREG: 0,1` for `AT+CREG?`).
    case response
    /// Any other line: unprefixed information (`AT+CGSN`), a PDU line, or noise.
    case information
}

/// Classifies one line; a pure function of the line, the URC table and the command in flight.
///
/// ITU-T V.250 §5.7 / TS 27.007 §9.2 / TS 27.005 §3.2.5 — final result codes. The URC table
/// is consulted before anything but the in-flight command's own prefix: an unsolicited
/// `+CREG: 1` in the middle of `AT+CMGL` is a URC, while `+CREG: 0,1` answering `AT+CREG?`
/// is the response, and `+CPIN: READY` answers `AT+CPIN?` but is a URC at any other time.
/// (warthog618/modem checks URC prefixes inside a response and swallows the response's own
/// lines; taking the command's prefix first avoids that.)
public struct LineClassifier: Sendable {
    /// The response prefixes of the command in flight, worked out once per command.
    public struct Context: Sendable, Equatable {
        /// `+CREG` for `AT+CREG?`; one per `;`-separated extended command; empty for basic commands.
        public let responsePrefixes: [[UInt8]]

        /// A set command (`AT+CREG=2`, `AT+CPIN=…`) answers only `OK`, so a line with its
        /// prefix that is also a URC name stays a URC; other forms claim their prefix.
        public init(command: String, urcTable: URCTable = .standard) {
            responsePrefixes = LineClassifier.responsePrefixes(of: command).compactMap { prefix, isSet in
                guard isSet else { return prefix }
                let isURCName = urcTable.entries.contains { ASCII.equalsIgnoringCase(prefix[...], $0.name.utf8) }
                return isURCName ? nil : prefix
            }
        }
    }

    public var urcTable: URCTable

    public init(urcTable: URCTable = .standard) {
        self.urcTable = urcTable
    }

    /// Classifies `line` with `inFlightCommand` (e.g. `AT+CREG?`) running, or none.
    public func classify(_ line: String, inFlightCommand: String?) -> LineKind {
        let bytes = Array(line.utf8)
        return classify(line: ASCII.trimmed(bytes[...]), context: inFlightCommand.map(context(for:)))
    }

    /// The context to classify lines with while `command` is in flight.
    public func context(for command: String) -> Context {
        Context(command: command, urcTable: urcTable)
    }

    /// Classifies an already trimmed line.
    public func classify(line: ArraySlice<UInt8>, context: Context?) -> LineKind {
        if let context {
            for prefix in context.responsePrefixes where Self.startsWithName(line, prefix) {
                return .response
            }
            if let result = Self.finalResult(line) { return .final(result) }
        }
        if let (entry, valueStart) = urcTable.match(line, commandInFlight: context != nil) {
            let value = ASCII.trimmed(line[valueStart...])
            return .urc(name: entry.name, value: ASCII.string(value), trailingLines: entry.trailingLines)
        }
        if context == nil, let result = Self.finalResult(line) { return .final(result) }
        return .information
    }

    /// The prefixes an extended command's responses start with.
    /// The prefixes an extended command's responses start with, each with whether it is
    /// a set command (`=` not followed by `?`).
    static func responsePrefixes(of command: String) -> [(prefix: [UInt8], isSet: Bool)] {
        var bytes = ASCII.trimmed(Array(command.utf8)[...])
        if ASCII.hasPrefix(bytes, "AT".utf8) { bytes = bytes.dropFirst(2) }
        var prefixes: [(prefix: [UInt8], isSet: Bool)] = []
        for part in bytes.split(separator: 0x3B, omittingEmptySubsequences: true) {
            var part = ASCII.trimmed(part)
            if ASCII.hasPrefix(part, "AT".utf8) { part = ASCII.trimmed(part.dropFirst(2)) }
            guard let first = part.first, "+^$%*#".utf8.contains(first) else { continue }
            var prefix: [UInt8] = [first]
            var rest = part.dropFirst()
            while let byte = rest.first, byte != 0x3D, byte != 0x3F, byte > ASCII.space {  // '=' '?'
                prefix.append(ASCII.upper(byte))
                rest = rest.dropFirst()
            }
            rest = ASCII.trimmed(rest)
            let isSet = rest.first == 0x3D && rest.dropFirst().first != 0x3F
            if prefix.count > 1 { prefixes.append((prefix, isSet)) }
        }
        return prefixes
    }

    /// Whether `line` is `name` alone or `name` followed by `:`, ignoring ASCII case.
    static func startsWithName(_ line: ArraySlice<UInt8>, _ name: [UInt8]) -> Bool {
        guard ASCII.hasPrefix(line, name) else { return false }
        let after = line.startIndex + name.count
        return after == line.endIndex || line[after] == ASCII.colon
    }

    /// The final result this line is, if it is one.
    static func finalResult(_ line: ArraySlice<UInt8>) -> FinalResult? {
        guard let first = line.first else { return nil }
        switch ASCII.upper(first) {
        case UInt8(ascii: "O"):
            return ASCII.equalsIgnoringCase(line, "OK".utf8) ? .ok : nil
        case UInt8(ascii: "E"):
            return ASCII.equalsIgnoringCase(line, "ERROR".utf8) ? .error : nil
        case UInt8(ascii: "B"):
            return ASCII.equalsIgnoringCase(line, "BUSY".utf8) ? .busy : nil
        case UInt8(ascii: "N"):
            if ASCII.equalsIgnoringCase(line, "NO CARRIER".utf8) { return .noCarrier }
            if ASCII.equalsIgnoringCase(line, "NO ANSWER".utf8) { return .noAnswer }
            if ASCII.equalsIgnoringCase(line, "NO DIALTONE".utf8)
                || ASCII.equalsIgnoringCase(line, "NO DIAL TONE".utf8)
            {
                return .noDialtone
            }
            return nil
        case UInt8(ascii: "C"):
            let word = "CONNECT".utf8
            guard ASCII.hasPrefix(line, word) else { return nil }
            let rest = line.dropFirst(word.count)
            guard rest.isEmpty || rest.first == ASCII.space else { return nil }
            return .connect(ASCII.string(ASCII.trimmed(rest)))
        case UInt8(ascii: "+"):
            if let (code, text) = errorDetail(line, "+CME ERROR") {
                return .cmeError(code ?? ErrorCodes.cme(text), text)
            }
            if let (code, text) = errorDetail(line, "+CMS ERROR") {
                return .cmsError(code ?? ErrorCodes.cms(text), text)
            }
            return nil
        default:
            return nil
        }
    }

    /// The code (if numeric) and text after `+CME ERROR:` / `+CMS ERROR:`.
    private static func errorDetail(_ line: ArraySlice<UInt8>, _ name: String) -> (Int?, String)? {
        guard ASCII.hasPrefix(line, name.utf8) else { return nil }
        var rest = line.dropFirst(name.utf8.count)
        guard rest.first == ASCII.colon else { return nil }
        rest = ASCII.trimmed(rest.dropFirst())
        return (ASCII.parseInt(rest), ASCII.string(rest))
    }
}
