/// The SMS commands one tracker family understands, and how it acknowledges them.
///
/// `/work/shared/corpus/tracker-sms.md` "Command to ask for a position, per family". Pure:
/// a password (and a number) in, the command text out. Each position command is the one that
/// answers with coordinates as text, so the relay forwards an answer the owner can read:
/// - `tk103` (Coban GPS103/TK103): `smslink<pw>` — `lat:…\nlong:…` plus a maps link;
///   admin `admin<pw> <number>` → `admin ok`.
/// - `xexun` (TK102/TK103): `smstext<pw>` — text reply; admin `admin<pw> <number>` → `admin ok`.
/// - `gt06` (Concox): `WHERE#` — needs no password, it obeys its centre number;
///   centre `CENTER,A,<number>#` → a reply starting `OK`.
/// - `teltonika` (FMB): `<login> <pass> getgps`; with neither set, two spaces then `getgps`.
///   The stored password holds `<login> <pass>` separated by one space; a value without a
///   space is the password with an empty login. Authorised number: `setparam 4000:<number>`
///   → a reply starting `New value`. (Teltonika obeys anyone while its list is empty.)
/// - `generic`: a configurable position command, `WHERE#` by default; no admin command.
public struct TrackerCommandProfile: Sendable, Equatable {
    public var model: TrackerModel
    /// The position command; `{password}` (and for Teltonika `{login}`) are filled in.
    public var positionTemplate: String
    /// The command that makes the gateway's number the tracker's admin / centre number;
    /// `{number}` is the gateway's own number. Nil when the family has none.
    public var adminTemplate: String?
    /// How the tracker's answer to the admin command starts (compared case-insensitively).
    public var adminAcknowledgement: String?

    public init(model: TrackerModel, positionTemplate: String, adminTemplate: String?, adminAcknowledgement: String?) {
        self.model = model
        self.positionTemplate = positionTemplate
        self.adminTemplate = adminTemplate
        self.adminAcknowledgement = adminAcknowledgement
    }

    /// The built-in profile of a family; `generic` asks with `genericPositionCommand`.
    public static func standard(for model: TrackerModel, genericPositionCommand: String = "WHERE#") -> TrackerCommandProfile {
        switch model {
        case .tk103:
            return .init(model: model, positionTemplate: "smslink{password}", adminTemplate: "admin{password} {number}", adminAcknowledgement: "admin ok")
        case .xexun:
            return .init(model: model, positionTemplate: "smstext{password}", adminTemplate: "admin{password} {number}", adminAcknowledgement: "admin ok")
        case .gt06:
            return .init(model: model, positionTemplate: "WHERE#", adminTemplate: "CENTER,A,{number}#", adminAcknowledgement: "OK")
        case .teltonika:
            return .init(model: model, positionTemplate: "{login} {password} getgps", adminTemplate: "{login} {password} setparam 4000:{number}", adminAcknowledgement: "New value")
        case .generic:
            return .init(model: model, positionTemplate: genericPositionCommand, adminTemplate: nil, adminAcknowledgement: nil)
        }
    }

    /// The SMS that asks the tracker for its position.
    public func positionCommand(password: String) -> String {
        fill(positionTemplate, password: password, number: "")
    }

    /// The SMS that makes `number` (the gateway's own) the tracker's admin number, if any.
    public func adminCommand(password: String, number: String) -> String? {
        adminTemplate.map { fill($0, password: password, number: number) }
    }

    /// The commands that make `numbers` (the gateway's, best first) the tracker's authorised
    /// numbers, as many as the model remembers, each with the numbers it authorises: tk103 and
    /// xexun one `admin` command per number; gt06 the centre number, then the others as SOS
    /// numbers in one `SOS,A,…#`; teltonika one `setparam` with a parameter per number (4000…).
    /// Empty when the family has no admin command.
    public func adminCommands(password: String, numbers: [String]) -> [(command: String, numbers: [String])] {
        let chosen = Array(numbers.prefix(model.authorisedCapacity))
        guard adminTemplate != nil, let first = chosen.first else { return [] }
        switch model {
        case .tk103, .xexun:
            return chosen.compactMap { number in adminCommand(password: password, number: number).map { ($0, [number]) } }
        case .gt06:
            var commands: [(String, [String])] = adminCommand(password: password, number: first).map { [($0, [first])] } ?? []
            let sos = Array(chosen.dropFirst())
            if !sos.isEmpty { commands.append(("SOS,A," + sos.joined(separator: ",") + "#", sos)) }
            return commands
        case .teltonika:
            let parameters = chosen.enumerated().map { "\(4000 + $0.offset):\($0.element)" }.joined(separator: ";")
            let command = fill("{login} {password} setparam ", password: password, number: "") + parameters
            return [(command, chosen)]
        case .generic:
            return []
        }
    }

    /// Whether a tracker's SMS acknowledges the admin command.
    public func isAdminAcknowledgement(_ text: String) -> Bool {
        guard let expected = adminAcknowledgement?.lowercased() else { return false }
        let trimmed = text.drop(while: { $0.isWhitespace || $0.isNewline }).lowercased()
        return trimmed.hasPrefix(expected) || Self.otherAcknowledgements(for: model).contains { trimmed.hasPrefix($0) }
    }

    /// Other firmware spells the same acknowledgement differently: GT06N answers `CENTER,A,…#`
    /// with `SET CENTER TEL OK. TEL Number is …`.
    static func otherAcknowledgements(for model: TrackerModel) -> [String] {
        switch model {
        case .gt06: ["set center tel ok", "set center ok", "set sos ok", "sos ok"]
        // FMB firmware answers a setparam with the parameter and its new value.
        case .teltonika: ["param id:"]
        default: []
        }
    }

    private func fill(_ template: String, password: String, number: String) -> String {
        var login = ""
        var secret = password
        if model == .teltonika, let space = password.firstIndex(of: " ") {
            login = String(password[..<space])
            secret = String(password[password.index(after: space)...])
        }
        // One pass, so a password that itself contains `{number}` is never expanded again.
        let values = ["login": login, "password": secret, "number": number]
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}"),
                  let value = values[String(rest[rest.index(after: open)..<close])] else {
                result.append("{")
                rest = rest[rest.index(after: open)...]
                continue
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
