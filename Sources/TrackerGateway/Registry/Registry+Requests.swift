import Foundation

/// The register of data-subject requests: opened with a due date, verified, answered, closed.
///
/// DESIGN.md invariant 8; GDPR Art. 12(3) (an answer within the deadline), 12(6) (proof of identity
/// before a right is carried out), 15–17 and 21. Rows hold ids, kinds, dates and outcomes; the
/// operator's notes and the verification method are sealed under the customer's key, so erasing
/// the customer loses them (the schema's trigger nulls them) and keeps the dates as proof.
extension Registry {
    /// The time on the registry's clock (tests inject it; the CLI's is the system's).
    public func currentTime() -> Date { now() }

    // MARK: Settings

    /// `rights.deadline`, the default where it was never set.
    public func rightsDeadline() throws -> TimeInterval {
        try read { db in try Self.rightsDeadline(in: db) }
    }

    static func rightsDeadline(in db: any SQLTransaction) throws -> TimeInterval {
        guard let row = try db.fetchOne(sql: "SELECT value FROM settings WHERE key = ?", arguments: [RightsSettings.deadlineKey]) else {
            return RightsSettings.defaultDeadline
        }
        guard let seconds = TimeInterval(try row.decode("value", table: "settings", as: String.self)), RightsSettings.deadlineRange.contains(seconds) else {
            throw GatewayError.corruptData(path: "settings.\(RightsSettings.deadlineKey)", reason: "is not a number of seconds from 1 to 90 days")
        }
        return seconds
    }

