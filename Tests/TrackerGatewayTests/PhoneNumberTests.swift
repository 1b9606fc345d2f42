import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct PhoneNumberTests {
    static let germany = try! CallingCode(parsing: "49")

    @Test(arguments: [
        ("+4917012345678", nil, "+4917012345678"),
        ("+49 170 1234567", nil, "+491701234567"),
        ("0049 170 1234567", nil, "+491701234567"),
        ("00 49-170-123 4567", nil, "+491701234567"),
        ("+49 (0)170 1234567", nil, "+491701234567"),
        ("+1 (212) 555-0100", nil, "+12125550100"),
        ("+44.20.7946.0018", nil, "+442079460018"),
        ("  +33 6 12 34 56 78\t", nil, "+33612345678"),
        ("0170 1234567", "49", "+491701234567"),
        ("(0170) 123-4567", "49", "+491701234567"),
        ("0049 170 1234567", "44", "+491701234567"),
        ("+4917012345", nil, "+4917012345"),
        ("+12345678", nil, "+12345678"),
        ("+123456789012345", nil, "+123456789012345"),
    ] as [(String, String?, String)])
    func normalisesToE164(input: String, callingCode: String?, expected: String) throws {
        let code = try callingCode.map { try CallingCode(parsing: $0) }
        let number = try PhoneNumber(parsing: input, field: "--phone", defaultCallingCode: code)
        #expect(number.e164 == expected)
    }

    @Test(arguments: [
        ("", nil, PhoneNumber.Problem.empty),
        ("   ", nil, .empty),
        ("+", nil, .empty),
        ("VODAFONE", nil, .invalidCharacter),
        ("+49 170 12345x7", nil, .invalidCharacter),
        ("+49+1701234567", nil, .misplacedPlus),
        ("49+1701234567", nil, .misplacedPlus),
        ("+49 (170 1234567", nil, .unbalancedBrackets),
        ("+49 170) 1234567", nil, .unbalancedBrackets),
        ("0170 1234567", nil, .missingCountryCode),
        ("4917012345678", nil, .missingCountryCode),
        ("4917012345678", "49", .missingCountryCode),
        ("+0170 1234567", nil, .countryCodeStartsWithZero),
        ("000 170 1234567", nil, .countryCodeStartsWithZero),
        ("+1234567", nil, .tooShort(digits: 7)),
        ("+49 112", nil, .tooShort(digits: 5)),
        ("0112", "49", .tooShort(digits: 5)),
        ("+1234567890123456", nil, .tooLong(digits: 16)),
        ("0049 1701 2345 6789 01", nil, .tooLong(digits: 16)),
    ] as [(String, String?, PhoneNumber.Problem)])
    func refusesNumbers(input: String, callingCode: String?, problem: PhoneNumber.Problem) throws {
        let code = try callingCode.map { try CallingCode(parsing: $0) }
        #expect(PhoneNumber.parse(input, defaultCallingCode: code) == .failure(problem))
        #expect(throws: GatewayError.invalidInput(field: "--phone", reason: "number " + problem.description)) {
            try PhoneNumber(parsing: input, field: "--phone", defaultCallingCode: code)
        }
    }

    @Test func refusalNeverRepeatsTheNumber() {
        for input in ["+1234567", "+1234567890123456", "0170 1234567", "+49 170 12345x7"] {
            guard case .failure(let problem) = PhoneNumber.parse(input) else {
                Issue.record("expected a refusal")
                continue
            }
            #expect(!problem.description.contains("1234567"))
        }
    }

    @Test(arguments: [("49", "49"), ("+49", "49"), ("0049", "49"), ("1", "1"), (" 353 ", "353")])
    func acceptsCallingCodes(input: String, digits: String) throws {
        #expect(try CallingCode(parsing: input).digits == digits)
    }

    @Test(arguments: ["", "0", "049x", "1234", "+", "abc"])
    func refusesCallingCodes(input: String) {
        #expect(throws: GatewayError.self) { try CallingCode(parsing: input) }
    }

    @Test func descriptionIsMasked() throws {
        let number = try PhoneNumber(parsing: "+4917012345678", field: "--phone")
        #expect(!"\(number)".contains("4917012345678"))
        #expect("\(number)".hasSuffix("5678"))
    }
}
