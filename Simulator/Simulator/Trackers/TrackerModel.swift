/// A family of SMS-only GPS trackers the virtual network can impersonate.
///
/// Commands and reply formats follow the public samples collected in
/// `shared/corpus/tracker-sms.md` ("Command to ask for a position, per family").
public enum TrackerModel: String, Sendable, Equatable, CaseIterable, Codable {
    /// Coban GPS103 / TK103A/B: `admin123456 <number>`, `smslink123456`, `address123456`.
    case tk103
    /// Xexun TK102/TK103: `admin123456 <number>`, `smstext123456`, `smslink123456`.
    case xexun
    /// Concox GT06 / GT06N: `CENTER,A,<number>#`, `WHERE#`, `URL#`, old firmware `DWXX,000000#`.
    case gt06
    /// Teltonika FMB: `<login> <pass> getgps`, or two spaces then `getgps` with empty credentials.
    case teltonika

    /// The factory password, used when a tracker is registered without one.
    public var defaultPassword: String {
        switch self {
        case .tk103, .xexun: "123456"
        case .gt06, .teltonika: ""
        }
    }

    /// How many numbers the device can remember as authorised (admin / centre / SOS).
    public var authorisedCapacity: Int {
        switch self {
        case .tk103, .xexun: 5
        case .gt06: 4  // one centre number plus three SOS numbers
        case .teltonika: 10
        }
    }

    /// Whether an empty authorised list lets anyone ask for a position (only Teltonika does).
    var emptyListMeansAnyone: Bool { self == .teltonika }
}

/// What a tracker understood an incoming SMS to be.
enum TrackerCommand: Sendable, Equatable {
    /// Make this number an authorised (admin / centre) number.
    case authorise(number: String)
    /// Answer with the position in the given style.
    case position(PositionReplyStyle)
}

/// The reply a position command asks for; each model has its own few.
enum PositionReplyStyle: Sendable, Equatable {
    case tk103Link, tk103Address
    case xexunText, xexunLink
    case gt06Where, gt06URL
    case teltonikaGetGPS
}

extension TrackerModel {
    /// Parses `text` as one of this model's commands; nil when it is not one or the password is wrong.
    ///
    /// Real firmware tolerates case and surrounding blanks, and so do we; a wrong password makes the
    /// device stay silent, which is what a caller (and the relay's tests) must cope with.
    func command(in text: String, password: String) -> TrackerCommand? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        switch self {
        case .tk103, .xexun:
            if lower.hasPrefix("admin") {
                let rest = lower.dropFirst("admin".count)
                let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count == 2, String(fields[0]) == password.lowercased() else { return nil }
                let number = String(trimmed.split(separator: " ", omittingEmptySubsequences: true).last ?? "")
                guard PhoneNumbers.isPlausible(number) else { return nil }
                return .authorise(number: number)
            }
            let keywords: [(String, PositionReplyStyle)] =
                self == .tk103
                ? [("smslink", .tk103Link), ("address", .tk103Address)]
                : [("smstext", .xexunText), ("smslink", .xexunLink)]
            for (keyword, style) in keywords where lower.hasPrefix(keyword) {
                return String(lower.dropFirst(keyword.count)) == password.lowercased() ? .position(style) : nil
            }
            return nil
        case .gt06:
            let compact = lower.replacingOccurrences(of: " ", with: "")
            if compact.hasPrefix("center,a,") && compact.hasSuffix("#") {
                let number = String(compact.dropFirst("center,a,".count).dropLast())
                return PhoneNumbers.isPlausible(number) ? .authorise(number: number) : nil
            }
            switch compact {
            case "where#": return .position(.gt06Where)
            case "url#": return .position(.gt06URL)
            default: break
            }
            if compact.hasPrefix("dwxx,") && compact.hasSuffix("#") {
                let given = String(compact.dropFirst("dwxx,".count).dropLast())
                let expected = password.isEmpty ? "000000" : password.lowercased()
                return given == expected ? .position(.gt06Where) : nil
            }
            return nil
        case .teltonika:
            // "<login> <pass> getgps"; with empty credentials the SMS is two spaces then "getgps".
            let tokens = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let last = tokens.last, last.lowercased() == "getgps" else { return nil }
            let given = Array(tokens.dropLast())
            let expected = password.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return given == expected ? .position(.teltonikaGetGPS) : nil
        }
    }

    /// The tracker's acknowledgement of an authorise command.
    func authoriseAcknowledgement(number: String) -> String {
        switch self {
        case .tk103, .xexun: "admin ok"
        case .gt06: "SET CENTER TEL OK. TEL Number is \(number)."
        case .teltonika: "Param ID:4000 New Val:\(number)"
        }
    }
}
