import Foundation

/// The listings behind `customer list`, `phone list` and `tracker list`.
///
/// Issue #9.3: each row is read on its own, so a row with a hand-edited value, an unknown status or
/// model, or a sealed field that does not open is named in ``PartialList/unreadable`` while every
/// other row is listed.
extension Registry {
    /// Every customer, decrypted, in id order; unreadable ones named apart.
    public func customerListing() throws -> PartialList<CustomerRecord> {
        try read { db in
            var list = PartialList<CustomerRecord>()
            for row in try db.fetchAll(sql: "SELECT * FROM customers ORDER BY id") {
                try list.append(kind: "customer", id: try row.decode("id", table: "customers")) {
                    try customerRecord(from: row, in: db)
                }
            }
            return list
        }
    }

    /// Every phone (of one customer, or of all), decrypted, in id order; unreadable ones named apart.
    public func phoneListing(customerID: Int64? = nil) throws -> PartialList<PhoneListing> {
        try read { db in
            if let customerID { try requireNotErased(customerID, in: db) }
            var keys = KeyCache(vault: vault)
            var list = PartialList<PhoneListing>()
            let rows = try db.fetchAll(sql: """
                SELECT p.id, p.customer_id, p.number_sealed, p.consents, c.wrapped_key FROM phones p JOIN customers c ON c.id = p.customer_id
                \(customerID == nil ? "" : "WHERE p.customer_id = ?") ORDER BY p.id
                """, arguments: customerID.map { [$0] } ?? [])
            for row in rows {
                try list.append(kind: "phone", id: try row.decode("id", table: "phones")) {
                    let owner: Int64 = try row.decode("customer_id", table: "phones")
                    let route = try phoneRoute(from: row, customerID: owner, key: try keys.key(for: row, customerID: owner))
                    return PhoneListing(id: route.phoneID, customerID: owner, number: route.number, consents: route.consents)
                }
            }
            return list
        }
    }

    /// Every tracker (of one customer, or of all), decrypted, in id order; unreadable ones named apart.
    public func trackerListing(customerID: Int64? = nil) throws -> PartialList<TrackerListing> {
        try read { db in
            if let customerID { try requireNotErased(customerID, in: db) }
            var keys = KeyCache(vault: vault)
            var list = PartialList<TrackerListing>()
            let rows = try db.fetchAll(sql: """
                SELECT t.id, t.customer_id, t.number_sealed, t.model, t.password_sealed, t.label_sealed, c.wrapped_key,
                       \(Self.knownGatewayNumbersColumn(tracker: "t", in: db))
                FROM trackers t JOIN customers c ON c.id = t.customer_id
                \(customerID == nil ? "" : "WHERE t.customer_id = ?") ORDER BY t.id
                """, arguments: customerID.map { [$0] } ?? [])
            for row in rows {
                try list.append(kind: "tracker", id: try row.decode("id", table: "trackers")) {
                    let owner: Int64 = try row.decode("customer_id", table: "trackers")
                    let route = try trackerRoute(from: row, customerID: owner, key: try keys.key(for: row, customerID: owner), phones: [])
                    return TrackerListing(id: route.trackerID, customerID: owner, number: route.number, model: route.model, label: route.label)
                }
            }
            return list
        }
    }

    /// Every phone, as ``phoneListing(customerID:)``; throws on the first unreadable one.
    public func phones(customerID: Int64? = nil) throws -> [PhoneListing] {
        try phoneListing(customerID: customerID).complete()
    }

    /// Every tracker, as ``trackerListing(customerID:)``; throws on the first unreadable one.
    public func trackers(customerID: Int64? = nil) throws -> [TrackerListing] {
        try trackerListing(customerID: customerID).complete()
    }

    /// Unwraps each customer's key once while listing many rows.
    struct KeyCache {
        let vault: Vault
        var keys: [Int64: DataKey] = [:]

        /// The key of the row's customer, from the row's `wrapped_key`.
        mutating func key(for row: SQLRow, customerID: Int64) throws -> DataKey {
            if let key = keys[customerID] { return key }
            guard let wrapped: Data = try row.decodeIfPresent("wrapped_key", table: "customers") else {
                throw GatewayError.corruptData(path: "customers.wrapped_key", reason: "is missing for a customer with phones or trackers")
            }
            let key = try vault.unwrap(wrapped)
            keys[customerID] = key
            return key
        }
    }
}
