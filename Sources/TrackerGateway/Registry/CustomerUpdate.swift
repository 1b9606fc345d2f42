/// Corrections to a customer's fields, as the operator typed them (the right to rectification).
///
/// GDPR Art. 16. Nil leaves a field as it is. Every given field passes the same rules as at
/// registration, checked in full before the write transaction opens.
public struct CustomerUpdate: Sendable {
    public var name: String?
    public var address: String?
    public var email: String?
    public var cardToken: String?
    public var cardLast4: String?
    /// Drops the stored card token and last four digits.
    public var removeCard: Bool

    public init(name: String? = nil, address: String? = nil, email: String? = nil, cardToken: String? = nil, cardLast4: String? = nil, removeCard: Bool = false) {
        self.name = name
        self.address = address
        self.email = email
        self.cardToken = cardToken
        self.cardLast4 = cardLast4
        self.removeCard = removeCard
    }

    /// The fields that passed every rule.
    public struct Validated: Sendable, Equatable {
        public var name: String?
        public var address: String?
        public var email: EmailAddress?
        public enum CardChange: Sendable, Equatable { case keep, remove, replace(PaymentCard) }
        public var card: CardChange
    }

    public func validated() throws -> Validated {
        let name = try self.name.map { try FreeText.validated($0, field: "--name", maximumLength: 200) }
        let address = try self.address.map { try FreeText.validated($0, field: "--address", maximumLength: 500, allowsNewlines: true) }
        let email = try self.email.map { text -> EmailAddress in
            try PaymentCard.refuseCardNumber(text, field: "--email")
            return try EmailAddress(parsing: text)
        }
        let card: Validated.CardChange
        switch (cardToken, cardLast4, removeCard) {
        case (nil, nil, false):
            card = .keep
        case (nil, nil, true):
            card = .remove
        case (_, _, true):
            throw GatewayError.usage("--remove-card cannot be combined with --card-token or --card-last4")
        case (let token?, let last4?, false):
            card = .replace(try PaymentCard(token: token, last4: last4))
        case (let token?, nil, false):
            try PaymentCard.refuseCardNumber(token, field: "--card-token")
            throw GatewayError.usage("--card-token needs --card-last4")
        case (nil, let last4?, false):
            try PaymentCard.refuseCardNumber(last4, field: "--card-last4")
            throw GatewayError.usage("--card-last4 needs --card-token")
        }
        guard name != nil || address != nil || email != nil || card != .keep else {
            throw GatewayError.usage("nothing to update: give at least one of --name, --address, --email, --card-token with --card-last4, --remove-card")
        }
        return Validated(name: name, address: address, email: email, card: card)
    }
}
