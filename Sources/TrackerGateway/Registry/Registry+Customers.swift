import Foundation
import GRDB

/// Adding and reading customers, phones and trackers.
extension Registry {
    /// Registers a customer with its phones; returns the new customer id.
    ///
    /// Every field is validated, and every PII field sealed under a fresh data key, before the
    /// write transaction opens; inside it only the number claims are checked, then rows are inserted.
    public func addCustomer(_ form: NewCustomer, defaultCallingCode: CallingCode? = nil) throws -> Int64 {
        let customer = try form.validated(defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let dataKey = vault.generateDataKey()
        let wrappedKey = try vault.wrap(dataKey)
        let name = vault.seal(customer.name, column: "customers.name", with: dataKey)
        let address = vault.seal(customer.address, column: "customers.address", with: dataKey)
        let email = vault.seal(customer.email.value, column: "customers.email", with: dataKey)
        let cardToken = customer.card.map { vault.seal($0.token, column: "customers.card_token", with: dataKey) }
        let cardLast4 = customer.card.map { vault.seal($0.last4, column: "customers.card_last4", with: dataKey) }
        let phones = customer.phones.enumerated().map { position, number in
            (field: customer.phones.count == 1 ? "--phone" : "--phone #\(position + 1)",
             index: vault.blindIndex(of: number),
             sealed: vault.seal(number.e164, column: "phones.number", with: dataKey))
        }
        let time = now()
        let seconds = Self.seconds(time)

        return try write { db in
            for phone in phones {
                try refuseClaimed(phone.index, field: phone.field, in: db)
            }
            try db.execute(sql: """
                INSERT INTO customers (status, created_at, adult_attested_at, wrapped_key, name_sealed, address_sealed, email_sealed, card_token_sealed, card_last4_sealed)
                VALUES ('active', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [seconds, seconds, wrappedKey, name, address, email, cardToken, cardLast4])
            let customerID = db.lastInsertedRowID
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .customerAdd, customerID: customerID, subjectID: nil), in: db)
            for phone in phones {
                let phoneID = try insertPhone(customerID: customerID, index: phone.index, sealed: phone.sealed, seconds: seconds, in: db)
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: .phoneAdd, customerID: customerID, subjectID: phoneID), in: db)
            }
            return customerID
        }
    }

    /// Adds a phone to an active customer; returns the new phone id.
    public func addPhone(customerID: Int64, number text: String, defaultCallingCode: CallingCode? = nil) throws -> Int64 {
        let number = try PhoneNumber(parsing: text, field: "--number", defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let index = vault.blindIndex(of: number)
        let time = now()
        return try write { db in
            let dataKey = try activeCustomerKey(customerID, in: db)
            try refuseClaimed(index, field: "--number", in: db)
            let sealed = vault.seal(number.e164, column: "phones.number", with: dataKey)
            let phoneID = try insertPhone(customerID: customerID, index: index, sealed: sealed, seconds: Self.seconds(time), in: db)
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .phoneAdd, customerID: customerID, subjectID: phoneID), in: db)
            return phoneID
        }
    }

    /// Adds a tracker to an active customer; returns the new tracker id.
    public func addTracker(_ form: NewTracker, defaultCallingCode: CallingCode? = nil) throws -> Int64 {
        let tracker = try form.validated(defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let index = vault.blindIndex(of: tracker.number)
        let time = now()
        return try write { db in
            let dataKey = try activeCustomerKey(tracker.customerID, in: db)
            try refuseClaimed(index, field: "--number", in: db)
            if let label = tracker.label {
                // Labels are sealed, so uniqueness per customer is checked here, not by an index.
                let existing = try Data.fetchAll(db, sql: "SELECT label_sealed FROM trackers WHERE customer_id = ? AND label_sealed IS NOT NULL", arguments: [tracker.customerID])
                for sealed in existing where try vault.open(sealed, column: "trackers.label", with: dataKey).lowercased() == label.lowercased() {
                    throw GatewayError.conflict(field: "--label", reason: "another tracker of this customer has the same label")
                }
            }
            try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'tracker')", arguments: [index])
            try db.execute(sql: """
                INSERT INTO trackers (customer_id, blind_index, number_sealed, model, password_sealed, label_sealed, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    tracker.customerID, index,
                    vault.seal(tracker.number.e164, column: "trackers.number", with: dataKey),
                    tracker.model.rawValue,
                    vault.seal(tracker.password, column: "trackers.password", with: dataKey),
                    tracker.label.map { vault.seal($0, column: "trackers.label", with: dataKey) },
                    Self.seconds(time),
                ])
            let trackerID = db.lastInsertedRowID
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerAdd, customerID: tracker.customerID, subjectID: trackerID), in: db)
            return trackerID
        }
    }

    /// One customer, decrypted, with its phones and trackers.
    public func customer(id: Int64) throws -> CustomerRecord {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM customers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            return try customerRecord(from: row, in: db)
        }
    }

    /// Every customer, decrypted, in id order.
    public func listCustomers() throws -> [CustomerRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM customers ORDER BY id").map { try customerRecord(from: $0, in: db) }
        }
    }

    // MARK: Helpers inside a transaction

    /// The customer's data key, or ``GatewayError/unknownID(kind:id:)`` / a conflict when not active.
    func activeCustomerKey(_ customerID: Int64, in db: Database) throws -> DataKey {
        guard let row = try Row.fetchOne(db, sql: "SELECT status, wrapped_key FROM customers WHERE id = ?", arguments: [customerID]) else {
            throw GatewayError.unknownID(kind: "customer", id: customerID)
        }
        let status: String = row["status"]
        guard status == CustomerStatus.active.rawValue, let wrapped = row["wrapped_key"] as Data? else {
            throw GatewayError.conflict(field: "--customer", reason: "customer \(customerID) is \(status); only an active customer gains phones or trackers")
        }
        return try vault.unwrap(wrapped)
    }

    /// Throws a conflict naming what already has this number (phone, tracker, the gateway itself).
    func refuseClaimed(_ index: Data, field: String, in db: Database) throws {
        guard let kind = try claimedKind(of: index, in: db) else { return }
        let reason = kind == "gateway" ? "is the gateway's own number" : "is already registered as a \(kind)"
        throw GatewayError.conflict(field: field, reason: reason)
    }

    func insertPhone(customerID: Int64, index: Data, sealed: Data, seconds: Int64, in db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'phone')", arguments: [index])
        try db.execute(sql: "INSERT INTO phones (customer_id, blind_index, number_sealed, consents, created_at) VALUES (?, ?, ?, 1, ?)",
                       arguments: [customerID, index, sealed, seconds])
        return db.lastInsertedRowID
    }

    private func customerRecord(from row: Row, in db: Database) throws -> CustomerRecord {
        let id: Int64 = row["id"]
        guard let status = CustomerStatus(rawValue: row["status"]) else {
            throw GatewayError.corruptData(path: "customers.status", reason: "unknown status")
        }
        var record = CustomerRecord(
            id: id, status: status,
            createdAt: Self.date(row["created_at"])!, adultAttestedAt: Self.date(row["adult_attested_at"])!,
            terminatedAt: Self.date(row["terminated_at"]), erasedAt: Self.date(row["erased_at"]),
            disputeHold: row["dispute_hold"], profile: nil, phones: [], trackers: [])
        guard let wrapped = row["wrapped_key"] as Data? else { return record }
        let key = try vault.unwrap(wrapped)
        var card: PaymentCard?
        if let token = row["card_token_sealed"] as Data?, let last4 = row["card_last4_sealed"] as Data? {
            card = try PaymentCard(token: vault.open(token, column: "customers.card_token", with: key),
                                   last4: vault.open(last4, column: "customers.card_last4", with: key))
        }
        record.profile = CustomerProfile(
            name: try vault.open(row["name_sealed"], column: "customers.name", with: key),
            address: try vault.open(row["address_sealed"], column: "customers.address", with: key),
            email: try vault.open(row["email_sealed"], column: "customers.email", with: key),
            card: card)
        record.phones = try Row.fetchAll(db, sql: "SELECT id, number_sealed, consents FROM phones WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
            PhoneRoute(phoneID: $0["id"], customerID: id, number: try vault.open($0["number_sealed"], column: "phones.number", with: key), consents: $0["consents"])
        }
        record.trackers = try Row.fetchAll(db, sql: "SELECT id, number_sealed, model, password_sealed, label_sealed FROM trackers WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
            try trackerRoute(from: $0, customerID: id, key: key, phones: record.phones)
        }
        return record
    }

    func trackerRoute(from row: Row, customerID: Int64, key: DataKey, phones: [PhoneRoute]) throws -> TrackerRoute {
        guard let model = TrackerModel(rawValue: row["model"]) else {
            throw GatewayError.corruptData(path: "trackers.model", reason: "unknown tracker model")
        }
        return TrackerRoute(
            trackerID: row["id"], customerID: customerID,
            number: try vault.open(row["number_sealed"], column: "trackers.number", with: key),
            model: model,
            password: try vault.open(row["password_sealed"], column: "trackers.password", with: key),
            label: try (row["label_sealed"] as Data?).map { try vault.open($0, column: "trackers.label", with: key) },
            phones: phones)
    }

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    static func date(_ seconds: Int64?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
