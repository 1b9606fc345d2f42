import Foundation

/// The breach register: every personal-data breach documented, with its two clocks.
///
/// GDPR Art. 33(5) (documented), 33(1) (the authority within 72 hours of discovery), 34 (the
/// customers without undue delay — sent by ``NoticeDispatch`` and recorded per customer). A summary
/// that concerns one customer is sealed under that customer's key; one that spans customers, and
/// the authority's name or the reason for not reporting, under the vault's register-notes key.
extension Registry {
    /// Documents a breach discovered at `discoveredAt` affecting `customerIDs` (none when not yet known).
    public func recordBreach(discoveredAt: Date, summary: String, customerIDs: [Int64]) throws -> BreachRecord {
        let summary = try FreeText.validated(summary, field: "--summary", maximumLength: 10_000, allowsNewlines: true)
        var affected: [Int64] = []
        for id in customerIDs where !affected.contains(id) { affected.append(id) }
        let time = now()
        guard Self.seconds(discoveredAt) <= Self.seconds(time) else {
            throw GatewayError.invalidInput(field: "--discovered", reason: "is in the future; give the time the breach became known")
        }
        return try write { db in
            var keys: [DataKey] = []
            for id in affected { keys.append(try customerKey(id, in: db)) }
            // One customer's breach is that customer's data; one spanning customers belongs to the register.
            let sealingCustomer = affected.count == 1 ? affected.first : nil
            let sealingKey = affected.count == 1 ? keys[0] : vault.registerNotesKey
            let id = try db.insert(sql: "INSERT INTO breaches (discovered_at, recorded_at, sealing_customer_id, summary_sealed) VALUES (?, ?, ?, ?)",
                                   arguments: [Self.seconds(discoveredAt), Self.seconds(time), sealingCustomer,
                                               vault.seal(summary, column: "breaches.summary", with: sealingKey)])
            for customer in affected {
                try db.execute(sql: "INSERT INTO breach_customers (breach_id, customer_id) VALUES (?, ?)", arguments: [id, customer])
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachRecord, customerID: customer, subjectID: id), in: db)
            }
            if affected.isEmpty {
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachRecord, customerID: nil, subjectID: id), in: db)
            }
            return try breach(id, in: db)
        }
    }

    /// Records that the authority named `text` was told at `at`, or (`.notRequired`) why no report
    /// is needed, decided now. Once recorded it stays: a second record is refused.
    public func recordAuthority(breachID id: Int64, decision: AuthorityDecision, text: String, at: Date? = nil) throws -> BreachRecord {
        let field = decision == .reported ? "--authority" : "--not-required"
        let text = try FreeText.validated(text, field: field, maximumLength: 1_000, allowsNewlines: decision == .notRequired)
        let time = now()
        let decidedAt = at ?? time
        guard Self.seconds(decidedAt) <= Self.seconds(time) else {
            throw GatewayError.invalidInput(field: "--at", reason: "is in the future")
        }
        return try write { db in
            let breach = try breach(id, in: db)
            guard breach.authorityDecision == nil else {
                throw GatewayError.conflict(field: "breach \(id)", reason: "already has its authority decision recorded (\(breach.authorityDecision?.rawValue ?? ""))")
            }
            guard Self.seconds(decidedAt) >= Self.seconds(breach.discoveredAt) else {
                throw GatewayError.invalidInput(field: "--at", reason: "is before the breach was discovered")
            }
            try db.execute(sql: "UPDATE breaches SET authority_decision = ?, authority_at = ?, authority_sealed = ? WHERE id = ?",
                           arguments: [decision.rawValue, Self.seconds(decidedAt), vault.seal(text, column: "breaches.authority", with: vault.registerNotesKey), id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachReported, customerID: nil, subjectID: id), in: db)
            return try self.breach(id, in: db)
        }
    }

    /// Every breach, in id order; no sealed text.
    public func breaches() throws -> [BreachRecord] {
        try read { db in
            try db.fetchColumn(sql: "SELECT id FROM breaches ORDER BY id", column: "id", table: "breaches").map { try breach($0, in: db) }
        }
    }

    /// One breach with its summary and authority opened and its deliveries; audited.
    public func breachDetails(id: Int64) throws -> BreachDetails {
        let time = now()
        return try write { db in
            let breach = try breach(id, in: db)
            guard let row = try db.fetchOne(sql: """
                SELECT b.summary_sealed, b.authority_sealed, b.sealing_customer_id, c.wrapped_key
                FROM breaches b LEFT JOIN customers c ON c.id = b.sealing_customer_id WHERE b.id = ?
                """, arguments: [id]) else { throw GatewayError.unknownID(kind: "breach", id: id) }
            var summary: String?
            if let sealed: Data = try row.decodeIfPresent("summary_sealed", table: "breaches") {
                let sealingCustomer: Int64? = try row.decodeIfPresent("sealing_customer_id", table: "breaches")
                let wrapped: Data? = try row.decodeIfPresent("wrapped_key", table: "customers")
                let key = sealingCustomer == nil ? vault.registerNotesKey : try wrapped.map { try vault.unwrap($0) }
                summary = try key.map { try vault.open(sealed, column: "breaches.summary", with: $0) }
            }
            let authority = try (row.decodeIfPresent("authority_sealed", table: "breaches", as: Data.self)).map {
                try vault.open($0, column: "breaches.authority", with: vault.registerNotesKey)
            }
            let deliveries = try db.fetchAll(sql: """
                SELECT bc.customer_id, c.status, d.email_sent_at, d.email_attempts, d.sms_sent_at FROM breach_customers bc
                JOIN customers c ON c.id = bc.customer_id
                LEFT JOIN notices n ON n.kind = 'breach' AND n.breach_id = bc.breach_id
                LEFT JOIN notice_deliveries d ON d.notice_id = n.id AND d.customer_id = bc.customer_id
                WHERE bc.breach_id = ? ORDER BY bc.customer_id
                """, arguments: [id]).map { row in
                BreachDetails.Delivery(customerID: try row.decode("customer_id", table: "breach_customers"),
                                       erased: try row.decodeCase("status", table: "customers", as: CustomerStatus.self) == .erased,
                                       emailSentAt: try row.decodeDateIfPresent("email_sent_at", table: "notice_deliveries"),
                                       emailAttempts: try row.decodeIfPresent("email_attempts", table: "notice_deliveries") ?? 0,
                                       smsSentAt: try row.decodeDateIfPresent("sms_sent_at", table: "notice_deliveries"))
            }
            for delivery in deliveries where !delivery.erased {
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachShow, customerID: delivery.customerID, subjectID: id), in: db)
            }
            if deliveries.allSatisfy(\.erased) {
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachShow, customerID: nil, subjectID: id), in: db)
            }
            return BreachDetails(breach: breach, summary: summary, authority: authority, deliveries: deliveries)
        }
    }

    func breach(_ id: Int64, in db: any SQLTransaction) throws -> BreachRecord {
        guard let row = try db.fetchOne(sql: "SELECT * FROM breaches WHERE id = ?", arguments: [id]) else {
            throw GatewayError.unknownID(kind: "breach", id: id)
        }
        let decision: AuthorityDecision? = try row.decodeCaseIfPresent("authority_decision", table: "breaches")
        let customers = try db.fetchColumn(sql: "SELECT customer_id FROM breach_customers WHERE breach_id = ? ORDER BY customer_id", arguments: [id],
                                           column: "customer_id", table: "breach_customers", as: Int64.self)
        let counts = try db.fetchOne(sql: """
            SELECT COUNT(*) AS on_file, COUNT(d.email_sent_at) AS notified, MAX(d.email_sent_at) AS last_notified
            FROM breach_customers bc JOIN customers c ON c.id = bc.customer_id AND c.status <> 'erased'
            LEFT JOIN notices n ON n.kind = 'breach' AND n.breach_id = bc.breach_id
            LEFT JOIN notice_deliveries d ON d.notice_id = n.id AND d.customer_id = bc.customer_id
            WHERE bc.breach_id = ?
            """, arguments: [id])
        return BreachRecord(
            id: id, discoveredAt: try row.decodeDate("discovered_at", table: "breaches"), recordedAt: try row.decodeDate("recorded_at", table: "breaches"),
            customerIDs: customers, authorityDecision: decision, authorityAt: try row.decodeDateIfPresent("authority_at", table: "breaches"),
            customersOnFile: try counts?.decodeIfPresent("on_file", table: "breach_customers") ?? 0,
            customersNotified: try counts?.decodeIfPresent("notified", table: "notice_deliveries") ?? 0,
            lastNotifiedAt: try counts?.decodeDateIfPresent("last_notified", table: "notice_deliveries"))
    }
}
