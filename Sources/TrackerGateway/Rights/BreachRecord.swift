import Foundation

/// What was decided about telling the supervisory authority.
public enum AuthorityDecision: String, Sendable, Codable {
    /// The authority was told (GDPR Art. 33(1)).
    case reported
    /// No report is needed: unlikely to result in a risk to people (Art. 33(1)); documented (Art. 33(5)).
    case notRequired = "not-required"
}

/// Where a breach stands against the 72 hours GDPR Art. 33(1) gives to tell the authority.
public enum BreachAuthorityClock: String, Sendable, Codable {
    case due
    case overdue
    case reportedOnTime = "reported-on-time"
    case reportedLate = "reported-late"
    case notRequired = "not-required"

    /// Art. 33(1): "not later than 72 hours after having become aware of it".
    public static let window: TimeInterval = 72 * 3_600

    /// The state at `now`: the clock runs from discovery; a decision recorded ends it.
    public static func of(discoveredAt: Date, decision: AuthorityDecision?, decidedAt: Date?, now: Date) -> BreachAuthorityClock {
        let due = discoveredAt.addingTimeInterval(window)
        switch (decision, decidedAt) {
        case (.reported?, let at?): return at <= due ? .reportedOnTime : .reportedLate
        case (.notRequired?, _): return .notRequired
        default: return now >= due ? .overdue : .due
        }
    }
}

/// A breach as the register keeps it: dates, the affected customers' ids, and who was told when.
///
/// DESIGN.md invariant 8; GDPR Art. 33(5) (every breach documented), 33(1) (the authority within
/// 72 hours of discovery), 34(1) (the people affected without undue delay). The summary and the
/// authority's name are sealed and are only in ``BreachDetails``.
public struct BreachRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var discoveredAt: Date
    public var recordedAt: Date
    public var customerIDs: [Int64]
    public var authorityDecision: AuthorityDecision?
    /// When the authority was told, or when it was decided that no report is needed.
    public var authorityAt: Date?
    /// Affected customers still on file (not erased): the ones a notice can reach.
    public var customersOnFile: Int
    /// Of those, how many the MTA accepted the notice's e-mail for.
    public var customersNotified: Int
    /// When the last of them was notified (Art. 34's "without undue delay" is read from it).
    public var lastNotifiedAt: Date?

    public var authorityDue: Date { discoveredAt.addingTimeInterval(BreachAuthorityClock.window) }
    public var allNotified: Bool { customersNotified >= customersOnFile }

    public func authorityClock(at now: Date) -> BreachAuthorityClock {
        BreachAuthorityClock.of(discoveredAt: discoveredAt, decision: authorityDecision, decidedAt: authorityAt, now: now)
    }
}

/// One breach with its sealed texts opened and each affected customer's notice (`breach show`).
public struct BreachDetails: Sendable, Equatable, Codable {
    public struct Delivery: Sendable, Equatable, Codable {
        public var customerID: Int64
        public var erased: Bool
        public var emailSentAt: Date?
        public var emailAttempts: Int
        public var smsSentAt: Date?
    }

    public var breach: BreachRecord
    /// Nil once the one customer it was sealed for is erased.
    public var summary: String?
    /// The authority's name, or why no report was needed.
    public var authority: String?
    public var deliveries: [Delivery]
}
