import Foundation
import GRDB

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
            let sent = try Row.fetchAll(db, sql: """
                SELECT n.id, n.version, MIN(d.email_sent_at) AS first_sent FROM notices n
                JOIN notice_deliveries d ON d.notice_id = n.id
                WHERE n.kind = 'amendment' AND d.email_sent_at IS NOT NULL GROUP BY n.id ORDER BY n.id
                """)
            for notice in sent {
                let firstSent: Int64 = notice["first_sent"]
                let missing = try Int64.fetchAll(db, sql: """
                    SELECT c.id FROM customers c WHERE c.status = 'active' AND c.created_at < ?
                    AND NOT EXISTS (SELECT 1 FROM notice_deliveries d WHERE d.notice_id = ? AND d.customer_id = c.id AND d.email_sent_at IS NOT NULL)
                    ORDER BY c.id
                    """, arguments: [firstSent, notice["id"] as Int64])
                gaps += missing.map { AmendmentGap(version: notice["version"], customerID: $0, firstSentAt: Self.date(firstSent) ?? .distantPast) }
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
        var facts = try read { db -> ProcessingFacts in
            var byStatus: [CustomerStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM customers GROUP BY status") {
                if let status = CustomerStatus(rawValue: row["status"]) { byStatus[status] = row["n"] }
            }
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
            var sealed: [ProcessingFacts.Column] = []
            var blind: [ProcessingFacts.Column] = []
            for table in tables {
                for column in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table]) {
                    if column.hasSuffix("_sealed") || column == "wrapped_key" { sealed.append(.init(table: table, column: column)) }
                    if column == "blind_index" { blind.append(.init(table: table, column: column)) }
                }
            }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return ProcessingFacts(
                customersByStatus: byStatus, phones: try count("SELECT COUNT(*) FROM phones"),
                consentingPhones: try count("SELECT COUNT(*) FROM phones WHERE consents = 1"),
                trackers: try count("SELECT COUNT(*) FROM trackers"), auditEntries: try count("SELECT COUNT(*) FROM audit"),
                tables: tables, sealedColumns: sealed, blindIndexColumns: blind,
                secureDelete: try count("PRAGMA secure_delete") == 1, foreignKeys: try count("PRAGMA foreign_keys") == 1,
                journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "unknown",
                retention: try Self.retentionSettings(in: db), rightsDeadline: try Self.rightsDeadline(in: db),
                requests: [], breaches: [])
        }
        facts.requests = try requests()
        facts.breaches = try breaches()
        return facts
    }
}
