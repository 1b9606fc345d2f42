import Foundation

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
            let customerID = try db.insert(sql: """
                INSERT INTO customers (status, created_at, adult_attested_at, wrapped_key, name_sealed, address_sealed, email_sealed, card_token_sealed, card_last4_sealed)
                VALUES ('active', ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [seconds, seconds, wrappedKey, name, address, email, cardToken, cardLast4])
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
                let existing = try db.fetchAll(sql: "SELECT label_sealed FROM trackers WHERE customer_id = ? AND label_sealed IS NOT NULL", arguments: [tracker.customerID])
                for row in existing where try openSealed(row, "label_sealed", table: "trackers", with: dataKey).lowercased() == label.lowercased() {
                    throw GatewayError.conflict(field: "--label", reason: "another tracker of this customer has the same label")
                }
            }
            try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'tracker')", arguments: [index])
            let trackerID = try db.insert(sql: """
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
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerAdd, customerID: tracker.customerID, subjectID: trackerID), in: db)
            return trackerID
        }
    }

    /// One customer, decrypted, with its phones and trackers.
    public func customer(id: Int64) throws -> CustomerRecord {
        try read { db in
            guard let row = try db.fetchOne(sql: "SELECT * FROM customers WHERE id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "customer", id: id)
            }
            return try customerRecord(from: row, in: db)
        }
    }

    /// Every customer, decrypted, in id order; throws on the first unreadable one
    /// (``customerListing()`` lists the others).
    public func listCustomers() throws -> [CustomerRecord] {
        try customerListing().complete()
    }

    // MARK: Helpers inside a transaction

    /// The customer's data key, or ``GatewayError/unknownID(kind:id:)`` / a conflict when not active.
    func activeCustomerKey(_ customerID: Int64, in db: any SQLTransaction) throws -> DataKey {
        guard let row = try db.fetchOne(sql: "SELECT status, wrapped_key FROM customers WHERE id = ?", arguments: [customerID]) else {
            throw GatewayError.unknownID(kind: "customer", id: customerID)
        }
        let status: CustomerStatus = try row.decodeCase("status", table: "customers")
        guard status == .active, let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: "customers") else {
            throw GatewayError.conflict(field: "--customer", reason: "customer \(customerID) is \(status.rawValue); only an active customer gains phones or trackers")
        }
        return try vault.unwrap(wrapped)
    }

    /// Throws a conflict naming what already has this number (phone, tracker, the gateway itself).
    func refuseClaimed(_ index: Data, field: String, in db: any SQLTransaction) throws {
        guard let kind = try claimedKind(of: index, in: db) else { return }
        let reason = kind == "gateway" ? "is the gateway's own number" : "is already registered as a \(kind)"
        throw GatewayError.conflict(field: field, reason: reason)
    }

    func insertPhone(customerID: Int64, index: Data, sealed: Data, seconds: Int64, in db: any SQLTransaction) throws -> Int64 {
        try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'phone')", arguments: [index])
        return try db.insert(sql: "INSERT INTO phones (customer_id, blind_index, number_sealed, consents, created_at) VALUES (?, ?, ?, 1, ?)",
                             arguments: [customerID, index, sealed, seconds])
    }

    func customerRecord(from row: SQLRow, in db: any SQLTransaction) throws -> CustomerRecord {
        let table = "customers"
        let id: Int64 = try row.decode("id", table: table)
        var record = CustomerRecord(
            id: id, status: try row.decodeCase("status", table: table),
            createdAt: try row.decodeDate("created_at", table: table), adultAttestedAt: try row.decodeDate("adult_attested_at", table: table),
            terminatedAt: try row.decodeDateIfPresent("terminated_at", table: table), erasedAt: try row.decodeDateIfPresent("erased_at", table: table),
            disputeHold: try row.decode("dispute_hold", table: table), profile: nil, phones: [], trackers: [])
        guard let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: table) else { return record }
        let key = try vault.unwrap(wrapped)
        record.profile = CustomerProfile(
            name: try openSealed(row, "name_sealed", table: table, with: key),
            address: try openSealed(row, "address_sealed", table: table, with: key),
            email: try openSealed(row, "email_sealed", table: table, with: key),
            card: try card(in: row, with: key).map { try PaymentCard(token: $0.token, last4: $0.last4) })
        record.phones = try db.fetchAll(sql: "SELECT id, number_sealed, consents FROM phones WHERE customer_id = ? ORDER BY id", arguments: [id]).map {
            try phoneRoute(from: $0, customerID: id, key: key)
        }
        record.trackers = try db.fetchAll(sql: """
            SELECT t.id, t.number_sealed, t.model, t.password_sealed, t.label_sealed, \(Self.knownGatewayNumbersColumn(tracker: "t", in: db))
            FROM trackers t WHERE t.customer_id = ? ORDER BY t.id
            """, arguments: [id]).map {
            try trackerRoute(from: $0, customerID: id, key: key, phones: record.phones)
        }
        return record
    }

    /// The customer's card token and last four digits, opened, when it has a card.
    func card(in row: SQLRow, with key: DataKey) throws -> CustomerExport.Card? {
        guard let token = try openSealedIfPresent(row, "card_token_sealed", table: "customers", with: key),
              let last4 = try openSealedIfPresent(row, "card_last4_sealed", table: "customers", with: key) else { return nil }
        return CustomerExport.Card(token: token, last4: last4)
    }

    func phoneRoute(from row: SQLRow, customerID: Int64, key: DataKey) throws -> PhoneRoute {
        PhoneRoute(phoneID: try row.decode("id", table: "phones"), customerID: customerID,
                   number: try openSealed(row, "number_sealed", table: "phones", with: key),
                   consents: try row.decode("consents", table: "phones"))
    }

    /// A tracker row (with ``knownGatewayNumbersColumn(tracker:)``) as a route.
    func trackerRoute(from row: SQLRow, customerID: Int64, key: DataKey, phones: [PhoneRoute]) throws -> TrackerRoute {
        let table = "trackers"
        return TrackerRoute(
            trackerID: try row.decode("id", table: table), customerID: customerID,
            number: try openSealed(row, "number_sealed", table: table, with: key),
            model: try row.decodeCase("model", table: table),
            password: try openSealed(row, "password_sealed", table: table, with: key),
            label: try openSealedIfPresent(row, "label_sealed", table: table, with: key),
            phones: phones,
            knownGatewayNumbers: try Self.knownGatewayNumbers(in: row))
    }

    /// Opens the sealed `column` (`name_sealed`) of a `table` row; the vault binds it to `table.name`.
    func openSealed(_ row: SQLRow, _ column: String, table: String, with key: DataKey) throws -> String {
        try vault.open(try row.decode(column, table: table), column: Self.sealedField(column, table: table), with: key)
    }

    func openSealedIfPresent(_ row: SQLRow, _ column: String, table: String, with key: DataKey) throws -> String? {
        guard let sealed: Data = try row.decodeIfPresent(column, table: table) else { return nil }
        return try vault.open(sealed, column: Self.sealedField(column, table: table), with: key)
    }

    private static func sealedField(_ column: String, table: String) -> String {
        "\(table).\(column.hasSuffix("_sealed") ? String(column.dropLast("_sealed".count)) : column)"
    }

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    static func date(_ seconds: Int64?) -> Date? {
        seconds.map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
