/// The families of SMS-only GPS trackers trackerd can command, and the simulator can impersonate.
///
/// `../shared/corpus/tracker-sms.md` "Command to ask for a position, per family". The one
/// definition of the table: the gateway builds its commands from it (`TrackerCommandProfile`),
/// the simulator's virtual trackers obey and answer by it.
public enum TrackerModel: String, CaseIterable, Sendable, Codable {
    /// Coban GPS103 / TK103A/B: `admin123456 <number>`, `smslink123456`, `address123456`.
    case tk103
    /// Xexun TK102/TK103: `admin123456 <number>`, `smstext123456`, `smslink123456`.
    case xexun
    /// Concox GT06 / GT06N: `CENTER,A,<number>#`, `WHERE#`, `URL#`, old firmware `DWXX,000000#`.
    case gt06
    /// Teltonika FMB: `<login> <pass> getgps`, or two spaces then `getgps` with empty credentials.
    case teltonika
    /// Any other tracker: a configurable position command, no admin command.
    case generic

    /// The families a real device of which can be simulated (`generic` has no fixed behaviour).
    public static let simulated: [TrackerModel] = [.tk103, .xexun, .gt06, .teltonika]

    /// The factory password, used when a tracker is registered without one.
    public var defaultPassword: String {
        switch self {
        case .tk103, .xexun: "123456"
        case .gt06, .teltonika, .generic: ""
        }
    }

    /// How many numbers the device can remember as authorised (admin / centre / SOS).
    public var authorisedCapacity: Int {
        switch self {
        case .tk103, .xexun: 5
        case .gt06: 4  // one centre number plus three SOS numbers
        case .teltonika: 10
        case .generic: 1
        }
    }

    /// Whether an empty authorised list lets anyone command the device (only Teltonika does).
    public var emptyListMeansAnyone: Bool { self == .teltonika }
}