    /// Validates and stores `rights.deadline` for requests opened from now on; audited.
    public func setRightsDeadline(_ text: String) throws {
        let seconds = try RightsSettings.parseDeadline(text)
        let time = now()
        try write { db in
            try Self.storeSetting(RightsSettings.deadlineKey, Data(String(Int64(seconds)).utf8), in: db)
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .settingSet, customerID: nil, subjectID: nil), in: db)
        }
    }

    // MARK: The register

    /// Logs a request and returns it with its due date. A request received in the future is refused;
    /// one whose due date has already passed is accepted, and is overdue at once.
    public func openRequest(_ form: NewRightsRequest, timeZone: TimeZone) throws -> RightsRequest {
        let note = try form.note.map { try FreeText.validated($0, field: "--note", maximumLength: 1_000, allowsNewlines: true) }
        let time = now()
        guard Self.seconds(form.receivedAt) <= Self.seconds(time) else {
            throw GatewayError.invalidInput(field: "--received", reason: "is in the future; give the date the request reached you")
        }
        return try write { db in
            let key = try customerKey(form.customerID, in: db)
            let due = RightsSettings.dueDate(received: form.receivedAt, deadline: try Self.rightsDeadline(in: db), timeZone: timeZone)
            let id = try db.insert(sql: """
                INSERT INTO rights_requests (customer_id, kind, channel, received_at, logged_at, due_at, note_sealed)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [form.customerID, form.kind.rawValue, form.channel?.rawValue, Self.seconds(form.receivedAt), Self.seconds(time),
                                 Self.seconds(due), note.map { vault.seal($0, column: "rights_requests.note", with: key) }])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .requestOpen, customerID: form.customerID, subjectID: id), in: db)
            return try request(id, in: db)
        }
    }

    /// Records how the requester's identity was confirmed (the method is sealed); audited.
    public func verifyRequest(id: Int64, method: String) throws -> RightsRequest {
        let method = try FreeText.validated(method, field: "--method", maximumLength: 500, allowsNewlines: false)
        let time = now()
        return try write { db in
            let request = try request(id, in: db)
            guard request.isOpen else { throw GatewayError.conflict(field: "request \(id)", reason: "is closed (\(request.outcome?.rawValue ?? "closed")); there is nothing left to verify") }
            guard request.verifiedAt == nil else { throw GatewayError.conflict(field: "request \(id)", reason: "is already verified") }
            let key = try customerKey(request.customerID, in: db)
            try db.execute(sql: "UPDATE rights_requests SET verified_at = ?, verification_sealed = ? WHERE id = ?",
                           arguments: [Self.seconds(time), vault.seal(method, column: "rights_requests.verification", with: key), id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .requestVerify, customerID: request.customerID, subjectID: id), in: db)
            return try self.request(id, in: db)
        }
    }

    /// Closes an open request. `done` needs a verified requester; a note is sealed under the customer's key.
    public func closeRequest(id: Int64, outcome: RequestOutcome, note: String? = nil) throws -> RightsRequest {
        let note = try note.map { try FreeText.validated($0, field: "--note", maximumLength: 1_000, allowsNewlines: true) }
        let time = now()
        return try write { db in
            let request = try request(id, in: db)
            guard request.isOpen else {
                throw GatewayError.conflict(field: "request \(id)", reason: "is already closed (\(request.outcome?.rawValue ?? "closed"))")
            }
            if outcome == .done && request.verifiedAt == nil {
                throw GatewayError.conflict(field: "request \(id)", reason: "the requester's identity is not confirmed; run `trackerd request verify \(id) --method …` first")
            }
            let sealed = try note.map { vault.seal($0, column: "rights_requests.closing_note", with: try customerKey(request.customerID, in: db)) }
            try db.execute(sql: "UPDATE rights_requests SET closed_at = ?, outcome = ?, closing_note_sealed = ? WHERE id = ?",
                           arguments: [Self.seconds(time), outcome.rawValue, sealed, id])
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .requestClose, customerID: request.customerID, subjectID: id), in: db)
            return try self.request(id, in: db)
        }
    }

    /// Every request (of one customer, or all), in id order; no notes.
    public func requests(customerID: Int64? = nil) throws -> [RightsRequest] {
        try read { db in
            try db.fetchAll(sql: "SELECT * FROM rights_requests \(customerID == nil ? "" : "WHERE customer_id = ?") ORDER BY id", arguments: customerID.map { [$0] } ?? [])
                .map(Self.rightsRequest(from:))
        }
    }

    /// One request with its notes opened; audited, as reading any sealed field is.
    public func requestDetails(id: Int64) throws -> RightsRequestDetails {
        let time = now()
        return try write { db in
            guard let row = try db.fetchOne(sql: "SELECT r.*, c.wrapped_key FROM rights_requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = ?", arguments: [id]) else {
                throw GatewayError.unknownID(kind: "request", id: id)
            }
            let request = try Self.rightsRequest(from: row)
            let key = try (row.decodeIfPresent("wrapped_key", table: "customers", as: Data.self)).map { try vault.unwrap($0) }
            func open(_ column: String) throws -> String? {
                guard let key, let sealed: Data = try row.decodeIfPresent("\(column)_sealed", table: "rights_requests") else { return nil }
                return try vault.open(sealed, column: "rights_requests.\(column)", with: key)
            }
            try AuditLog.record(AuditEntry(at: time, actor: actor, action: .requestShow, customerID: request.customerID, subjectID: id), in: db)
            return RightsRequestDetails(request: request, note: try open("note"), verification: try open("verification"),
                                        closingNote: try open("closing_note"), customerErased: key == nil)
        }
    }

    // MARK: Answering a request

    /// `customer export --request ID`: the copy, and the access request closed as done in the same transaction.
    @discardableResult
    public func exportCustomer(id: Int64, answering requestID: Int64, deliver: (CustomerExport) throws -> Void = { _ in }) throws -> CustomerExport {
        try exportCustomer(id: id, action: .customerExport, alongside: { db in
            try answer(requestID, customerID: id, kind: .access, in: db)
        }, deliver: deliver)
    }

    /// `customer update --request ID`: the correction, and the correction request closed as done.
    public func updateCustomer(id: Int64, _ update: CustomerUpdate, answering requestID: Int64) throws {
        try updateCustomer(id: id, update) { db in
            try answer(requestID, customerID: id, kind: .correction, in: db)
        }
    }

    /// `customer erase --request ID`: the erasure, and the erasure request closed as done (its notes go
    /// with the customer's key; its dates and outcome stay).
    public func eraseCustomer(id: Int64, answering requestID: Int64) throws {
        try erase(id: id, action: .customerErase) { db in
            try answer(requestID, customerID: id, kind: .erasure, in: db)
        }
    }

    /// Refuses a request that is unknown, another customer's, of another kind, closed or unverified;
    /// otherwise closes it as done (and, for access, records when the copy was produced).
    func answer(_ requestID: Int64, customerID: Int64, kind: RequestKind, in db: any SQLTransaction) throws {
        let request = try request(requestID, in: db)
        guard request.customerID == customerID else {
            throw GatewayError.conflict(field: "--request", reason: "request \(requestID) is customer \(request.customerID)'s, not customer \(customerID)'s")
        }
        guard request.kind == kind else {
            let answeredBy = request.kind.answeringCommand.map { "; `\($0)` answers it" } ?? "; close it with `trackerd request close`"
            throw GatewayError.conflict(field: "--request", reason: "request \(requestID) asks for \(request.kind.rawValue), not \(kind.rawValue)\(answeredBy)")
        }
        guard request.isOpen else {
            throw GatewayError.conflict(field: "--request", reason: "request \(requestID) is already closed (\(request.outcome?.rawValue ?? "closed"))")
        }
        guard request.verifiedAt != nil else {
            throw GatewayError.conflict(field: "--request", reason: "request \(requestID): the requester's identity is not confirmed; run `trackerd request verify \(requestID) --method …` first")
        }
        let time = now()
        try db.execute(sql: "UPDATE rights_requests SET closed_at = ?, outcome = 'done', copy_produced_at = ? WHERE id = ?",
                       arguments: [Self.seconds(time), kind == .access ? Self.seconds(time) : nil, requestID])
        try AuditLog.record(AuditEntry(at: time, actor: actor, action: .requestClose, customerID: customerID, subjectID: requestID), in: db)
    }

    // MARK: Rows

    func request(_ id: Int64, in db: any SQLTransaction) throws -> RightsRequest {
        guard let row = try db.fetchOne(sql: "SELECT * FROM rights_requests WHERE id = ?", arguments: [id]) else {
            throw GatewayError.unknownID(kind: "request", id: id)
        }
        return try Self.rightsRequest(from: row)
    }

    /// The data key of a customer that still has one (active or terminated); erased or unknown is "no customer".
    func customerKey(_ customerID: Int64, in db: any SQLTransaction) throws -> DataKey {
        guard let wrapped: Data = try db.fetchOne(sql: "SELECT wrapped_key FROM customers WHERE id = ? AND status <> 'erased'", arguments: [customerID])?
            .decodeIfPresent("wrapped_key", table: "customers") else {
            throw GatewayError.unknownID(kind: "customer", id: customerID)
        }
        return try vault.unwrap(wrapped)
    }

    static func rightsRequest(from row: SQLRow) throws -> RightsRequest {
        let table = "rights_requests"
        return RightsRequest(
            id: try row.decode("id", table: table), customerID: try row.decode("customer_id", table: table),
            kind: try row.decodeCase("kind", table: table), channel: try row.decodeCaseIfPresent("channel", table: table),
            receivedAt: try row.decodeDate("received_at", table: table), loggedAt: try row.decodeDate("logged_at", table: table),
            dueAt: try row.decodeDate("due_at", table: table),
            verifiedAt: try row.decodeDateIfPresent("verified_at", table: table), copyProducedAt: try row.decodeDateIfPresent("copy_produced_at", table: table),
            closedAt: try row.decodeDateIfPresent("closed_at", table: table), outcome: try row.decodeCaseIfPresent("outcome", table: table))
    }
}
