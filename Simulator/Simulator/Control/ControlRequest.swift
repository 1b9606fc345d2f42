import TrackerProfiles
import Foundation

/// One request on the simulator's control socket, parsed from a JSON line.
///
/// The wire form is `{"op": "...", ...}` (README "Simulator"). A `modem` (or, for `send`, `to`)
/// field names a modem by its own number; without it a request means the first modem.
public enum ControlRequest: Sendable, Equatable {
    case addPhone(number: String)
    case addTracker(VirtualTrackerConfiguration)
    /// The network delivers `text` from `from` to the modem `to`, split into parts when long.
    case send(from: String, text: String, ucs2: Bool, to: String?)
    /// Raw concatenated parts delivered in `order` (1-based part numbers, repeats allowed).
    case sendParts(from: String, parts: [String], reference: Int, order: [Int], ucs2: Bool, to: String?)
    case inbox(number: String)
    case storage(modem: String?)
    case fault(ModemFault, modem: String?)
    /// `{"op":"fault","kind":"storage-ok"}`: the storage-full fault ends.
    case liftStorageFull(modem: String?)
    case alarm(number: String, kind: String)
    case move(number: String, position: TrackerPosition)
    /// A tracker sends its unprompted report now, to every authorised number.
    case report(number: String)
    case reset
    case sent(modem: String?)
    case stats(modem: String?)
    /// Every modem: number, link, profile, selected storages, what it holds, lines answered.
    case modems
}

/// Why a control line could not be turned into a request; the text goes back to the client.
public struct ControlRequestError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ControlRequest {
    /// Parses one JSON line. Throws with a message naming the bad field.
    public init(jsonLine line: some StringProtocol) throws(ControlRequestError) {
        guard let document = JSONValue(parsing: line) else { throw ControlRequestError("malformed JSON") }
        guard case .object(let fields) = document else { throw ControlRequestError("request must be a JSON object") }
        let request = ControlFields(fields)
        let op = try request.string("op")
        switch op {
        case "phone.add":
            self = .addPhone(number: try request.number("number"))
        case "tracker.add":
            let modelName = try request.string("model")
            guard let model = TrackerModel(rawValue: modelName.lowercased()) else {
                throw ControlRequestError("unknown model \"\(modelName)\"; known: \(TrackerModel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let reportEvery = try request.optionalInt("report_every_ms").map { ms throws(ControlRequestError) -> Duration in
                guard ms > 0 else { throw ControlRequestError("field \"report_every_ms\" must be positive") }
                return .milliseconds(ms)
            }
            self = .addTracker(
                VirtualTrackerConfiguration(
                    number: try request.number("number"), model: model,
                    password: try request.optionalString("password"),
                    authorised: try request.optionalNumbers("authorised") ?? [],
                    position: try request.position("position"),
                    reportEvery: reportEvery,
                    alarms: try request.optionalStrings("alarms") ?? [],
                    chinese: try request.optionalBool("chinese") ?? false))
        case "send":
            let from = try request.number("from")
            let ucs2 = try request.optionalBool("ucs2") ?? false
            let to = try request.optionalNumber("to")
            if let parts = try request.optionalStrings("parts") {
                guard !parts.isEmpty, parts.count <= 255 else { throw ControlRequestError("field \"parts\" must hold 1 to 255 texts") }
                let reference = try request.optionalInt("ref") ?? 0
                guard (0...255).contains(reference) else { throw ControlRequestError("field \"ref\" must be 0…255") }
                let order = try request.optionalInts("order") ?? Array(1...parts.count)
                guard order.allSatisfy({ (1...parts.count).contains($0) }) else {
                    throw ControlRequestError("field \"order\" holds part numbers 1…\(parts.count)")
                }
                self = .sendParts(from: from, parts: parts, reference: reference, order: order, ucs2: ucs2, to: to)
            } else {
                self = .send(from: from, text: try request.string("text"), ucs2: ucs2, to: to)
            }
        case "inbox":
            self = .inbox(number: try request.number("number"))
        case "storage":
            self = .storage(modem: try request.optionalNumber("modem"))
        case "fault":
            let modem = try request.optionalNumber("modem")
            self = try request.string("kind") == "storage-ok" ? .liftStorageFull(modem: modem) : .fault(try request.fault(), modem: modem)
        case "alarm":
            self = .alarm(number: try request.number("number"), kind: try request.string("kind"))
        case "move":
            self = .move(number: try request.number("number"), position: try request.position("position"))
        case "report":
            self = .report(number: try request.number("number"))
        case "reset": self = .reset
        case "sent": self = .sent(modem: try request.optionalNumber("modem"))
        case "stats": self = .stats(modem: try request.optionalNumber("modem"))
        case "modems": self = .modems
        default:
            throw ControlRequestError("unknown op \"\(op)\"")
        }
    }
}

/// Typed access to a request's fields with error messages that name the field.
private struct ControlFields {
    let fields: [String: JSONValue]
    init(_ fields: [String: JSONValue]) { self.fields = fields }

