/// A customer as the operator typed it, before any rule was checked.
///
/// ``Registry/addCustomer(_:defaultCallingCode:)`` validates it completely (``validated(defaultCallingCode:)``)
/// before it opens a write transaction, so a refused customer leaves the database untouched.
public struct NewCustomer: Sendable {
    public var name: String
    public var address: String
    public var email: String
    /// One or more numbers in any accepted form (see ``PhoneNumber``).
    public var phones: [String]
    /// The operator attests the customer is an adult (DESIGN.md invariant 7).
    public var adultAttested: Bool
    public var cardToken: String?
    public var cardLast4: String?

    public init(name: String, address: String, email: String, phones: [String], adultAttested: Bool, cardToken: String? = nil, cardLast4: String? = nil) {
        self.name = name
        self.address = address
        self.email = email
        self.phones = phones
        self.adultAttested = adultAttested
        self.cardToken = cardToken
        self.cardLast4 = cardLast4
    }

    /// A customer that passed every rule that does not need the database.
    public struct Validated: Sendable, Equatable {
        public var name: String
        public var address: String
        public var email: EmailAddress
        public var phones: [PhoneNumber]
        public var card: PaymentCard?
    }

    /// Checks every field; throws the first ``GatewayError`` found, naming the option it came from.
    public func validated(defaultCallingCode: CallingCode?) throws -> Validated {
        guard adultAttested else {
            throw GatewayError.usage("--adult is required: trackerd registers only customers the operator attests are adults")
        }
        let name = try FreeText.validated(name, field: "--name", maximumLength: 200)
        let address = try FreeText.validated(address, field: "--address", maximumLength: 500, allowsNewlines: true)
        try PaymentCard.refuseCardNumber(email, field: "--email")
        let email = try EmailAddress(parsing: email)
        guard !phones.isEmpty else {
            throw GatewayError.usage("at least one --phone is required")
        }
        var numbers: [PhoneNumber] = []
        for (position, text) in phones.enumerated() {
            let field = phones.count == 1 ? "--phone" : "--phone #\(position + 1)"
            let number = try PhoneNumber(parsing: text, field: field, defaultCallingCode: defaultCallingCode)
            guard !numbers.contains(number) else {
                throw GatewayError.conflict(field: field, reason: "is the same number as an earlier --phone")
            }
            numbers.append(number)
        }
        let card: PaymentCard?
        switch (cardToken, cardLast4) {
        case (nil, nil):
            card = nil
        case (let token?, let last4?):
            card = try PaymentCard(token: token, last4: last4)
        case (let token?, nil):
            try PaymentCard.refuseCardNumber(token, field: "--card-token")
            throw GatewayError.usage("--card-token needs --card-last4")
        case (nil, let last4?):
            try PaymentCard.refuseCardNumber(last4, field: "--card-last4")
            throw GatewayError.usage("--card-last4 needs --card-token")
        }
        return Validated(name: name, address: address, email: email, phones: numbers, card: card)
    }
}

/// A tracker as the operator typed it, before any rule was checked.
public struct NewTracker: Sendable {
    public var customerID: Int64
    public var number: String
    public var model: TrackerModel
    public var password: String
    public var label: String?

    public init(customerID: Int64, number: String, model: TrackerModel, password: String, label: String? = nil) {
        self.customerID = customerID
        self.number = number
        self.model = model
        self.password = password
        self.label = label
    }

    public struct Validated: Sendable, Equatable {
        public var customerID: Int64
        public var number: PhoneNumber
        public var model: TrackerModel
        public var password: String
        public var label: String?
    }

    /// The longest tracker password accepted; device passwords are short (tk103: 6 digits).
    public static let maximumPasswordLength = 32
    public static let maximumLabelLength = 32

    public func validated(defaultCallingCode: CallingCode?) throws -> Validated {
        let number = try PhoneNumber(parsing: number, field: "--number", defaultCallingCode: defaultCallingCode)
        let password = password.trimmingSpaces()
        // tk103 and xexun obey only commands that carry their password; gt06 obeys its centre
        // number, teltonika its authorised list, so theirs may be empty.
        if password.isEmpty, model == .tk103 || model == .xexun {
            throw GatewayError.invalidInput(field: "--password", reason: "is empty; \(model.rawValue) trackers obey only commands with their password")
        }
        // The password travels inside an SMS command ("fix030s***n<password>"): printable ASCII only.
        // Teltonika's is "<login> <password>": one space between the two.
        let spaces = password.filter { $0 == " " }.count
        guard password.count <= NewTracker.maximumPasswordLength,
              password.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }),
              spaces == 0 || (model == .teltonika && spaces == 1) else {
            let shape = model == .teltonika ? "\"<login> <password>\" or a password alone" : "no spaces"
            throw GatewayError.invalidInput(field: "--password", reason: "must be at most \(NewTracker.maximumPasswordLength) printable ASCII characters, \(shape)")
        }
        var label: String?
        if let rawLabel = self.label {
            let text = try FreeText.validated(rawLabel, field: "--label", maximumLength: NewTracker.maximumLabelLength)
            // LOCATE <label> is matched word-wise, case-insensitively; a space would split it.
            guard !text.contains(where: { $0.isWhitespace }) else {
                throw GatewayError.invalidInput(field: "--label", reason: "must be one word (it is what the customer texts after LOCATE)")
            }
            label = text
        }
        return Validated(customerID: customerID, number: number, model: model, password: password, label: label)
    }
}

/// Rules for free text the operator types: not blank, bounded, no control characters, never a card number.
enum FreeText {
    static func validated(_ text: String, field: String, maximumLength: Int, allowsNewlines: Bool = false) throws -> String {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else {
            throw GatewayError.invalidInput(field: field, reason: "is empty")
        }
        guard trimmed.count <= maximumLength else {
            throw GatewayError.invalidInput(field: field, reason: "is longer than \(maximumLength) characters")
        }
        let hasControl = trimmed.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(allowsNewlines && scalar == "\n")
        }
        guard !hasControl else {
            throw GatewayError.invalidInput(field: field, reason: "contains control characters")
        }
        try PaymentCard.refuseCardNumber(trimmed, field: field)
        return trimmed
    }
}
