import Foundation

/// One request on the daemon's control socket, read from its JSON line.
///
/// DESIGN.md "Processes": the control socket (0600, no PII) that `trackerd status`, `notify` and
/// `tracker provision` talk to. The wire forms:
/// - `{"op":"status"}`
/// - `{"op":"send","to":NUMBER,"text":TEXT}` — one SMS out of the pool; `to` ≤ 32 and `text`
///   ≤ 1600 characters (Unicode scalars)
/// - `{"op":"provision","tracker":ID,"timeout":SECONDS}` — `timeout` 1…3600, 120 when absent
///
/// Numbers must be integers in range (`2.5` or `1e400` is refused, `3.0` is 3); a field an op does
/// not know is refused rather than ignored, so a misspelt `timout` cannot silently become 120 s.
/// Compiled alone by `fuzz/control/run.sh`, so it imports nothing but Foundation.
public enum ControlRequest: Equatable, Sendable {
    case status
    case send(to: String, text: String)
    /// `timeout` is whole seconds: that is all the wire can say.
    case provision(trackerID: Int64, timeout: Duration)

    public static let defaultProvisionTimeout: Duration = .seconds(120)
    public static let provisionTimeoutSeconds: ClosedRange<Int64> = 1...3_600
    public static let maximumRecipientLength = 32
    public static let maximumTextLength = 1_600

    /// Reads one request line; every malformed line throws an error that names the field.
    public static func parse(_ line: String) throws(ControlRequestError) -> ControlRequest {
        do {
            return try JSONDecoder().decode(WireRequest.self, from: Data(line.utf8)).request
        } catch let error as ControlRequestError {
            throw error
        } catch {
            throw .notARequest
        }
    }

    /// This request as the line a client sends; `parse` reads it back as the same request.
    public var jsonLine: String {
        var line = WireLine(op: "status")
        switch self {
        case .status:
            break
        case .send(let to, let text):
            line = WireLine(op: "send", to: to, text: text)
        case .provision(let trackerID, let timeout):
            line = WireLine(op: "provision", tracker: trackerID, timeout: timeout.components.seconds)
        }
        return Self.encode(line) ?? #"{"op":"status"}"#
    }

    /// `{"ok":false,"error":MESSAGE}` with `message` escaped as JSON needs (quotes, backslashes,
    /// line breaks and every other control character), so any error text keeps the reply one valid line.
    public static func reply(error message: String) -> String {
        #"{"ok":false,"error":"# + (encode(message) ?? #""""#) + "}"
    }

    public static func reply(error: ControlRequestError) -> String { reply(error: error.message) }

    /// `{"ok":true,"references":[MR,…]}`: what `send` answers, the message references of its parts.
    public static func reply(sentReferences references: [Int]) -> String {
        #"{"ok":true,"references":["# + references.map(String.init).joined(separator: ",") + "]}"
    }

    /// `{"ok":true,"acknowledged":BOOL}`: what `provision` answers.
    public static func reply(acknowledged: Bool) -> String { #"{"ok":true,"acknowledged":\#(acknowledged)}"# }

    /// `{"ok":true,"acknowledged":BOOL,"numbers":N}`: how many gateway numbers the tracker took.
    public static func reply(acknowledged: Bool, numbers: Int) -> String {
        #"{"ok":true,"acknowledged":\#(acknowledged),"numbers":\#(numbers)}"#
    }

    /// Compact JSON; encoding strings and integers cannot fail, so nil is never seen in practice.
    private static func encode(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Why a control line is not a request; `message` goes back to the client and names the field.
public enum ControlRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not JSON, not an object, or no string `op`.
    case notARequest
    case unknownOp(String)
    case unknownField(String)
    case missingField(String)
    case notAString(field: String)
    case empty(field: String)
    case tooLong(field: String, maximum: Int)
    case notAPositiveInteger(field: String)
    case timeoutOutOfRange

    public var message: String {
        switch self {
        case .notARequest: return #"request must be a JSON object with an "op""#
        case .unknownOp(let op): return #"unknown op "\#(Self.shortened(op))""#
        case .unknownField(let field): return #"unknown field "\#(Self.shortened(field))""#
        case .missingField(let field): return #"missing field "\#(field)""#
        case .notAString(let field): return #"field "\#(field)" must be a string"#
        case .empty(let field): return #"field "\#(field)" must not be empty"#
        case .tooLong(let field, let maximum): return #"field "\#(field)" must be at most \#(maximum) characters"#
        case .notAPositiveInteger(let field): return #"field "\#(field)" must be a positive integer"#
        case .timeoutOutOfRange:
            let range = ControlRequest.provisionTimeoutSeconds
            return #"field "timeout" must be \#(range.lowerBound)…\#(range.upperBound) seconds"#
        }
    }

    public var description: String { message }

    /// What a client sent is echoed only this far, so an error never carries a whole text back.
    private static func shortened(_ text: String) -> String {
        text.unicodeScalars.count <= 32 ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(32))) + "…"
    }
}

