import Foundation
import GRDB

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

    static func retentionSettings(in db: Database) throws -> RetentionSettings {
        var settings = RetentionSettings.defaults
        for key in RetentionSettings.Key.allCases {
            guard let raw = try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key.rawValue]) else { continue }
            guard let seconds = TimeInterval(String(decoding: raw, as: UTF8.self)), seconds >= 0 else {
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
            try db.execute(sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", arguments: [key.rawValue, Data(String(Int64(seconds)).utf8)])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .settingSet, customerID: nil, subjectID: nil), in: db)
        }
    }

    // MARK: Whole customers

    /// Everything held on one customer (the access right); audited. An erased customer is unknown.
    /// `action` is ``AuditAction/customerExport``, or ``AuditAction/customerShow`` for `customer show`.
    public func exportCustomer(id: Int64, action: AuditAction = .customerExport) throws -> CustomerExport {
        try exportCustomer(id: id, action: action, alongside: { _ in })
    }

    /// The same, with `alongside` run in the same transaction once the access is recorded (it closes
    /// the rights request the copy answers, or throws and nothing happened).
    func exportCustomer(id: Int64, action: AuditAction, alongside: (Database) throws -> Void) throws -> CustomerExport {
        let time = now()
        return try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM customers WHERE id = ? AND status <> 'erased'", arguments: [id]),
                  let wrapped = row["wrapped_key"] as Data? else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            // Recorded first, so the copy the customer gets shows this very access.
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: action, customerID: id, subjectID: nil), in: db)
            try alongside(db)
            let key = try vault.unwrap(wrapped)
            var card: CustomerExport.Card?
            if let token = row["card_token_sealed"] as Data?, let last4 = row["card_last4_sealed"] as Data? {
                card = CustomerExport.Card(token: try vault.open(token, column: "customers.card_token", with: key),
                                           last4: try vault.open(last4, column: "customers.card_last4", with: key))
            }
            let phones = try Row.fetchAll(db, sql: "SELECT id, number_sealed, consents, created_at FROM phones WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
                CustomerExport.Phone(id: $0["id"], number: try vault.open($0["number_sealed"], column: "phones.number", with: key),
                                     consents: $0["consents"], createdAt: Self.date($0["created_at"])!)
            }
            let trackers = try Row.fetchAll(db, sql: "SELECT id, number_sealed, model, password_sealed, label_sealed, created_at FROM trackers WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
                let route = try trackerRoute(from: $0, customerID: id, key: key, phones: [])
                return CustomerExport.Tracker(id: route.trackerID, number: route.number, model: route.model, password: route.password,
                                              label: route.label, createdAt: Self.date($0["created_at"])!)
            }
            guard let status = CustomerStatus(rawValue: row["status"]) else {
                throw GatewayError.corruptData(path: "customers.status", reason: "unknown status")
            }
            return CustomerExport(
                exportedAt: time, id: id, status: status,
                createdAt: Self.date(row["created_at"])!, adultAttestedAt: Self.date(row["adult_attested_at"])!,
                terminatedAt: Self.date(row["terminated_at"]), disputeHold: row["dispute_hold"],
                name: try vault.open(row["name_sealed"], column: "customers.name", with: key),
                address: try vault.open(row["address_sealed"], column: "customers.address", with: key),
                email: try vault.open(row["email_sealed"], column: "customers.email", with: key),
                card: card,
                disputeNote: try (row["dispute_note_sealed"] as Data?).map { try vault.open($0, column: "customers.dispute_note", with: key) },
                notices: CustomerExport.Notices(
                    amendmentVersion: row["amendment_version"], amendmentNotifiedAt: Self.date(row["amendment_notified_at"]),
                    breachNotifiedAt: Self.date(row["breach_notified_at"]), terminatedUnderAmendment: row["terminated_under_amendment"]),
                phones: phones, trackers: trackers,
                audit: try AuditLog.entries(in: db, customerID: id))
        }
    }

    /// Corrects fields of an active or terminated customer; audited. Validated before the write opens.
    public func updateCustomer(id: Int64, _ update: CustomerUpdate) throws {
        try updateCustomer(id: id, update, alongside: { _ in })
    }

    /// The same, with `alongside` run in the same transaction after the correction (the rights request).
    func updateCustomer(id: Int64, _ update: CustomerUpdate, alongside: (Database) throws -> Void) throws {
        let fields = try update.validated()
        let time = now()
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, wrapped_key FROM customers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            guard let wrapped = row["wrapped_key"] as Data? else {
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
            guard let customerID = try Int64.fetchOne(db, sql: "SELECT customer_id FROM phones WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "phone", id: id)
            }
            let status = try String.fetchOne(db, sql: "SELECT status FROM customers WHERE id = ?", arguments: [customerID])
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM phones WHERE customer_id = ?", arguments: [customerID]) ?? 0
            if status == CustomerStatus.active.rawValue && count <= 1 {
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
            guard let customerID = try Int64.fetchOne(db, sql: "SELECT customer_id FROM trackers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "tracker", id: id)
            }
            try db.execute(sql: "DELETE FROM trackers WHERE id = ?", arguments: [id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerRemove, customerID: customerID, subjectID: id), in: db)
        }
        shredWriteAheadLog()
    }

    /// Every phone (of one customer, or of all), decrypted, in id order.
    public func phones(customerID: Int64? = nil) throws -> [PhoneListing] {
        try read { db in
            if let customerID { try requireNotErased(customerID, in: db) }
            var keys = KeyCache(vault: vault)
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.id, p.customer_id, p.number_sealed, p.consents, c.wrapped_key FROM phones p JOIN customers c ON c.id = p.customer_id
                WHERE ? IS NULL OR p.customer_id = ? ORDER BY p.id
                """, arguments: [customerID, customerID])
            return try rows.map { row in
                let key = try keys.key(customerID: row["customer_id"], wrapped: row["wrapped_key"])
                return PhoneListing(id: row["id"], customerID: row["customer_id"],
                                    number: try vault.open(row["number_sealed"], column: "phones.number", with: key), consents: row["consents"])
            }
        }
    }

    /// Every tracker (of one customer, or of all), decrypted, in id order.
    public func trackers(customerID: Int64? = nil) throws -> [TrackerListing] {
        try read { db in
            if let customerID { try requireNotErased(customerID, in: db) }
            var keys = KeyCache(vault: vault)
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.id, t.customer_id, t.number_sealed, t.model, t.password_sealed, t.label_sealed, c.wrapped_key
                FROM trackers t JOIN customers c ON c.id = t.customer_id
                WHERE ? IS NULL OR t.customer_id = ? ORDER BY t.id
                """, arguments: [customerID, customerID])
            return try rows.map { row in
                let key = try keys.key(customerID: row["customer_id"], wrapped: row["wrapped_key"])
                let route = try trackerRoute(from: row, customerID: row["customer_id"], key: key, phones: [])
                return TrackerListing(id: route.trackerID, customerID: route.customerID, number: route.number, model: route.model, label: route.label)
            }
        }
    }

    /// A tracker of an active customer, with what is needed to command it (for `tracker provision`).
    public func trackerRoute(id: Int64) throws -> TrackerRoute {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT t.*, c.status, c.wrapped_key FROM trackers t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "tracker", id: id)
            }
            let customerID: Int64 = row["customer_id"]
            guard (row["status"] as String) == CustomerStatus.active.rawValue, let wrapped = row["wrapped_key"] as Data? else {
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

    func requireNotErased(_ id: Int64, in db: Database) throws {
        let status = try String.fetchOne(db, sql: "SELECT status FROM customers WHERE id = ?", arguments: [id])
        guard let status, status != CustomerStatus.erased.rawValue else {
            throw GatewayError.unknownID(kind: "customer", id: id)
        }
    }

    /// Unwraps each customer's key once while listing many rows.
    struct KeyCache {
        let vault: Vault
        var keys: [Int64: DataKey] = [:]

        mutating func key(customerID: Int64, wrapped: Data?) throws -> DataKey {
            if let key = keys[customerID] { return key }
            guard let wrapped else {
                throw GatewayError.corruptData(path: "customers.wrapped_key", reason: "a customer with phones or trackers has no data key")
            }
            let key = try vault.unwrap(wrapped)
            keys[customerID] = key
            return key
        }
    }
}
