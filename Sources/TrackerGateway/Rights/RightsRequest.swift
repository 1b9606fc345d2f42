import Foundation

/// Which right a data subject asks for (GDPR Art. 15 access, 16 rectification, 17 erasure, 21 objection).
public enum RequestKind: String, Sendable, Codable, CaseIterable {
    case access
    case correction
    case erasure
    case objection

    /// The `customer` command that answers a request of this kind, if any does.
    public var answeringCommand: String? {
        switch self {
        case .access: return "customer export"
        case .correction: return "customer update"
        case .erasure: return "customer erase"
        case .objection: return nil
        }
    }
}

/// How the request reached the operator.
public enum RequestChannel: String, Sendable, Codable, CaseIterable {
    case email
    case letter
    case phone
    case sms
}

/// How a request ended.
public enum RequestOutcome: String, Sendable, Codable, CaseIterable {
    case done
    case refused
    case withdrawn
}

/// Where a request stands against its due date.
///
/// DESIGN.md invariant 8 — `privacy-check` reports `near` (within ``RequestClock/warning`` of the due
/// date) and `overdue` before and after it passes. Pure: a function of the dates and `now`.
public enum RequestClock: String, Sendable, Codable {
    case onTrack = "on-track"
    case near
    case overdue
    case closedOnTime = "closed-on-time"
    case closedLate = "closed-late"

    /// How long before the due date a request counts as near it.
    public static let warning: TimeInterval = 2 * 86_400

    /// The state at `now`: a request is overdue from its due instant on, and closed on time when
    /// closed before it.
    public static func of(dueAt: Date, closedAt: Date?, now: Date) -> RequestClock {
        if let closedAt { return closedAt < dueAt ? .closedOnTime : .closedLate }
        if now >= dueAt { return .overdue }
        return now >= dueAt.addingTimeInterval(-warning) ? .near : .onTrack
    }
}

/// A data-subject request as the register keeps it: ids, kinds, dates and an outcome — no notes.
public struct RightsRequest: Sendable, Equatable, Codable {
    public var id: Int64
    public var customerID: Int64
    public var kind: RequestKind
    public var channel: RequestChannel?
    public var receivedAt: Date
    public var loggedAt: Date
    public var dueAt: Date
    public var verifiedAt: Date?
    /// When `customer export` produced the copy that answered an access request.
    public var copyProducedAt: Date?
    public var closedAt: Date?
    public var outcome: RequestOutcome?

    public var isOpen: Bool { closedAt == nil }
    /// Logged only after its due date had passed: shown overdue at once, never hidden.
    public var loggedLate: Bool { loggedAt >= dueAt }

    public func clock(at now: Date) -> RequestClock {
        RequestClock.of(dueAt: dueAt, closedAt: closedAt, now: now)
    }
}

/// One request with its sealed notes opened (`request show`); the notes are nil once the customer is erased.
public struct RightsRequestDetails: Sendable, Equatable, Codable {
    public var request: RightsRequest
    public var note: String?
    public var verification: String?
    public var closingNote: String?
    /// Whether the customer was erased (and the notes with its key).
    public var customerErased: Bool
}

/// A request as the operator logs it.
public struct NewRightsRequest: Sendable {
    public var customerID: Int64
    public var kind: RequestKind
    public var channel: RequestChannel?
    public var receivedAt: Date
    public var note: String?

    public init(customerID: Int64, kind: RequestKind, channel: RequestChannel? = nil, receivedAt: Date, note: String? = nil) {
        self.customerID = customerID
        self.kind = kind
        self.channel = channel
        self.receivedAt = receivedAt
        self.note = note
    }
}

/// The rights settings kept in the registry: `rights.deadline`, the time a request may take.
///
/// SOS Assistance's policy: "processed within ten (10) days from the date we receive the request".
/// Set with `trackerd config set rights.deadline 30d`; a number with a unit `d`, `h`, `m` or `s`,
/// a bare number is days, between one day and ninety.
public enum RightsSettings {
    public static let deadlineKey = "rights.deadline"
    public static let defaultDeadline: TimeInterval = 10 * 86_400
    public static let deadlineRange: ClosedRange<TimeInterval> = 86_400...(90 * 86_400)

    public static func parseDeadline(_ text: String) throws -> TimeInterval {
        let trimmed = text.trimmingSpaces().lowercased()
        let units: [Character: TimeInterval] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var digits = Substring(trimmed)
        var unit: TimeInterval = 86_400
        if let last = digits.last, let factor = units[last] {
            unit = factor
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit), let count = Int(digits),
              deadlineRange.contains(TimeInterval(count) * unit) else {
            throw GatewayError.invalidInput(field: deadlineKey, reason: "must be a duration from 1d to 90d, such as 10d or 30d")
        }
        return TimeInterval(count) * unit
    }

    /// The due date of a request received at `received`: whole days are counted on the operator's
    /// calendar (a daylight-saving change does not move the due day), anything else in seconds.
    public static func dueDate(received: Date, deadline: TimeInterval, timeZone: TimeZone) -> Date {
        let days = deadline / 86_400
        guard days == days.rounded() else { return received.addingTimeInterval(deadline) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(byAdding: .day, value: Int(days), to: received) ?? received.addingTimeInterval(deadline)
    }
}
