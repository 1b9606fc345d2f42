import Foundation

/// Notices to customers: privacy-policy amendments and personal-data breaches.
///
/// GDPR Art. 13(3)/Art. 34, DESIGN.md invariant 8 and the privacy policy's promise of notice by
/// e-mail. The registry keeps, per notice, customer and channel, when it was handed over (the MTA
/// accepted the e-mail, a modem accepted the SMS) and how many e-mail hand-offs failed — never the
/// text. A customer counts as notified once the e-mail was accepted; the 30-day no-fee window of an
/// amendment runs from that moment. A phone that texted STOP gets nothing (invariant 7).
extension Registry {
    /// Which notice: an amendment carries the policy's version tag.
    public enum Notice: Sendable, Equatable {
        case amendment(version: String)
        case breach
    }

    /// Which notice, as the register knows it: an amendment by version, a breach by its id.
    public enum NoticeSubject: Sendable, Equatable, CustomStringConvertible {
        case amendment(version: String)
        case breach(id: Int64)

        public var description: String {
            switch self {
            case .amendment(let version): return "amendment \(version)"
            case .breach(let id): return "breach \(id)"
            }
        }
    }

    /// A customer to notify, and the consenting phones to send it to.
    public struct NoticeRecipient: Sendable, Equatable {
        public var customerID: Int64
        public var phones: [PhoneRoute]
    }

    /// A customer a notice is for, with what it still needs: the e-mail, the SMS, or neither.
    public struct PendingNotice: Sendable, Equatable {
        public var customerID: Int64
        public var name: String
        public var email: String
        /// The consenting phones (none: no SMS to send).
        public var phones: [String]
        public var emailSentAt: Date?
        public var smsSentAt: Date?

        public var needsEmail: Bool { emailSentAt == nil }
        public var needsSMS: Bool { smsSentAt == nil && !phones.isEmpty }
    }

