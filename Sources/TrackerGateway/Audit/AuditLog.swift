import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What happened, as the audit log records it: an action and the ids it concerned — metadata only.
///
/// DESIGN.md invariants 5 and 6: the audit log never holds a name, number or message; it has its own,
/// shorter retention.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case customerAdd = "customer.add"
    case phoneAdd = "phone.add"
    case trackerAdd = "tracker.add"
    case consentWithdrawn = "phone.consent-withdrawn"
    case consentGiven = "phone.consent-given"
    case customerTerminate = "customer.terminate"
    case customerErase = "customer.erase"
    case disputeHold = "customer.dispute-hold"
    case disputeRelease = "customer.dispute-release"
    case ownNumberSet = "gateway.own-number-set"
    case defaultCallingCodeSet = "settings.default-calling-code-set"
    case customerShow = "customer.show"
    case customerExport = "customer.export"
    case customerUpdate = "customer.update"
    /// Erased by the retention sweep, not by the operator.
    case customerPurge = "customer.purge"
    case phoneRemove = "phone.remove"
    case trackerRemove = "tracker.remove"
    case trackerProvision = "tracker.provision"
    case amendmentNotice = "notice.amendment"
    case breachNotice = "notice.breach"
    case settingSet = "settings.set"
    case gatewayNumberAdd = "gateway.number-add"
    case gatewayNumberRemove = "gateway.number-remove"
    case requestOpen = "request.open"
    case requestVerify = "request.verify"
    case requestClose = "request.close"
    case requestShow = "request.show"
    case breachRecord = "breach.record"
    case breachReported = "breach.reported"
    case breachShow = "breach.show"
    /// A notice's SMS was accepted by a phone's modem (the e-mail is `notice.amendment` / `notice.breach`).
    case smsNotice = "notice.sms"
    /// The MTA did not accept a notice's e-mail after every retry.
    case emailNoticeFailed = "notice.email-failed"
}

/// One audit row.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64?
    public var at: Date
    /// The OS user who ran the command (or the daemon's user).
    public var actor: String
    public var action: AuditAction
    public var customerID: Int64?
    /// The phone, tracker, request, breach or notice the action concerned, when there was one.
    public var subjectID: Int64?

    public init(id: Int64? = nil, at: Date, actor: String, action: AuditAction, customerID: Int64?, subjectID: Int64?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.customerID = customerID
        self.subjectID = subjectID
    }
}

/// Writes and reads the `audit` table inside the caller's transaction, so an action and its record
/// commit or roll back together.
public enum AuditLog {
    static func record(_ entry: AuditEntry, in db: any SQLTransaction) throws {
        try db.execute(
            sql: "INSERT INTO audit (at, actor, action, customer_id, subject_id) VALUES (?, ?, ?, ?, ?)",
            arguments: [Int64(entry.at.timeIntervalSince1970.rounded(.down)), entry.actor, entry.action.rawValue, entry.customerID, entry.subjectID])
    }

    static func entries(in db: any SQLTransaction, since: Date? = nil, customerID: Int64? = nil) throws -> [AuditEntry] {
        var sql = "SELECT id, at, actor, action, customer_id, subject_id FROM audit WHERE 1 = 1"
        var arguments: SQLArguments = []
        if let since {
            sql += " AND at >= ?"
            arguments.append(Int64(since.timeIntervalSince1970.rounded(.down)))
        }
        if let customerID {
            sql += " AND customer_id = ?"
            arguments.append(customerID)
        }
        return try db.fetchAll(sql: sql + " ORDER BY id", arguments: arguments).map { row in
            AuditEntry(id: try row.decode("id", table: "audit"), at: try row.decodeDate("at", table: "audit"), actor: try row.decode("actor", table: "audit"),
                       action: try row.decodeCase("action", table: "audit"), customerID: try row.decodeIfPresent("customer_id", table: "audit"),
                       subjectID: try row.decodeIfPresent("subject_id", table: "audit"))
        }
    }

    /// The OS user running this process, for the `actor` column; `uid:<n>` when it has no name.
    public static func currentActor() -> String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            let text = String(cString: name)
            if !text.isEmpty && text.utf8.count <= 64 { return text }
        }
        return "uid:\(uid)"
    }
}
