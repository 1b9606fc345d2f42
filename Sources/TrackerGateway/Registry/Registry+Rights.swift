import Foundation

/// What `privacy-check` and `privacy-report` read from the register and the live schema.
///
/// DESIGN.md invariant 8; GDPR Art. 30 (the record of processing: categories, retention, safeguards).
/// Counts and schema names only — nothing here opens a sealed field.
extension Registry {
    /// An active customer who never got an amendment's e-mail although it went to others.
    public struct AmendmentGap: Sendable, Equatable {
        public var version: String
        public var customerID: Int64
        /// When the first customer's e-mail for this version was accepted.
        public var firstSentAt: Date
    }

    /// For every amendment e-mailed to at least one customer: the active customers registered before
    /// it went out who have no accepted e-mail for it (those who joined later agreed to the new text).
    public func amendmentGaps() throws -> [AmendmentGap] {
        try read { db in
            var gaps: [AmendmentGap] = []
            let sent = try db.fetchAll(sql: """
                SELECT n.id, n.version, MIN(d.email_sent_at) AS first_sent FROM notices n
                JOIN notice_deliveries d ON d.notice_id = n.id
                WHERE n.kind = 'amendment' AND d.email_sent_at IS NOT NULL GROUP BY n.id ORDER BY n.id
                """)
            for notice in sent {
                let firstSent: Int64 = try notice.decode("first_sent", table: "notice_deliveries")
                let missing = try db.fetchColumn(sql: """
                    SELECT c.id FROM customers c WHERE c.status = 'active' AND c.created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM notice_deliveries d WHERE d.notice_id = ? AND d.customer_id = c.id AND d.email_sent_at IS NOT NULL)
                    ORDER BY c.id
                    """, arguments: [firstSent, try notice.decode("id", table: "notices", as: Int64.self)], column: "id", table: "customers", as: Int64.self)
                let version: String = try notice.decode("version", table: "notices")
                gaps += missing.map { AmendmentGap(version: version, customerID: $0, firstSentAt: Date(timeIntervalSince1970: TimeInterval(firstSent))) }
            }
            return gaps
        }
    }

    /// The facts of the record of processing, as the database holds them now.
    public struct ProcessingFacts: Sendable, Equatable {
        public struct Column: Sendable, Equatable {
            public var table: String
            public var column: String
        }

        public var customersByStatus: [CustomerStatus: Int]
        public var phones: Int
        public var consentingPhones: Int
        public var trackers: Int
        public var auditEntries: Int
        /// Every table of the live schema (none of them could hold a message: DESIGN.md invariant 1).
        public var tables: [String]
        /// Every column holding a sealed (AES-GCM) value.
        public var sealedColumns: [Column]
        /// Every column holding a keyed blind index of a number.
        public var blindIndexColumns: [Column]
        public var secureDelete: Bool
        public var foreignKeys: Bool
        public var journalMode: String
        public var retention: RetentionSettings
        public var rightsDeadline: TimeInterval
        public var requests: [RightsRequest]
        public var breaches: [BreachRecord]
    }

    public func processingFacts() throws -> ProcessingFacts {
        var sealed: [ProcessingFacts.Column] = []
        var blind: [ProcessingFacts.Column] = []
        let schema = try store.schemaTables()
        for (table, columns) in schema {
            for column in columns {
                if column.hasSuffix("_sealed") || column == "wrapped_key" { sealed.append(.init(table: table, column: column)) }
                if column == "blind_index" { blind.append(.init(table: table, column: column)) }
            }
        }
        let safeguards = try store.safeguards()
        var facts = try read { db -> ProcessingFacts in
            var byStatus: [CustomerStatus: Int] = [:]
            for row in try db.fetchAll(sql: "SELECT status, COUNT(*) AS n FROM customers GROUP BY status") {
                if let status = CustomerStatus(rawValue: try row.decode("status", table: "customers")) { byStatus[status] = try row.decode("n", table: "customers") }
            }
            return ProcessingFacts(
                customersByStatus: byStatus, phones: try db.count(sql: "SELECT COUNT(*) AS n FROM phones"),
                consentingPhones: try db.count(sql: "SELECT COUNT(*) AS n FROM phones WHERE consents = 1"),
                trackers: try db.count(sql: "SELECT COUNT(*) AS n FROM trackers"), auditEntries: try db.count(sql: "SELECT COUNT(*) AS n FROM audit"),
                tables: schema.map(\.table), sealedColumns: sealed, blindIndexColumns: blind,
                secureDelete: safeguards.secureDelete, foreignKeys: safeguards.foreignKeys, journalMode: safeguards.journalMode,
                retention: try Self.retentionSettings(in: db), rightsDeadline: try Self.rightsDeadline(in: db),
                requests: [], breaches: [])
        }
        facts.requests = try requests()
        facts.breaches = try breaches()
        return facts
    }
}
