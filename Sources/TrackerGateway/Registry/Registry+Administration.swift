import Foundation

/// The operator's administration: corrections, access copies, removals, listings, settings.
///
/// DESIGN.md invariants 4 and 5, and the customer's rights the privacy policy promises
/// (GDPR Art. 15 access, 16 rectification, 20 portability). Every read of a whole customer
/// (`show`, `export`) and every change is audited, in the same transaction as the read or change.
extension Registry {
    // MARK: Settings

    /// The retention configuration, defaults where nothing is set.
    public func retentionSettings() throws -> RetentionSettings {
        try read { db in try Self.retentionSettings(in: db) }
    }

    static func retentionSettings(in db: any SQLTransaction) throws -> RetentionSettings {
        var settings = RetentionSettings.defaults
        for key in RetentionSettings.Key.allCases {
            guard let row = try db.fetchOne(sql: "SELECT value FROM settings WHERE key = ?", arguments: [key.rawValue]) else { continue }
            // Written as a blob of digits; a hand-edit may have stored text, which reads the same.
            guard let seconds = TimeInterval(try row.decode("value", table: "settings", as: String.self)), seconds >= 0 else {
                throw GatewayError.corruptData(path: "settings.\(key.rawValue)", reason: "is not a number of seconds")
            }
            settings.set(key, seconds)
        }
        return settings
    }

