/// What the registry keeps of a payment card: the processor's token and the last four digits, never the number.
///
/// PCI DSS §3.3–3.4 — a primary account number must not be stored; a token and the last four digits may be.
/// A value that looks like a full card number (13–19 digits passing the Luhn check, spaces or dashes
/// allowed) is refused wherever it is typed, so a pasted card number never reaches the database.
public struct PaymentCard: Hashable, Sendable {
    public let token: String
    public let last4: String

    public static let maximumTokenLength = 200

    /// Validates a token and last-four pair as typed after `--card-token` and `--card-last4`.
    public init(token rawToken: String, last4 rawLast4: String) throws {
        let token = rawToken.trimmingSpaces()
        let last4 = rawLast4.trimmingSpaces()
        try PaymentCard.refuseCardNumber(token, field: "--card-token")
        try PaymentCard.refuseCardNumber(last4, field: "--card-last4")
        guard !token.isEmpty else {
            throw GatewayError.invalidInput(field: "--card-token", reason: "is empty")
        }
        guard token.count <= PaymentCard.maximumTokenLength,
              token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw GatewayError.invalidInput(field: "--card-token", reason: "must be the payment processor's token: printable ASCII without spaces, at most \(PaymentCard.maximumTokenLength) characters")
        }
        guard last4.count == 4, last4.allSatisfy(\.isASCIIDigit) else {
            throw GatewayError.invalidInput(field: "--card-last4", reason: "must be exactly the last four digits of the card")
        }
        self.token = token
        self.last4 = last4
    }

    /// Throws when `text` is a full card number; ``GatewayError`` says that only a token and last four are kept.
    public static func refuseCardNumber(_ text: String, field: String) throws {
        if looksLikeCardNumber(text) {
            throw GatewayError.invalidInput(field: field, reason: "looks like a full card number, which trackerd never stores; give the payment processor's token with --card-token and the last four digits with --card-last4")
        }
    }

    /// 13–19 digits (spaces and dashes ignored) whose Luhn checksum is valid (ISO/IEC 7812-1 Annex B).
    public static func looksLikeCardNumber(_ text: String) -> Bool {
        var digits: [Int] = []
        for character in text {
            if character.isASCIIDigit {
                digits.append(Int(character.asciiValue! - UInt8(ascii: "0")))
            } else if character == " " || character == "-" {
                continue
            } else {
                return false
            }
        }
        guard (13...19).contains(digits.count) else { return false }
        return luhnChecksumIsValid(digits)
    }

    /// ISO/IEC 7812-1 Annex B — double every second digit from the right; the sum must end in 0.
    static func luhnChecksumIsValid(_ digits: [Int]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            if position % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
