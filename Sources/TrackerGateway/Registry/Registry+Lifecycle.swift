import Foundation

/// A customer's life after registration: termination, dispute holds, erasure, and retention sweeps.
///
/// DESIGN.md invariants 4 and 5 — erasing destroys the customer's data key (crypto-shredding) and its
/// phone and tracker rows; `secure_delete` overwrites the freed pages.
extension Registry {
    /// Ends an active customer's service; its PII is kept for the grace period, and it stops routing.
    ///
    /// A termination within ``RetentionPolicy/amendmentNoticeWindow`` of the customer's last
    /// privacy-policy amendment notice is marked as under the amendment (no termination fee).
    @discardableResult
    public func terminateCustomer(id: Int64) throws -> Termination {
        let time = now()
        return try write { db in
            let status = try customerStatus(id, in: db)
            guard status == .active else {
                throw GatewayError.conflict(field: "<id>", reason: "customer \(id) is \(status.rawValue), not active")
            }
            let noticeAt = try db.fetchOne(sql: "SELECT amendment_notified_at FROM customers WHERE id = ?", arguments: [id])?
                .decodeDateIfPresent("amendment_notified_at", table: "customers")
            let underAmendment = RetentionPolicy.terminatesUnderAmendment(noticeAt: noticeAt, terminatedAt: time)
            try db.execute(sql: "UPDATE customers SET status = 'terminated', terminated_at = ?, terminated_under_amendment = ? WHERE id = ?",
                           arguments: [Self.seconds(time), underAmendment, id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .customerTerminate, customerID: id, subjectID: nil), in: db)
            return Termination(customerID: id, terminatedAt: Self.date(Self.seconds(time))!, underAmendment: underAmendment)
        }
    }