    /// Validates and stores one retention setting; the daemon picks it up at its next sweep.
    public func setRetention(_ key: RetentionSettings.Key, to text: String) throws {
        let seconds = try RetentionSettings.parseDuration(text, for: key)
        let time = now()
        try write { db in
            try Self.storeSetting(key.rawValue, Data(String(Int64(seconds)).utf8), in: db)
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .settingSet, customerID: nil, subjectID: nil), in: db)
        }
    }

    // MARK: Whole customers

    /// Everything held on one customer (the access right); audited. An erased customer is unknown.
    /// `action` is ``AuditAction/customerExport``, or ``AuditAction/customerShow`` for `customer show`.
    ///
    /// `deliver` runs inside the transaction that records the access: when it throws (the copy could
    /// not be written), nothing is audited.
    @discardableResult
    public func exportCustomer(id: Int64, action: AuditAction = .customerExport, deliver: (CustomerExport) throws -> Void = { _ in }) throws -> CustomerExport {
        try exportCustomer(id: id, action: action, alongside: { _ in }, deliver: deliver)
    }

    /// The same, with `alongside` run in the same transaction once the access is recorded (it closes
    /// the rights request the copy answers, or throws and nothing happened).
    func exportCustomer(id: Int64, action: AuditAction, alongside: (any SQLTransaction) throws -> Void, deliver: (CustomerExport) throws -> Void) throws -> CustomerExport {
        let time = now()
        return try write { db in
            guard let row = try db.fetchOne(sql: "SELECT * FROM customers WHERE id = ? AND status <> 'erased'", arguments: [id]),
                  let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: "customers") else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            // Recorded first, so the copy the customer gets shows this very access.
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: action, customerID: id, subjectID: nil), in: db)
            try alongside(db)
            let export = try customerExport(of: row, id: id, key: try vault.unwrap(wrapped), at: time, in: db)
            try deliver(export)
            return export
        }
    }

    private func customerExport(of row: SQLRow, id: Int64, key: DataKey, at time: Date, in db: any SQLTransaction) throws -> CustomerExport {
        let table = "customers"
        let phones = try db.fetchAll(sql: "SELECT id, number_sealed, consents, created_at FROM phones WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
            let route = try phoneRoute(from: $0, customerID: id, key: key)
            return CustomerExport.Phone(id: route.phoneID, number: route.number, consents: route.consents, createdAt: try $0.decodeDate("created_at", table: "phones"))
        }
        let trackers = try db.fetchAll(sql: """
            SELECT t.id, t.number_sealed, t.model, t.password_sealed, t.label_sealed, t.created_at, \(Self.knownGatewayNumbersColumn(tracker: "t", in: db))
            FROM trackers t WHERE t.customer_id = ? ORDER BY t.id
            """, arguments: [id]).map {
            let route = try trackerRoute(from: $0, customerID: id, key: key, phones: [])
            return CustomerExport.Tracker(id: route.trackerID, number: route.number, model: route.model, password: route.password,
                                          label: route.label, createdAt: try $0.decodeDate("created_at", table: "trackers"))
        }
        return CustomerExport(
            exportedAt: time, id: id, status: try row.decodeCase("status", table: table),
            createdAt: try row.decodeDate("created_at", table: table), adultAttestedAt: try row.decodeDate("adult_attested_at", table: table),
            terminatedAt: try row.decodeDateIfPresent("terminated_at", table: table), disputeHold: try row.decode("dispute_hold", table: table),
            name: try openSealed(row, "name_sealed", table: table, with: key),
            address: try openSealed(row, "address_sealed", table: table, with: key),
            email: try openSealed(row, "email_sealed", table: table, with: key),
            card: try card(in: row, with: key),
            disputeNote: try openSealedIfPresent(row, "dispute_note_sealed", table: table, with: key),
            notices: CustomerExport.Notices(
                amendmentVersion: try row.decodeIfPresent("amendment_version", table: table),
                amendmentNotifiedAt: try row.decodeDateIfPresent("amendment_notified_at", table: table),
                breachNotifiedAt: try row.decodeDateIfPresent("breach_notified_at", table: table),
                terminatedUnderAmendment: try row.decode("terminated_under_amendment", table: table)),
            phones: phones, trackers: trackers,
            audit: try AuditLog.entries(in: db, customerID: id))
    }

    /// Corrects fields of an active or terminated customer; audited. Validated before the write opens.
    public func updateCustomer(id: Int64, _ update: CustomerUpdate) throws {
        try updateCustomer(id: id, update, alongside: { _ in })
    }

    /// The same, with `alongside` run in the same transaction after the correction (the rights request).
    func updateCustomer(id: Int64, _ update: CustomerUpdate, alongside: (any SQLTransaction) throws -> Void) throws {
        let fields = try update.validated()
        let time = now()
        try write { db in
            guard let row = try db.fetchOne(sql: "SELECT status, wrapped_key FROM customers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            guard let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: "customers") else {
                throw GatewayError.conflict(field: "customer \(id)", reason: "is erased; nothing is left to correct")
            }
            let key = try vault.unwrap(wrapped)
            if let name = fields.name {
                try db.execute(sql: "UPDATE customers SET name_sealed = ? WHERE id = ?", arguments: [vault.seal(name, column: "customers.name", with: key), id])
            }
            if let address = fields.address {
                try db.execute(sql: "UPDATE customers SET address_sealed = ? WHERE id = ?", arguments: [vault.seal(address, column: "customers.address", with: key), id])
            }
            if let email = fields.email {
                try db.execute(sql: "UPDATE customers SET email_sealed = ? WHERE id = ?", arguments: [vault.seal(email.value, column: "customers.email", with: key), id])
            }
            switch fields.card {
            case .keep:
                break
            case .remove:
                try db.execute(sql: "UPDATE customers SET card_token_sealed = NULL, card_last4_sealed = NULL WHERE id = ?", arguments: [id])
            case .replace(let card):
                try db.execute(sql: "UPDATE customers SET card_token_sealed = ?, card_last4_sealed = ? WHERE id = ?", arguments: [
                    vault.seal(card.token, column: "customers.card_token", with: key), vault.seal(card.last4, column: "customers.card_last4", with: key), id])
            }
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .customerUpdate, customerID: id, subjectID: nil), in: db)
            try alongside(db)
        }
        // The old values' pages may still sit in the write-ahead log.
        shredWriteAheadLog()
    }

    // MARK: Phones and trackers

    /// Removes a phone and frees its number. A customer keeps at least one phone while active.
    public func removePhone(id: Int64) throws {
        let time = now()
        try write { db in
            guard let row = try db.fetchOne(sql: "SELECT customer_id FROM phones WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "phone", id: id)
            }
            let customerID: Int64 = try row.decode("customer_id", table: "phones")
            let status = try customerStatus(customerID, in: db)
            let count = try db.count(sql: "SELECT COUNT(*) AS n FROM phones WHERE customer_id = ?", arguments: [customerID])
            if status == .active && count <= 1 {
                throw GatewayError.conflict(field: "phone \(id)", reason: "is the only phone of active customer \(customerID); add another first, or terminate the customer")
            }
            try db.execute(sql: "DELETE FROM phones WHERE id = ?", arguments: [id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .phoneRemove, customerID: customerID, subjectID: id), in: db)
        }
        shredWriteAheadLog()
    }

    /// Removes a tracker and frees its number; its reports are unknown senders from then on.
    public func removeTracker(id: Int64) throws {
        let time = now()
        try write { db in
            guard let row = try db.fetchOne(sql: "SELECT customer_id FROM trackers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "tracker", id: id)
            }
            let customerID: Int64 = try row.decode("customer_id", table: "trackers")
            try db.execute(sql: "DELETE FROM trackers WHERE id = ?", arguments: [id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerRemove, customerID: customerID, subjectID: id), in: db)
        }
        shredWriteAheadLog()
    }

    /// A tracker of an active customer, with what is needed to command it (for `tracker provision`).
    public func trackerRoute(id: Int64) throws -> TrackerRoute {
        try read { db in
            guard let row = try db.fetchOne(sql: """
                SELECT t.*, c.status, c.wrapped_key, \(Self.knownGatewayNumbersColumn(tracker: "t", in: db))
                FROM trackers t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?
                """, arguments: [id]) else {
                throw GatewayError.unknownID(kind: "tracker", id: id)
            }
            let customerID: Int64 = try row.decode("customer_id", table: "trackers")
            guard try row.decodeCase("status", table: "customers", as: CustomerStatus.self) == .active,
                  let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: "customers") else {
                throw GatewayError.conflict(field: "tracker \(id)", reason: "belongs to customer \(customerID), which is not active")
            }
            return try trackerRoute(from: row, customerID: customerID, key: vault.unwrap(wrapped), phones: [])
        }
    }

    /// Records that the admin command was sent to a tracker (and whether it acknowledged, in no column: metadata only).
    public func recordProvision(trackerID: Int64, customerID: Int64) throws {
        let time = now()
        try write { db in
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerProvision, customerID: customerID, subjectID: trackerID), in: db)
        }
    }

    // MARK: Audit

    /// Audit entries at or after `since`, about `customerID` when given, oldest first.
    public func auditEntries(since: Date?, customerID: Int64?) throws -> [AuditEntry] {
        try read { db in try AuditLog.entries(in: db, since: since, customerID: customerID) }
    }

    // MARK: Helpers

    func requireNotErased(_ id: Int64, in db: any SQLTransaction) throws {
        guard try customerStatus(id, in: db) != .erased else {
            throw GatewayError.unknownID(kind: "customer", id: id)
        }
    }

    /// The customer's status, or ``GatewayError/unknownID(kind:id:)``.
    func customerStatus(_ id: Int64, in db: any SQLTransaction) throws -> CustomerStatus {
        guard let row = try db.fetchOne(sql: "SELECT status FROM customers WHERE id = ?", arguments: [id]) else {
            throw GatewayError.unknownID(kind: "customer", id: id)
        }
        return try row.decodeCase("status", table: "customers")
    }
}
