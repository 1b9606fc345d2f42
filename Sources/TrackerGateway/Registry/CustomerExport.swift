import Foundation

/// Everything the registry holds on one customer, decrypted: the answer to an access request.
///
/// GDPR Art. 15 and 20 — a copy of the personal data, in a machine-readable form. It holds every
/// column of the customer's rows (phones and trackers included) and the audit entries about them.
public struct CustomerExport: Sendable, Equatable, Codable {
    public struct Phone: Sendable, Equatable, Codable {
        public var id: Int64
        public var number: String
        public var consents: Bool
        public var createdAt: Date
    }

    public struct Tracker: Sendable, Equatable, Codable {
        public var id: Int64
        public var number: String
        public var model: TrackerModel
        public var password: String
        public var label: String?
        public var createdAt: Date
    }

    public struct Card: Sendable, Equatable, Codable {
        public var token: String
        public var last4: String
    }

    public struct Notices: Sendable, Equatable, Codable {
        public var amendmentVersion: String?
        public var amendmentNotifiedAt: Date?
        public var breachNotifiedAt: Date?
        public var terminatedUnderAmendment: Bool
    }

    public var exportedAt: Date
    public var id: Int64
    public var status: CustomerStatus
    public var createdAt: Date
    public var adultAttestedAt: Date
    public var terminatedAt: Date?
    public var disputeHold: Bool
    public var name: String
    public var address: String
    public var email: String
    public var card: Card?
    /// The operator's note on the customer's last dispute.
    public var disputeNote: String?
    public var notices: Notices
    public var phones: [Phone]
    public var trackers: [Tracker]
    public var audit: [AuditEntry]
}

/// A phone as `phone list` shows it.
public struct PhoneListing: Sendable, Equatable {
    public var id: Int64
    public var customerID: Int64
    public var number: String
    public var consents: Bool
}

/// A tracker as `tracker list` shows it.
public struct TrackerListing: Sendable, Equatable {
    public var id: Int64
    public var customerID: Int64
    public var number: String
    public var model: TrackerModel
    public var label: String?
}
