import Foundation

/// The registry as the relay's ``SenderDirectory``: who a sender is, and consent changes.
///
/// DESIGN.md "Receiving and relaying" — route by sender, looked up through the blind index; and
/// invariant 7 — a phone that texts STOP gets nothing more until START.
extension Registry: SenderDirectory {
    /// One blind-index lookup and one statement: the number's owner and all its phones and trackers.
    ///
    /// Senders that are not numbers (alphanumeric senders, short codes) are `.unknown` without a query.
    /// Only active customers route; terminated or erased ones are `.unknown`.
    ///
    /// Read synchronously on the caller's thread: in WAL mode a reader never waits for a writer, and
    /// the lookup (~0.1 ms) costs less than handing it to GRDB's queue and back on every relay.
    public func role(of sender: String) throws -> SenderRole {
        try roleNow(of: sender)
    }

    /// The same lookup, synchronous, for the CLI and benchmarks.
    public func roleNow(of sender: String) throws -> SenderRole {
        guard case .success(let number) = PhoneNumber.parse(sender, defaultCallingCode: defaultCallingCode) else {
            return .unknown
        }
        let index = vault.blindIndex(of: number)
        // One statement: its own snapshot, no transaction around it on PostgreSQL.
        return try store.readStatement { db in try role(of: number, index: index, in: db) }
    }

    /// The hit (phone or tracker with this index) joined to its active customer, then every phone and
    /// every tracker of that customer (with the gateway numbers each tracker knows), in one statement
    /// over the unique blind-index indexes and the `*_by_customer` indexes.
    ///
    /// It reads only the hit customer's rows, so another customer's hand-edited rows never stop it.
    static func roleQuery(in db: any SQLTransaction) -> String {
        db.dialect == .sqlite ? sqliteRoleQuery : postgresRoleQuery
    }

    private static let sqliteRoleQuery = roleQuery(knownGatewayNumbers: knownGatewayNumbersColumn(tracker: "t", dialect: .sqlite))
    private static let postgresRoleQuery = roleQuery(knownGatewayNumbers: knownGatewayNumbersColumn(tracker: "t", dialect: .postgres))

    private static func roleQuery(knownGatewayNumbers: String) -> String { """
        WITH hit(kind, id, customer_id, wrapped_key) AS (
            SELECT 'phone', p.id, p.customer_id, c.wrapped_key
            FROM phones p JOIN customers c ON c.id = p.customer_id AND c.status = 'active'
            WHERE p.blind_index = ?
            UNION ALL
            SELECT 'tracker', t.id, t.customer_id, c.wrapped_key
            FROM trackers t JOIN customers c ON c.id = t.customer_id AND c.status = 'active'
            WHERE t.blind_index = ?
        )
        SELECT hit.kind AS hit_kind, hit.id AS hit_id, hit.customer_id, hit.wrapped_key,
               'phone' AS row_kind, p.id AS id, p.number_sealed, p.consents,
               NULL AS model, NULL AS password_sealed, NULL AS label_sealed, NULL AS known_gateway_numbers
        FROM hit JOIN phones p ON p.customer_id = hit.customer_id
        UNION ALL
        SELECT hit.kind, hit.id, hit.customer_id, hit.wrapped_key,
               'tracker', t.id, t.number_sealed, NULL,
               t.model, t.password_sealed, t.label_sealed, \(knownGatewayNumbers)
        FROM hit JOIN trackers t ON t.customer_id = hit.customer_id
        """
    }

    func role(of number: PhoneNumber, index: Data, in db: any SQLTransaction) throws -> SenderRole {
        let rows = try db.fetchAll(sql: Registry.roleQuery(in: db), arguments: [index, index])
        guard let first = rows.first else { return .unknown }
        // The hit's and the rows' kinds are literals of the query; only stored values can be bad.
        let lookup = "sender lookup"
        let hitKind: String = try first.decode("hit_kind", table: lookup)
        let hitID: Int64 = try first.decode("hit_id", table: lookup)
        let customerID: Int64 = try first.decode("customer_id", table: hitKind == "tracker" ? "trackers" : "phones")
        let key = try vault.unwrap(try first.decode("wrapped_key", table: "customers"))

        var phones: [PhoneRoute] = []
        var trackerRows: [(id: Int64, row: SQLRow)] = []
        for row in rows {
            if try row.decode("row_kind", table: lookup, as: String.self) == "phone" {
                phones.append(try phoneRoute(from: row, customerID: customerID, key: key))
            } else {
                trackerRows.append((try row.decode("id", table: "trackers"), row))
            }
        }
        phones.sort { $0.phoneID < $1.phoneID }
        trackerRows.sort { $0.id < $1.id }

        switch hitKind {
        case "tracker":
            guard let row = trackerRows.first(where: { $0.id == hitID })?.row else { return .unknown }
            let route = try trackerRoute(from: row, customerID: customerID, key: key, phones: phones)
            try requireMatch(route.number, number, column: "trackers.number")
            return .tracker(route)
        case "phone":
            guard let phone = phones.first(where: { $0.phoneID == hitID }) else { return .unknown }
            try requireMatch(phone.number, number, column: "phones.number")
            let trackers = try trackerRows.map { try trackerRoute(from: $0.row, customerID: customerID, key: key, phones: phones) }
            return .phone(phone, trackers: trackers)
        default:
            throw GatewayError.corruptData(path: databasePath, reason: "role lookup returned an unknown kind")
        }
    }

    /// A sealed number that does not match its blind index means rows were swapped or altered.
    private func requireMatch(_ stored: String, _ number: PhoneNumber, column: String) throws {
        guard stored == number.e164 else {
            throw GatewayError.corruptData(path: column, reason: "a sealed number does not match its blind index")
        }
    }

    /// Records STOP (`false`) or START (`true`); audited only when it changes something.
    public func setConsent(phoneID: Int64, consents: Bool) throws {
        let time = now()
        let actor = self.actor
        try write { db in
            guard let row = try db.fetchOne(sql: "SELECT customer_id, consents FROM phones WHERE id = ?", arguments: [phoneID]) else {
                throw GatewayError.unknownID(kind: "phone", id: phoneID)
            }
            guard try row.decode("consents", table: "phones", as: Bool.self) != consents else { return }
            try db.execute(sql: "UPDATE phones SET consents = ? WHERE id = ?", arguments: [consents, phoneID])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: consents ? .consentGiven : .consentWithdrawn,
                                           customerID: try row.decode("customer_id", table: "phones"), subjectID: phoneID), in: db)
        }
    }
}
