import Foundation

/// The gateway's own numbers (its SIMs) and which of them each tracker knows.
///
/// Issues #9.9 and #10 "Gateway numbers are registry facts": the registry is the one source of truth.
/// A gateway number claims its blind index in `numbers` like a phone or tracker, so none can ever be
/// registered as either; it is the operator's, not a customer's, so it is kept in clear for the
/// daemon. `trackerd gateway number add|remove` changes them; `run` only checks its number is one.
extension Registry {
    /// The gateway numbers, E.164, in the order they were added.
    public func gatewayNumbers() throws -> [String] {
        try read { db in
            try db.fetchAll(sql: "SELECT e164 FROM gateway_numbers ORDER BY id").map { try Self.gatewayNumber(in: $0) }
        }
    }

    /// Adds a gateway number and returns its E.164 form; refuses a phone's, a tracker's or one
    /// already held. `field` is where the operator typed it.
    @discardableResult
    public func addGatewayNumber(_ text: String, field: String = "<E164>", defaultCallingCode: CallingCode? = nil) throws -> String {
        let number = try PhoneNumber(parsing: text, field: field, defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let index = vault.blindIndex(of: number)
        let time = now()
        try write { db in
            _ = try Self.insertGatewayNumber(number, index: index, field: field, at: time, actor: actor, in: db)
        }
        return number.e164
    }

    /// Removes a gateway number; trackers no longer count it among the numbers they know.
    public func removeGatewayNumber(_ text: String, field: String = "<E164>") throws {
        let number = try PhoneNumber(parsing: text, field: field, defaultCallingCode: defaultCallingCode)
        let index = vault.blindIndex(of: number)
        let time = now()
        try write { db in
            let id = try gatewayNumberID(index: index, field: field, in: db)
            try db.execute(sql: "DELETE FROM gateway_numbers WHERE id = ?", arguments: [id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .gatewayNumberRemove, customerID: nil, subjectID: id), in: db)
        }
    }

    /// The E.164 form of `text` when it is a gateway number; `run` calls this and never stores one.
    public func requireGatewayNumber(_ text: String, field: String = "--own-number") throws -> String {
        let number = try PhoneNumber(parsing: text, field: field, defaultCallingCode: defaultCallingCode)
        let index = vault.blindIndex(of: number)
        let known: Bool = try read { db in
            try db.fetchOne(sql: "SELECT id FROM gateway_numbers WHERE blind_index = ?", arguments: [index]) != nil
        }
        guard known else {
            throw GatewayError.conflict(field: field, reason: "is not a gateway number of this registry; add it with `trackerd gateway number add NUMBER`")
        }
        return number.e164
    }

    /// Makes `text` a gateway number unless it already is one; never removes another.
    ///
    /// Kept for callers written before gateway numbers were a list; new code calls
    /// ``addGatewayNumber(_:field:defaultCallingCode:)`` or ``requireGatewayNumber(_:field:)``.
    public func setGatewayOwnNumber(_ text: String, defaultCallingCode: CallingCode? = nil) throws {
        let number = try PhoneNumber(parsing: text, field: "--own-number", defaultCallingCode: defaultCallingCode ?? self.defaultCallingCode)
        let index = vault.blindIndex(of: number)
        let time = now()
        try write { db in
            guard try claimedKind(of: index, in: db) != "gateway" else { return }
            _ = try Self.insertGatewayNumber(number, index: index, field: "--own-number", at: time, actor: actor, in: db)
        }
    }

    /// The first gateway number, if there is one.
    public func gatewayOwnNumber() throws -> PhoneNumber? {
        guard let first = try gatewayNumbers().first else { return nil }
        return try PhoneNumber(parsing: first, field: "gateway_numbers.e164", defaultCallingCode: nil)
    }

    /// Records which gateway numbers a tracker now knows as its admin/authorised numbers (what
    /// provisioning authorised), replacing what was recorded before; audited as `tracker.provision`.
    public func recordKnownGatewayNumbers(trackerID: Int64, numbers: [String]) throws {
        let field = "gateway number"
        let indexes = try numbers.map { vault.blindIndex(of: try PhoneNumber(parsing: $0, field: field, defaultCallingCode: defaultCallingCode)) }
        let time = now()
        try write { db in
            guard let tracker = try db.fetchOne(sql: "SELECT customer_id FROM trackers WHERE id = ?", arguments: [trackerID]) else {
                throw GatewayError.unknownID(kind: "tracker", id: trackerID)
            }
            var ids: [Int64] = []
            for index in indexes {
                let id = try gatewayNumberID(index: index, field: field, in: db)
                if !ids.contains(id) { ids.append(id) }
            }
            try db.execute(sql: "DELETE FROM tracker_gateway_numbers WHERE tracker_id = ?", arguments: [trackerID])
            for id in ids {
                try db.execute(sql: "INSERT INTO tracker_gateway_numbers (tracker_id, gateway_number_id, provisioned_at) VALUES (?, ?, ?)",
                               arguments: [trackerID, id, Self.seconds(time)])
            }
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .trackerProvision,
                                           customerID: try tracker.decode("customer_id", table: "trackers"), subjectID: trackerID), in: db)
        }
    }

    // MARK: Helpers inside a transaction

    /// Claims the number and inserts it, audited; init calls this before a ``Registry`` exists.
    static func insertGatewayNumber(_ number: PhoneNumber, index: Data, field: String, at time: Date, actor: String, in db: any SQLTransaction) throws -> Int64 {
        if let kind = try claimedKind(of: index, in: db) {
            throw GatewayError.conflict(field: field, reason: kind == "gateway" ? "is already a gateway number" : "is already registered as a \(kind)")
        }
        try db.execute(sql: "INSERT INTO numbers (blind_index, kind) VALUES (?, 'gateway')", arguments: [index])
        let id = try db.insert(sql: "INSERT INTO gateway_numbers (e164, blind_index, created_at) VALUES (?, ?, ?)", arguments: [number.e164, index, seconds(time)])
        try AuditLog.record(AuditEntry(at: time, actor: actor, action: .gatewayNumberAdd, customerID: nil, subjectID: id), in: db)
        return id
    }

    private func gatewayNumberID(index: Data, field: String, in db: any SQLTransaction) throws -> Int64 {
        guard let row = try db.fetchOne(sql: "SELECT id FROM gateway_numbers WHERE blind_index = ?", arguments: [index]) else {
            throw GatewayError.unknownNumber(field: field, kind: "gateway number")
        }
        return try row.decode("id", table: "gateway_numbers")
    }

    /// A stored gateway number, checked to be the E.164 form it was stored in.
    private static func gatewayNumber(in row: SQLRow) throws -> String {
        let number: String? = try row.decode("e164", table: "gateway_numbers", expected: "an E.164 number") { stored in
            guard case .text(let text) = stored, case .success(let number) = PhoneNumber.parse(text), number.e164 == text else { return nil }
            return text
        }
        guard let number else {
            throw GatewayError.corruptData(path: "gateway_numbers.e164", reason: "holds no value where the schema keeps an E.164 number")
        }
        return number
    }

    /// The SQL column holding the gateway numbers a tracker (`alias.id`) knows, as `id e164` pairs.
    static func knownGatewayNumbersColumn(tracker alias: String, in db: any SQLTransaction) -> String {
        knownGatewayNumbersColumn(tracker: alias, dialect: db.dialect)
    }

    static func knownGatewayNumbersColumn(tracker alias: String, dialect: SQLDialect) -> String {
        """
        (SELECT \(dialect.groupConcat("k.gateway_number_id || ' ' || g.e164", separator: ",")) FROM tracker_gateway_numbers k
         JOIN gateway_numbers g ON g.id = k.gateway_number_id WHERE k.tracker_id = \(alias).id) AS known_gateway_numbers
        """
    }

    /// Reads ``knownGatewayNumbersColumn(tracker:)``: E.164 numbers in gateway-number id order.
    static func knownGatewayNumbers(in row: SQLRow) throws -> [String] {
        let pairs: [(Int64, String)]? = try row.decode("known_gateway_numbers", table: "tracker_gateway_numbers", expected: "gateway numbers") { stored in
            guard case .text(let text) = stored else { return nil }
            var pairs: [(Int64, String)] = []
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: " ")
                guard parts.count == 2, let id = Int64(parts[0]), case .success(let number) = PhoneNumber.parse(String(parts[1])) else { return nil }
                pairs.append((id, number.e164))
            }
            return pairs
        }
        return (pairs ?? []).sorted { $0.0 < $1.0 }.map(\.1)
    }
}
