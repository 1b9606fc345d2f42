import Foundation
import GRDB

/// Notices to customers: privacy-policy amendments and personal-data breaches.
///
/// GDPR Art. 13(3)/Art. 34 and the privacy policy's promise of notice by SMS. The registry keeps the
/// date (and for amendments a version tag) per customer — never the notice's text. A phone that
/// texted STOP gets nothing (DESIGN.md invariant 7).
extension Registry {
    /// Which notice: an amendment carries the policy's version tag.
    public enum Notice: Sendable, Equatable {
        case amendment(version: String)
        case breach
    }

    /// A customer to notify, and the consenting phones to send it to.
    public struct NoticeRecipient: Sendable, Equatable {
        public var customerID: Int64
        public var phones: [PhoneRoute]
    }

    /// Checks an amendment's version tag: 1 to 32 letters, digits, dots, dashes or underscores.
    public static func validatedVersion(_ text: String) throws -> String {
        let version = text.trimmingSpaces()
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...32).contains(version.count), version.allSatisfy({ allowed.contains($0) }) else {
            throw GatewayError.invalidInput(field: "--version", reason: "must be 1 to 32 letters, digits, dots, dashes or underscores")
        }
        return version
    }

    /// Every active customer with its consenting phones (an amendment goes to all of them).
    public func amendmentRecipients() throws -> [NoticeRecipient] {
        let ids = try read { db in try Int64.fetchAll(db, sql: "SELECT id FROM customers WHERE status = 'active' ORDER BY id") }
        return try recipients(ids)
    }

    /// The named customers (active or terminated: a breach concerns data still held), with their consenting phones.
    public func breachRecipients(customerIDs: [Int64]) throws -> [NoticeRecipient] {
        guard !customerIDs.isEmpty else { throw GatewayError.usage("give at least one --customer") }
        try read { db in
            for id in customerIDs { try requireNotErased(id, in: db) }
        }
        return try recipients(customerIDs)
    }

    private func recipients(_ ids: [Int64]) throws -> [NoticeRecipient] {
        try ids.map { id in
            let phones = try phones(customerID: id).filter(\.consents).map {
                PhoneRoute(phoneID: $0.id, customerID: id, number: $0.number, consents: true)
            }
            return NoticeRecipient(customerID: id, phones: phones)
        }
    }

    /// Records that `customerIDs` were sent `notice` now: the date per customer and one audit entry each.
    public func recordNotice(_ notice: Notice, customerIDs: [Int64]) throws {
        let time = now()
        let seconds = Self.seconds(time)
        try write { db in
            for id in customerIDs {
                try requireNotErased(id, in: db)
                switch notice {
                case .amendment(let version):
                    try db.execute(sql: "UPDATE customers SET amendment_version = ?, amendment_notified_at = ? WHERE id = ?", arguments: [try Self.validatedVersion(version), seconds, id])
                    try AuditLog.record(AuditEntry(at: time, actor: actor, action: .amendmentNotice, customerID: id, subjectID: nil), in: db)
                case .breach:
                    try db.execute(sql: "UPDATE customers SET breach_notified_at = ? WHERE id = ?", arguments: [seconds, id])
                    try AuditLog.record(AuditEntry(at: time, actor: actor, action: .breachNotice, customerID: id, subjectID: nil), in: db)
                }
            }
        }
    }
}
