import Foundation
import TrackerProfiles

/// What a tracker understood an incoming SMS to be.
enum TrackerCommand: Sendable, Equatable {
    /// Make this number an authorised (admin / centre) number.
    case authorise(number: String)
    /// Add these numbers to the authorised ones (GT06 `SOS,A,…#`, Teltonika `setparam 4000:…`).
    case authoriseList([String])
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
            if compact.hasPrefix("sos,a,") && compact.hasSuffix("#") {
                let numbers = compact.dropFirst("sos,a,".count).dropLast().split(separator: ",").map(String.init)
                guard !numbers.isEmpty, numbers.count <= 3, numbers.allSatisfy(PhoneNumbers.isPlausible) else { return nil }
                return .authoriseList(numbers)
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
        case .generic:
            // The gateway's default generic position command; a generic device has no admin command.
            return lower.replacingOccurrences(of: " ", with: "") == "where#" ? .position(.gt06Where) : nil
        case .teltonika:
            // "<login> <pass> getgps"; with empty credentials the SMS is two spaces then "getgps".
            let tokens = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if let position = tokens.firstIndex(where: { $0.lowercased() == "setparam" }) {
                // "<login> <pass> setparam 4000:<number>;4001:<number>…": the authorised numbers list.
                let expected = password.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard Array(tokens[..<position]) == expected, position + 1 < tokens.count else { return nil }
                var numbers: [String] = []
                for parameter in tokens[(position + 1)...].joined().split(separator: ";") {
                    let pair = parameter.split(separator: ":", maxSplits: 1).map(String.init)
                    guard pair.count == 2, let id = Int(pair[0]), (4000...4009).contains(id), PhoneNumbers.isPlausible(pair[1]) else { return nil }
                    numbers.append(pair[1])
                }
                return numbers.isEmpty ? nil : .authoriseList(numbers)
            }
            guard let last = tokens.last, last.lowercased() == "getgps" else { return nil }
            let given = Array(tokens.dropLast())
            let expected = password.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return given == expected ? .position(.teltonikaGetGPS) : nil
        }
    }

    /// The tracker's acknowledgement of an authorise-list command.
    func authoriseListAcknowledgement(numbers: [String]) -> String {
        switch self {
        case .gt06: "SET SOS OK"
        default: "Param ID:4000 New Val:\(numbers.first ?? "")"
        }
    }

    /// The tracker's acknowledgement of an authorise command.
    func authoriseAcknowledgement(number: String) -> String {
        switch self {
        case .tk103, .xexun: "admin ok"
        case .gt06: "SET CENTER TEL OK. TEL Number is \(number)."
        case .teltonika: "Param ID:4000 New Val:\(number)"
        case .generic: ""
        }
    }
}