    /// The value of `key`, nil when absent or null.
    private func value(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(ControlRequestError) -> String {
        guard let value = value(key) else { throw ControlRequestError("missing field \"\(key)\"") }
        guard let text = value.stringValue else { throw ControlRequestError("field \"\(key)\" must be a string") }
        return text
    }

    func optionalString(_ key: String) throws(ControlRequestError) -> String? {
        value(key) == nil ? nil : try string(key)
    }

    func number(_ key: String) throws(ControlRequestError) -> String {
        let text = try string(key)
        guard PhoneNumbers.isPlausible(text) else { throw ControlRequestError("field \"\(key)\" is not a phone number") }
        return text
    }

    func optionalNumber(_ key: String) throws(ControlRequestError) -> String? {
        value(key) == nil ? nil : try number(key)
    }

    func optionalBool(_ key: String) throws(ControlRequestError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard let flag = value.boolValue else { throw ControlRequestError("field \"\(key)\" must be true or false") }
        return flag
    }

    func optionalInt(_ key: String) throws(ControlRequestError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.intValue else { throw ControlRequestError("field \"\(key)\" must be an integer") }
        return int
    }

    func optionalInts(_ key: String) throws(ControlRequestError) -> [Int]? {
        guard let value = value(key) else { return nil }
        guard let array = value.arrayValue else { throw ControlRequestError("field \"\(key)\" must be an array of integers") }
        let ints = array.compactMap(\.intValue)
        guard ints.count == array.count else { throw ControlRequestError("field \"\(key)\" must be an array of integers") }
        return ints
    }

    func optionalStrings(_ key: String) throws(ControlRequestError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.arrayValue else { throw ControlRequestError("field \"\(key)\" must be an array of strings") }
        let strings = array.compactMap(\.stringValue)
        guard strings.count == array.count else { throw ControlRequestError("field \"\(key)\" must be an array of strings") }
        return strings
    }

    func optionalNumbers(_ key: String) throws(ControlRequestError) -> [String]? {
        guard let numbers = try optionalStrings(key) else { return nil }
        guard numbers.allSatisfy(PhoneNumbers.isPlausible) else {
            throw ControlRequestError("field \"\(key)\" holds something that is not a phone number")
        }
        return numbers
    }

    func position(_ key: String) throws(ControlRequestError) -> TrackerPosition {
        guard let value = value(key) else { throw ControlRequestError("missing field \"\(key)\"") }
        guard let pair = value.arrayValue, pair.count == 2,
            let latitude = pair[0].doubleValue, let longitude = pair[1].doubleValue,
            (-90...90).contains(latitude), (-180...180).contains(longitude)
        else { throw ControlRequestError("field \"\(key)\" must be [latitude, longitude] in degrees") }
        return TrackerPosition(latitude: latitude, longitude: longitude)
    }

    func fault() throws(ControlRequestError) -> ModemFault {
        let kind = try string("kind")
        func positive(_ key: String, default fallback: Int? = nil) throws(ControlRequestError) -> Int {
            guard let value = try optionalInt(key) ?? fallback else { throw ControlRequestError("missing field \"\(key)\"") }
            guard value > 0 else { throw ControlRequestError("field \"\(key)\" must be positive") }
            return value
        }
        switch kind {
        case "drop": return .drop(reopenAfter: .milliseconds(try positive("ms")))
        case "cms-error":
            let code = try optionalInt("code") ?? 500
            guard (0...999).contains(code) else { throw ControlRequestError("field \"code\" must be 0…999") }
            return .cmsError(count: try positive("count", default: 1), code: code)
        case "hang": return .hang(.milliseconds(try positive("ms")))
        case "garble": return .garble(count: try positive("count", default: 1))
        case "urc-noise": return .urcNoise(count: try positive("count", default: 1))
        case "storage-full": return .storageFull
        case "pin-locked": return .pinLocked
        default:
            throw ControlRequestError(
                "unknown fault kind \"\(kind)\"; known: drop, cms-error, hang, garble, urc-noise, storage-full, storage-ok, pin-locked")
        }
    }
}