    /// Checks an amendment's version tag: 1 to 32 letters, digits, dots, dashes or underscores.
    public static func validatedVersion(_ text: String) throws -> String {
        let version = text.trimmingSpaces()
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...32).contains(version.count), version.allSatisfy({ allowed.contains($0) }) else {
            throw GatewayError.invalidInput(field: "--version", reason: "must be 1 to 32 letters, digits, dots, dashes or underscores")
        }
        return version
    }

    /// Every active customer with its consenting phones (an amendment goes to all of them).
    public func amendmentRecipients() throws -> [NoticeRecipient] {
        let ids = try read { db in try Self.activeCustomerIDs(in: db) }
        return try recipients(ids)
    }

    /// The named customers (active or terminated: a breach concerns data still held), with their consenting phones.
    public func breachRecipients(customerIDs: [Int64]) throws -> [NoticeRecipient] {
        guard !customerIDs.isEmpty else { throw GatewayError.usage("give at least one --customer") }
        try read { db in
            for id in customerIDs { try requireNotErased(id, in: db) }
        }
        return try recipients(customerIDs)
    }

    private func recipients(_ ids: [Int64]) throws -> [NoticeRecipient] {
        try ids.map { id in
            let phones = try phones(customerID: id).filter(\.consents).map {
                PhoneRoute(phoneID: $0.id, customerID: id, number: $0.number, consents: true)
            }
            return NoticeRecipient(customerID: id, phones: phones)
        }
    }

    /// Records on the customer rows that `customerIDs` were notified now (the date the no-fee window
    /// and `customer export` read), one audit entry each.
    public func recordNotice(_ notice: Notice, customerIDs: [Int64]) throws {
        let time = now()
        try write { db in
            for id in customerIDs {
                try markNotified(id, notice: notice, subjectID: nil, at: time, in: db)
            }
        }
    }

    private func markNotified(_ id: Int64, notice: Notice, subjectID: Int64?, at time: Date, in db: any SQLTransaction) throws {
        try requireNotErased(id, in: db)
        switch notice {
        case .amendment(let version):
            try db.execute(sql: "UPDATE customers SET amendment_version = ?, amendment_notified_at = ? WHERE id = ?", arguments: [try Self.validatedVersion(version), Self.seconds(time), id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .amendmentNotice, customerID: id, subjectID: subjectID), in: db)
        case .breach:
            try db.execute(sql: "UPDATE customers SET breach_notified_at = ? WHERE id = ?", arguments: [Self.seconds(time), id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachNotice, customerID: id, subjectID: subjectID), in: db)
        }
    }

    // MARK: Per customer and channel

    /// Who `subject` is for, with what each still needs. An amendment is for every active customer;
    /// a breach for its affected customers still on file. Reads only: nothing is recorded until sent.
    public func pendingNotices(_ subject: NoticeSubject) throws -> [PendingNotice] {
        let (ids, sent): ([Int64], [Int64: (email: Date?, sms: Date?)]) = try read { db in
            let ids: [Int64]
            switch subject {
            case .amendment(let version):
                _ = try Self.validatedVersion(version)
                ids = try Self.activeCustomerIDs(in: db)
            case .breach(let breachID):
                let breach = try breach(breachID, in: db)
                guard !breach.customerIDs.isEmpty else {
                    throw GatewayError.conflict(field: "breach \(breachID)", reason: "has no affected customers on record, so there is nobody to notify")
                }
                ids = try db.fetchColumn(sql: """
                    SELECT bc.customer_id FROM breach_customers bc JOIN customers c ON c.id = bc.customer_id
                    WHERE bc.breach_id = ? AND c.status <> 'erased' ORDER BY bc.customer_id
                    """, arguments: [breachID], column: "customer_id", table: "breach_customers")
            }
            var sent: [Int64: (email: Date?, sms: Date?)] = [:]
            if let noticeID = try noticeID(subject, create: false, in: db) {
                for row in try db.fetchAll(sql: "SELECT customer_id, email_sent_at, sms_sent_at FROM notice_deliveries WHERE notice_id = ?", arguments: [noticeID]) {
                    let table = "notice_deliveries"
                    sent[try row.decode("customer_id", table: table)] = (try row.decodeDateIfPresent("email_sent_at", table: table),
                                                                        try row.decodeDateIfPresent("sms_sent_at", table: table))
                }
            }
            return (ids, sent)
        }
        return try ids.map { id in
            let record = try customer(id: id)
            guard let profile = record.profile else { throw GatewayError.unknownID(kind: "customer", id: id) }
            return PendingNotice(customerID: id, name: profile.name, email: profile.email,
                                 phones: record.phones.filter(\.consents).map(\.number),
                                 emailSentAt: sent[id]?.email, smsSentAt: sent[id]?.sms)
        }
    }

    /// Records one customer's e-mail hand-off: accepted (the customer is notified now) or failed
    /// after `attempts` tries (counted, so the next run sends it and the report shows it).
    public func recordEmailHandOff(_ subject: NoticeSubject, customerID: Int64, accepted: Bool, attempts: Int) throws {
        let time = now()
        try write { db in
            try requireNotErased(customerID, in: db)
            guard let noticeID = try noticeID(subject, create: true, in: db) else { return }
            let seconds = Self.seconds(time)
            if accepted {
                try db.execute(sql: """
                    INSERT INTO notice_deliveries (notice_id, customer_id, email_sent_at, email_attempts) VALUES (?, ?, ?, ?)
                    ON CONFLICT (notice_id, customer_id) DO UPDATE SET email_sent_at = excluded.email_sent_at,
                        email_attempts = notice_deliveries.email_attempts + excluded.email_attempts
                    """, arguments: [noticeID, customerID, seconds, attempts])
                switch subject {
                case .amendment(let version): try markNotified(customerID, notice: .amendment(version: version), subjectID: noticeID, at: time, in: db)
                case .breach(let breachID): try markNotified(customerID, notice: .breach, subjectID: breachID, at: time, in: db)
                }
            } else {
                try db.execute(sql: """
                    INSERT INTO notice_deliveries (notice_id, customer_id, email_attempts, email_failed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (notice_id, customer_id) DO UPDATE SET email_failed_at = excluded.email_failed_at,
                        email_attempts = notice_deliveries.email_attempts + excluded.email_attempts
                    """, arguments: [noticeID, customerID, attempts, seconds])
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .emailNoticeFailed, customerID: customerID, subjectID: auditSubject(subject, noticeID)), in: db)
            }
        }
    }

    /// Records that a modem accepted the notice's SMS for at least one of the customer's phones.
    public func recordSMSHandOff(_ subject: NoticeSubject, customerID: Int64) throws {
        let time = now()
        try write { db in
            try requireNotErased(customerID, in: db)
            guard let noticeID = try noticeID(subject, create: true, in: db) else { return }
            try db.execute(sql: """
                INSERT INTO notice_deliveries (notice_id, customer_id, sms_sent_at) VALUES (?, ?, ?)
                ON CONFLICT (notice_id, customer_id) DO UPDATE SET sms_sent_at = excluded.sms_sent_at
                """, arguments: [noticeID, customerID, Self.seconds(time)])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .smsNotice, customerID: customerID, subjectID: auditSubject(subject, noticeID)), in: db)
        }
    }

    /// The audit log names a breach notice by the breach's id (what `breach list` shows), an amendment by its notice id.
    private func auditSubject(_ subject: NoticeSubject, _ noticeID: Int64) -> Int64 {
        if case .breach(let id) = subject { return id }
        return noticeID
    }

    /// The notice row for `subject`; with `create`, made on first use.
    func noticeID(_ subject: NoticeSubject, create: Bool, in db: any SQLTransaction) throws -> Int64? {
        switch subject {
        case .amendment(let version):
            if let id: Int64 = try db.fetchOne(sql: "SELECT id FROM notices WHERE kind = 'amendment' AND version = ?", arguments: [version])?.decode("id", table: "notices") {
                return id
            }
            guard create else { return nil }
            return try db.insert(sql: "INSERT INTO notices (kind, version, created_at) VALUES ('amendment', ?, ?)", arguments: [try Self.validatedVersion(version), Self.seconds(now())])
        case .breach(let breachID):
            _ = try breach(breachID, in: db)
            if let id: Int64 = try db.fetchOne(sql: "SELECT id FROM notices WHERE kind = 'breach' AND breach_id = ?", arguments: [breachID])?.decode("id", table: "notices") {
                return id
            }
            guard create else { return nil }
            return try db.insert(sql: "INSERT INTO notices (kind, breach_id, created_at) VALUES ('breach', ?, ?)", arguments: [breachID, Self.seconds(now())])
        }
    }

    static func activeCustomerIDs(in db: any SQLTransaction) throws -> [Int64] {
        try db.fetchColumn(sql: "SELECT id FROM customers WHERE status = 'active' ORDER BY id", column: "id", table: "customers")
    }
}
