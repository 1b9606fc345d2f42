import Foundation

/// Where a customer is in its life: active, terminated (PII kept for the grace period), or erased.
///
/// DESIGN.md invariant 5 — retention acts on terminated customers; an erased one has no key and no PII.
public enum CustomerStatus: String, Sendable, Codable, CaseIterable {
    case active
    case terminated
    case erased
}

/// A customer as the operator sees it, decrypted. Never logged.
public struct CustomerRecord: Sendable, Equatable {
    public var id: Int64
    public var status: CustomerStatus
    public var createdAt: Date
    public var adultAttestedAt: Date
    public var terminatedAt: Date?
    public var erasedAt: Date?
    public var disputeHold: Bool
    /// Nil once erased: the data key is gone, and with it every field.
    public var profile: CustomerProfile?
    public var phones: [PhoneRoute]
    /// The tracker routes of this customer; each carries the customer's phones.
    public var trackers: [TrackerRoute]
}

/// The sealed fields of a customer, opened.
public struct CustomerProfile: Sendable, Equatable {
    public var name: String
    public var address: String
    public var email: String
    public var card: PaymentCard?
}