    /// Opens or releases a dispute hold, which keeps a terminated customer's PII past the grace period.
    ///
    /// `note` (the operator's reason, free text) is sealed under the customer's key, never audited.
    public func setDisputeHold(customerID id: Int64, held: Bool, note: String? = nil) throws {
        let validNote = try note.map { try FreeText.validated($0, field: "--note", maximumLength: 1_000, allowsNewlines: true) }
        let time = now()
        try write { db in
            let status = try customerStatus(id, in: db)
            guard status != .erased else {
                throw GatewayError.conflict(field: "<id>", reason: "customer \(id) is erased; there is nothing left to hold")
            }
            let current = try disputeHold(id, in: db)
            if note != nil && current == held {
                throw GatewayError.conflict(field: "customer \(id)", reason: held ? "already has an open dispute" : "has no open dispute")
            }
            try db.execute(sql: "UPDATE customers SET dispute_hold = ? WHERE id = ?", arguments: [held, id])
            if let validNote, let wrapped: Data = try db.fetchOne(sql: "SELECT wrapped_key FROM customers WHERE id = ?", arguments: [id])?
                .decodeIfPresent("wrapped_key", table: "customers") {
                let sealed = vault.seal(validNote, column: "customers.dispute_note", with: try vault.unwrap(wrapped))
                try db.execute(sql: "UPDATE customers SET dispute_note_sealed = ? WHERE id = ?", arguments: [sealed, id])
            }
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: held ? .disputeHold : .disputeRelease, customerID: id, subjectID: nil), in: db)
        }
    }

    /// Crypto-shreds a customer: drops its wrapped key and every sealed field, deletes its phones and
    /// trackers (freeing their numbers). The id and status row remain, for the audit trail.
    /// Refused while a dispute hold is open.
    public func eraseCustomer(id: Int64) throws {
        try erase(id: id, action: .customerErase)
    }

    /// Erases for the operator (`customer.erase`) or for the retention sweep (`customer.purge`);
    /// `alongside` runs in the same transaction afterwards (the erasure request it answers).
    func erase(id: Int64, action: AuditAction, alongside: (any SQLTransaction) throws -> Void = { _ in }) throws {
        let time = now()
        try write { db in
            let status = try customerStatus(id, in: db)
            guard status != .erased else {
                throw GatewayError.conflict(field: "<id>", reason: "customer \(id) is already erased")
            }
            guard try !disputeHold(id, in: db) else {
                throw GatewayError.conflict(field: "<id>", reason: "customer \(id) has an open dispute hold")
            }
            try db.execute(sql: "DELETE FROM phones WHERE customer_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM trackers WHERE customer_id = ?", arguments: [id])
            let seconds = Self.seconds(time)
            try db.execute(sql: """
                UPDATE customers SET status = 'erased', terminated_at = COALESCE(terminated_at, ?), erased_at = ?,
                    wrapped_key = NULL, name_sealed = NULL, address_sealed = NULL, email_sealed = NULL,
                    card_token_sealed = NULL, card_last4_sealed = NULL, dispute_note_sealed = NULL
                WHERE id = ?
                """, arguments: [seconds, seconds, id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: action, customerID: id, subjectID: nil), in: db)
            try alongside(db)
        }
        shredWriteAheadLog()
    }

    /// Erases every customer the policy says is due, deletes audit entries past their retention,
    /// and returns the erased ids. Each erasure is its own transaction and re-checks the hold.
    @discardableResult
    public func sweep(policy: RetentionPolicy) throws -> [Int64] {
        try runSweep(policy: policy).customerIDs
    }

    /// What a sweep at this moment would purge, without purging it (`retention sweep --dry-run`).
    public func sweepPlan(policy: RetentionPolicy) throws -> SweepReport {
        let time = now()
        return try read { db in
            SweepReport(customerIDs: try dueCustomers(policy: policy, now: time, in: db),
                        auditEntries: try db.count(sql: "SELECT COUNT(*) AS n FROM audit WHERE at < ?", arguments: [Self.seconds(policy.auditCutoff(now: time))]))
        }
    }

    /// Purges what is due: one `customer.purge` audit entry per customer, then old audit entries.
    @discardableResult
    public func runSweep(policy: RetentionPolicy) throws -> SweepReport {
        let time = now()
        let due = try read { db in try dueCustomers(policy: policy, now: time, in: db) }
        var erased: [Int64] = []
        for id in due {
            do {
                try erase(id: id, action: .customerPurge)
                erased.append(id)
            } catch let error as GatewayError {
                // A hold opened (or an erase done) by another process since the read: leave it.
                guard case .conflict = error else { throw error }
            }
        }
        let cutoff = Self.seconds(policy.auditCutoff(now: time))
        let deleted = try write { db in
            try db.execute(sql: "DELETE FROM audit WHERE at < ?", arguments: [cutoff])
        }
        if deleted > 0 { shredWriteAheadLog() }
        return SweepReport(customerIDs: erased, auditEntries: deleted)
    }

    /// Terminated customers whose grace period is over and who have no open dispute hold.
    func dueCustomers(policy: RetentionPolicy, now time: Date, in db: any SQLTransaction) throws -> [Int64] {
        try db.fetchAll(sql: "SELECT id, terminated_at, dispute_hold FROM customers WHERE status = 'terminated' ORDER BY id").compactMap { row in
            let facts = RetentionPolicy.CustomerFacts(status: .terminated, terminatedAt: try row.decodeDate("terminated_at", table: "customers"),
                                                      disputeHold: try row.decode("dispute_hold", table: "customers"))
            return policy.decision(for: facts, now: time) == .erase ? try row.decode("id", table: "customers") : nil
        }
    }

    /// The oldest audit entry's time, for `privacy-check`.
    public func oldestAuditEntry() throws -> Date? {
        try read { db in try db.fetchOne(sql: "SELECT MIN(at) AS at FROM audit")?.decodeDateIfPresent("at", table: "audit") }
    }

    private func disputeHold(_ id: Int64, in db: any SQLTransaction) throws -> Bool {
        try db.fetchOne(sql: "SELECT dispute_hold FROM customers WHERE id = ?", arguments: [id])?.decode("dispute_hold", table: "customers", as: Bool.self) ?? false
    }
}

/// What a sweep purged (or, for a dry run, would purge).
public struct SweepReport: Sendable, Equatable, Codable {
    public var customerIDs: [Int64]
    public var auditEntries: Int

    public init(customerIDs: [Int64], auditEntries: Int) {
        self.customerIDs = customerIDs
        self.auditEntries = auditEntries
    }
}

/// The outcome of `customer terminate`.
public struct Termination: Sendable, Equatable, Codable {
    public var customerID: Int64
    public var terminatedAt: Date
    /// Within 30 days of an amendment notice: no termination fee.
    public var underAmendment: Bool
}
