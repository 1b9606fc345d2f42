/// The modem's volatile settings: what `ATZ`, `AT&F` and a power cycle put back.
///
/// V.250 §6.2 (E, V, Q), TS 27.007 §9.1 (+CMEE), TS 27.005 §3.2/§3.4 (+CSMS, +CPMS, +CNMI).
struct ModemSettings: Sendable, Equatable {
    /// TS 27.005 §3.4.1 `+CNMI=<mode>,<mt>,<bm>,<ds>,<bfr>`.
    struct NewMessageIndications: Sendable, Equatable {
        var mode = 0
        var mt = 0
        var bm = 0
        var ds = 0
        var bfr = 0
    }

    var echo = true
    var verbose = true
    var quiet = false
    var errorMode = 0
    var indications = NewMessageIndications()
    var service = 0
    var moreMessagesToSend = 0
    var registrationReports = 0
    var callingLineIdentification = 0
    var cellularResultCodes = 0
    var voiceHangupControl = 1
    var operatorFormat = 0
    var characterSet = "IRA"
    var textModeParameters = "17,167,0,0"
    /// `+CPMS` mem1 (read, list, delete), mem2 (write), mem3 (where new messages are stored).
    var readStorage: String
    var writeStorage: String
    var receiveStorage: String
    var functionality = 1

    /// Power-up settings; every storage starts as the modem's default (`SM` or `ME`).
    init(defaultStorage: String) {
        readStorage = defaultStorage
        writeStorage = defaultStorage
        receiveStorage = defaultStorage
    }
}

/// Where the SIM stands with its PIN. TS 27.007 §8.3 `+CPIN`.
enum SIMState: Sendable, Equatable {
    case ready
    case pinRequired(attemptsLeft: Int)
    case pukRequired

    var cpinText: String {
        switch self {
        case .ready: "READY"
        case .pinRequired: "SIM PIN"
        case .pukRequired: "SIM PUK"
        }
    }
}
