import TrackerProfiles
import Foundation

/// How a virtual tracker is set up: the control socket's `tracker.add` fields.
public struct VirtualTrackerConfiguration: Sendable, Equatable {
    public var number: String
    public var model: TrackerModel
    /// The device password; the model's factory password when none is given.
    public var password: String
    /// Numbers the device obeys and reports to (admin / centre / SOS numbers).
    public var authorised: [String]
    public var position: TrackerPosition
    /// Send an unprompted report this often; nil for never.
    public var reportEvery: Duration?
    /// Alarm keywords the scheduled reports cycle through (`help me!`, `Door alarm!`);
    /// empty means plain position reports.
    public var alarms: [String]
    /// Answer in Chinese, which forces UCS-2 replies.
    public var chinese: Bool
    public var imei: String

    public init(
        number: String, model: TrackerModel, password: String? = nil, authorised: [String] = [],
        position: TrackerPosition, reportEvery: Duration? = nil, alarms: [String] = [],
        chinese: Bool = false, imei: String? = nil
    ) {
        self.number = number
        self.model = model
        self.password = password ?? model.defaultPassword
        self.authorised = authorised
        self.position = position
        self.reportEvery = reportEvery
        self.alarms = alarms
        self.chinese = chinese
        // A stable made-up IMEI derived from the number, so replies are reproducible.
        let digits = PhoneNumbers.digits(number)
        self.imei = imei ?? String(("35894801" + String(repeating: "0", count: 7) + digits).suffix(15))
    }
}

/// One SMS a tracker wants to send.
public struct TrackerReply: Sendable, Equatable {
    public var to: String
    public var text: String
    /// Sent as UCS-2 even if the text would fit the GSM alphabet.
    public var ucs2: Bool
}

/// A GPS tracker on the virtual network: obeys its model's commands from authorised numbers,
/// answers in its model's format and ignores everyone else.
///
/// A value type with no I/O: the network hands it an SMS and the current time and sends
/// what it returns.
public struct VirtualTracker: Sendable, Equatable {
    public private(set) var configuration: VirtualTrackerConfiguration
    /// Which alarm the next scheduled report carries.
    private var nextAlarmIndex = 0

    public init(_ configuration: VirtualTrackerConfiguration) {
        self.configuration = configuration
    }

    public var number: String { configuration.number }
    public var authorised: [String] { configuration.authorised }

    /// Moves the tracker; later replies report the new position.
    public mutating func move(to position: TrackerPosition) {
        configuration.position = position
    }

    /// Handles an SMS from `sender`; returns the replies (none when ignored).
    public mutating func receive(_ text: String, from sender: String, at now: Date) -> [TrackerReply] {
        let model = configuration.model
        guard let command = model.command(in: text, password: configuration.password) else { return [] }
        switch command {
        case .authorise(let number):
            // Password-protected models accept the admin command from anyone who knows the password;
            // a GT06 takes its first centre number from anyone, then only from authorised numbers.
            if model == .gt06, !configuration.authorised.isEmpty, !isAuthorised(sender) { return [] }
            if model == .teltonika { return [] }
            if !configuration.authorised.contains(where: { PhoneNumbers.same($0, number) }) {
                if model == .gt06 {
                    configuration.authorised.insert(number, at: 0)
                } else {
                    configuration.authorised.append(number)
                }
                if configuration.authorised.count > model.authorisedCapacity {
                    configuration.authorised.removeLast(configuration.authorised.count - model.authorisedCapacity)
                }
            }
            return [TrackerReply(to: sender, text: model.authoriseAcknowledgement(number: number), ucs2: false)]
        case .authoriseList(let numbers):
            // A GT06's SOS numbers come only from an authorised number; Teltonika checked the password.
            if model == .gt06, !configuration.authorised.isEmpty, !isAuthorised(sender) { return [] }
            for number in numbers where !configuration.authorised.contains(where: { PhoneNumbers.same($0, number) }) {
                configuration.authorised.append(number)
            }
            if configuration.authorised.count > model.authorisedCapacity {
                configuration.authorised.removeLast(configuration.authorised.count - model.authorisedCapacity)
            }
            return [TrackerReply(to: sender, text: model.authoriseListAcknowledgement(numbers: numbers), ucs2: false)]
        case .position(let style):
            guard isAuthorised(sender) else { return [] }
            return [reply(to: sender, text: formatter.positionReply(style, at: now))]
        }
    }

    /// The next unprompted report, sent to every authorised number.
    public mutating func scheduledReport(at now: Date) -> [TrackerReply] {
        let text: String
        if configuration.alarms.isEmpty {
            text = formatter.report(at: now)
        } else {
            text = formatter.alarm(configuration.alarms[nextAlarmIndex % configuration.alarms.count], at: now)
            nextAlarmIndex += 1
        }
        return configuration.authorised.map { reply(to: $0, text: text) }
    }

    /// An alarm of the given kind (`help me!`, `Door alarm!`), sent to every authorised number.
    public func alarm(_ kind: String, at now: Date) -> [TrackerReply] {
        let text = formatter.alarm(kind, at: now)
        return configuration.authorised.map { reply(to: $0, text: text) }
    }

    /// Whether `sender` may ask for a position.
    public func isAuthorised(_ sender: String) -> Bool {
        if configuration.authorised.isEmpty { return configuration.model.emptyListMeansAnyone }
        return configuration.authorised.contains { PhoneNumbers.same($0, sender) }
    }

    private var formatter: TrackerReplyFormatter {
        TrackerReplyFormatter(
            model: configuration.model, position: configuration.position,
            imei: configuration.imei, chinese: configuration.chinese)
    }

    private func reply(to number: String, text: String) -> TrackerReply {
        TrackerReply(to: number, text: text, ucs2: configuration.chinese)
    }
}
