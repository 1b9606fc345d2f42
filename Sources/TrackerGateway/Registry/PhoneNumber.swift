/// A telephone number normalised to E.164: `+`, country code, subscriber number, 8 to 15 digits in all.
///
/// ITU-T E.164 §6 — international number structure (at most 15 digits, country code never starts with 0).
/// Accepted forms: `+49 170 1234567`, `0049-170-1234567`, `+49 (0)170 1234567` (the bracketed trunk
/// zero is dropped), and with a default calling code the national form `0170 1234567`.
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// E.164 with a leading `+`, digits only after it.
    public let e164: String

    /// The fewest digits (country code included) a real number has; anything shorter is a short code.
    public static let minimumDigits = 8
    /// E.164 §6.1: at most 15 digits.
    public static let maximumDigits = 15

    /// Why a string is not a usable number; the message never repeats the number.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case invalidCharacter
        case misplacedPlus
        case unbalancedBrackets
        case missingCountryCode
        case countryCodeStartsWithZero
        case tooShort(digits: Int)
        case tooLong(digits: Int)

        public var description: String {
            switch self {
            case .empty: return "is empty"
            case .invalidCharacter: return "may contain only digits, a leading + or 00, spaces, dashes, dots and brackets"
            case .misplacedPlus: return "has a + that is not at the start"
            case .unbalancedBrackets: return "has unbalanced brackets"
            case .missingCountryCode: return "has no country code: write it as +<country code>… or 00<country code>…, or give --default-region for national numbers starting with 0"
            case .countryCodeStartsWithZero: return "has a country code starting with 0"
            case .tooShort(let digits): return "is too short (\(digits) digits; at least \(PhoneNumber.minimumDigits) with country code)"
            case .tooLong(let digits): return "is too long (\(digits) digits; E.164 allows at most \(PhoneNumber.maximumDigits))"
            }
        }
    }

    /// Parses `text` or says why not.
    ///
    /// - Parameter defaultCallingCode: used only for national forms (a single leading trunk `0`).
    public static func parse(_ text: String, defaultCallingCode: CallingCode? = nil) -> Result<PhoneNumber, Problem> {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return .failure(.empty) }

        var international = false
        var digits: [UInt8] = []
        var depth = 0
        var bytes = Array(trimmed.utf8)
        // "+49 (0)170…": the bracketed zero is the national trunk prefix, not part of the number.
        if bytes.first == UInt8(ascii: "+") || bytes.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "0")]) {
            bytes = bytes.removingSubsequence(Array("(0)".utf8))
        }
        for (offset, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte)
            case UInt8(ascii: "+"):
                guard offset == 0 else { return .failure(.misplacedPlus) }
                international = true
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), 0x09:
                continue
            case UInt8(ascii: "("):
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                guard depth >= 0 else { return .failure(.unbalancedBrackets) }
            default:
                return .failure(.invalidCharacter)
            }
        }
        guard depth == 0 else { return .failure(.unbalancedBrackets) }
        guard !digits.isEmpty else { return .failure(.empty) }

        if !international {
            if digits.starts(with: [UInt8(ascii: "0"), UInt8(ascii: "0")]) {
                digits.removeFirst(2)
            } else if digits.first == UInt8(ascii: "0"), let callingCode = defaultCallingCode {
                digits = Array(callingCode.digits.utf8) + digits.dropFirst()
            } else {
                return .failure(.missingCountryCode)
            }
        }
        guard let first = digits.first else { return .failure(.tooShort(digits: 0)) }
        guard first != UInt8(ascii: "0") else { return .failure(.countryCodeStartsWithZero) }
        guard digits.count >= minimumDigits else { return .failure(.tooShort(digits: digits.count)) }
        guard digits.count <= maximumDigits else { return .failure(.tooLong(digits: digits.count)) }
        return .success(PhoneNumber(validatedE164: "+" + String(decoding: digits, as: UTF8.self)))
    }

    /// Parses `text` for the operator field `field`, throwing ``GatewayError/invalidInput(field:reason:)``.
    public init(parsing text: String, field: String, defaultCallingCode: CallingCode? = nil) throws {
        switch PhoneNumber.parse(text, defaultCallingCode: defaultCallingCode) {
        case .success(let number): self = number
        case .failure(let problem): throw GatewayError.invalidInput(field: field, reason: "number " + problem.description)
        }
    }

    private init(validatedE164: String) {
        self.e164 = validatedE164
    }

    public var description: String { NumberMask.mask(e164) }
}

/// An ITU-T E.164 country calling code (1–3 digits, not starting with 0), for national number forms.
public struct CallingCode: Hashable, Sendable {
    public let digits: String

    /// Accepts `49`, `+49` or `0049`.
    public init(parsing text: String) throws {
        var rest = Substring(text.trimmingSpaces())
        if rest.hasPrefix("+") { rest = rest.dropFirst() } else if rest.hasPrefix("00") { rest = rest.dropFirst(2) }
        guard (1...3).contains(rest.count), rest.allSatisfy(\.isASCIIDigit), rest.first != "0" else {
            throw GatewayError.invalidInput(field: "--default-region", reason: "a calling code is 1 to 3 digits not starting with 0, such as 49 or 1")
        }
        digits = String(rest)
    }
}

extension Character {
    public var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// Trims ASCII and Unicode whitespace without Foundation.
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}

extension Array where Element == UInt8 {
    func removingSubsequence(_ needle: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = startIndex
        while index < endIndex {
            if self[index...].starts(with: needle) {
                index += needle.count
            } else {
                result.append(self[index])
                index += 1
            }
        }
        return result
    }
}
