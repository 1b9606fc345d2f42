import Foundation
import GRDB

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
        return try read { db in try role(of: number, index: index, in: db) }
    }

    /// The hit (phone or tracker with this index) joined to its active customer, then every phone and
    /// every tracker of that customer, in one statement over the unique blind-index indexes and the
    /// `*_by_customer` indexes.
    static let roleQuery = """
        WITH hit(kind, id, customer_id, wrapped_key) AS (
            SELECT 'phone', p.id, p.customer_id, c.wrapped_key
            FROM phones p JOIN customers c ON c.id = p.customer_id AND c.status = 'active'
            WHERE p.blind_index = :index
            UNION ALL
            SELECT 'tracker', t.id, t.customer_id, c.wrapped_key
            FROM trackers t JOIN customers c ON c.id = t.customer_id AND c.status = 'active'
            WHERE t.blind_index = :index
        )
        SELECT hit.kind AS hit_kind, hit.id AS hit_id, hit.customer_id, hit.wrapped_key,
               'phone' AS row_kind, p.id AS id, p.number_sealed, p.consents,
               NULL AS model, NULL AS password_sealed, NULL AS label_sealed
        FROM hit JOIN phones p ON p.customer_id = hit.customer_id
        UNION ALL
        SELECT hit.kind, hit.id, hit.customer_id, hit.wrapped_key,
               'tracker', t.id, t.number_sealed, NULL,
               t.model, t.password_sealed, t.label_sealed
        FROM hit JOIN trackers t ON t.customer_id = hit.customer_id
        """

    func role(of number: PhoneNumber, index: Data, in db: Database) throws -> SenderRole {
        let rows = try Row.fetchAll(db.cachedStatement(sql: Registry.roleQuery), arguments: ["index": index])
        guard let first = rows.first else { return .unknown }
        let hitKind: String = first["hit_kind"]
        let hitID: Int64 = first["hit_id"]
        let customerID: Int64 = first["customer_id"]
        let key = try vault.unwrap(first["wrapped_key"])

        var phones: [PhoneRoute] = []
        for row in rows where (row["row_kind"] as String) == "phone" {
            phones.append(PhoneRoute(
                phoneID: row["id"], customerID: customerID,
                number: try vault.open(row["number_sealed"], column: "phones.number", with: key),
                consents: row["consents"]))
        }
        phones.sort { $0.phoneID < $1.phoneID }
        let trackerRows = rows.filter { ($0["row_kind"] as String) == "tracker" }.sorted { ($0["id"] as Int64) < ($1["id"] as Int64) }

        switch hitKind {
        case "tracker":
            guard let row = trackerRows.first(where: { ($0["id"] as Int64) == hitID }) else { return .unknown }
            let route = try trackerRoute(from: row, customerID: customerID, key: key, phones: phones)
            try requireMatch(route.number, number, column: "trackers.number")
            return .tracker(route)
        case "phone":
            guard let phone = phones.first(where: { $0.phoneID == hitID }) else { return .unknown }
            try requireMatch(phone.number, number, column: "phones.number")
            let trackers = try trackerRows.map { try trackerRoute(from: $0, customerID: customerID, key: key, phones: phones) }
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
        do {
            try pool.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT customer_id, consents FROM phones WHERE id = ?", arguments: [phoneID]) else {
                    throw GatewayError.unknownID(kind: "phone", id: phoneID)
                }
                guard (row["consents"] as Bool) != consents else { return }
                try db.execute(sql: "UPDATE phones SET consents = ? WHERE id = ?", arguments: [consents, phoneID])
                try AuditLog.record(AuditEntry(at: time, actor: actor, action: consents ? .consentGiven : .consentWithdrawn,
                                               customerID: row["customer_id"], subjectID: phoneID), in: db)
            }
        } catch {
            throw Registry.gatewayError(from: error, path: databasePath)
        }
    }
}
