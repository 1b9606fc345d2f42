import Foundation

/// How long the registry keeps what it keeps: pure decisions from a customer's facts and `now`.
///
/// DESIGN.md invariant 5 — a terminated customer's PII is purged after the grace period unless a
/// dispute hold is open; the metadata-only audit log has its own, shorter retention. The database
/// only stores and sweeps; whether something goes is decided here, so it is testable without one.
public struct RetentionPolicy: Sendable, Equatable {
    /// Time after termination during which a customer's PII is still kept (billing disputes, refunds).
    public var terminatedGracePeriod: TimeInterval
    /// Age after which an audit entry is deleted.
    public var auditRetention: TimeInterval

    public init(terminatedGracePeriod: TimeInterval, auditRetention: TimeInterval) {
        precondition(terminatedGracePeriod >= 0 && auditRetention >= 0, "retention periods are not negative")
        self.terminatedGracePeriod = terminatedGracePeriod
        self.auditRetention = auditRetention
    }

    /// The facts about one customer that retention looks at.
    public struct CustomerFacts: Sendable, Equatable {
        public var status: CustomerStatus
        public var terminatedAt: Date?
        public var disputeHold: Bool

        public init(status: CustomerStatus, terminatedAt: Date?, disputeHold: Bool) {
            self.status = status
            self.terminatedAt = terminatedAt
            self.disputeHold = disputeHold
        }
    }

    public enum Decision: Sendable, Equatable {
        /// Keep: still active, within the grace period (until `until`), or under a dispute hold.
        case keep(until: Date?)
        /// The grace period is over and no dispute hold is open: erase now.
        case erase
        /// Already erased: nothing left to decide.
        case alreadyErased
    }

    /// What to do with a customer at `now`.
    public func decision(for customer: CustomerFacts, now: Date) -> Decision {
        switch customer.status {
        case .erased:
            return .alreadyErased
        case .active:
            return .keep(until: nil)
        case .terminated:
            guard let terminatedAt = customer.terminatedAt else {
                preconditionFailure("the schema guarantees a terminated customer has terminated_at")
            }
            if customer.disputeHold { return .keep(until: nil) }
            let due = terminatedAt.addingTimeInterval(terminatedGracePeriod)
            return now >= due ? .erase : .keep(until: due)
        }
    }

    /// Audit entries strictly older than this are deleted.
    public func auditCutoff(now: Date) -> Date {
        now.addingTimeInterval(-auditRetention)
    }

    /// How long after a privacy-policy amendment notice a customer may leave without a fee.
    public static let amendmentNoticeWindow: TimeInterval = 30 * 86_400

    /// Whether a termination at `terminatedAt` falls within the window of the notice at `noticeAt`.
    public static func terminatesUnderAmendment(noticeAt: Date?, terminatedAt: Date) -> Bool {
        guard let noticeAt else { return false }
        let elapsed = terminatedAt.timeIntervalSince(noticeAt)
        return elapsed >= 0 && elapsed <= amendmentNoticeWindow
    }
}