/// The request object as it arrives, read field by field so each error can name its field.
private struct WireRequest: Decodable {
    let request: ControlRequest

    private struct Field: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        guard let fields = try? decoder.container(keyedBy: Field.self),
              let op = try? fields.decodeIfPresent(String.self, forKey: Field("op"))
        else { throw ControlRequestError.notARequest }
        let known: Set<String>
        switch op {
        case "status": known = ["op"]
        case "send": known = ["op", "to", "text"]
        case "provision": known = ["op", "tracker", "timeout"]
        default: throw ControlRequestError.unknownOp(op)
        }
        // Sorted, so which unknown field is named does not depend on hashing.
        if let unknown = fields.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw ControlRequestError.unknownField(unknown)
        }
        switch op {
        case "send":
            let to = try Self.string("to", in: fields, maximum: ControlRequest.maximumRecipientLength)
            guard !to.isEmpty else { throw ControlRequestError.empty(field: "to") }
            request = .send(to: to, text: try Self.string("text", in: fields, maximum: ControlRequest.maximumTextLength))
        case "provision":
            guard let trackerID = try Self.integer("tracker", in: fields, invalid: .notAPositiveInteger(field: "tracker")) else {
                throw ControlRequestError.missingField("tracker")
            }
            guard trackerID > 0 else { throw ControlRequestError.notAPositiveInteger(field: "tracker") }
            var timeout = ControlRequest.defaultProvisionTimeout
            if let seconds = try Self.integer("timeout", in: fields, invalid: .timeoutOutOfRange) {
                guard ControlRequest.provisionTimeoutSeconds.contains(seconds) else { throw ControlRequestError.timeoutOutOfRange }
                timeout = .seconds(seconds)
            }
            request = .provision(trackerID: trackerID, timeout: timeout)
        default:
            request = .status
        }
    }

    /// A required string field; null counts as missing.
    private static func string(_ name: String, in fields: KeyedDecodingContainer<Field>, maximum: Int) throws(ControlRequestError) -> String {
        let value: String?
        do { value = try fields.decodeIfPresent(String.self, forKey: Field(name)) } catch { throw .notAString(field: name) }
        guard let value else { throw .missingField(name) }
        guard value.unicodeScalars.count <= maximum else { throw .tooLong(field: name, maximum: maximum) }
        return value
    }

    /// An optional integer field: nil when absent or null; a fraction, a string or anything
    /// beyond Int64 (JSONDecoder refuses `1e400` and `2.5` as Int64) throws `invalid`.
    private static func integer(
        _ name: String, in fields: KeyedDecodingContainer<Field>, invalid: ControlRequestError
    ) throws(ControlRequestError) -> Int64? {
        do { return try fields.decodeIfPresent(Int64.self, forKey: Field(name)) } catch { throw invalid }
    }
}

/// The request object as a client writes it; absent fields are left out.
private struct WireLine: Encodable {
    var op: String
    var to: String?
    var text: String?
    var tracker: Int64?
    var timeout: Int64?
}
