import Logging
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md invariant 6 — a log line never carries a full number.
@Suite struct NumberMaskTests {
    @Test(arguments: [
        ("+15550000001", "+1•••••0001"),
        ("+447700900123", "+4•••••0123"),
        ("+1 (555) 000-0001", "+1•••••0001"),
        ("0015550000001", "+1•••••0001"),
        ("+4917012345", "+4•••••2345"),
        ("+491701234", "+4•••••34"),
        ("+12345678", "+1•••••78"),
        ("+1234567", "+1•••••67"),
        ("+123456", "+•••••"),
        ("+1", "+•••••"),
        ("+", "+•••••"),
        ("", "•••••"),
        ("05550000001", "•••••0001"),
        ("5550001", "•••••01"),
        ("12345", "•••••"),
        ("Vodafone", "•••••"),
        ("+49 INFO", "•••••"),
        ("+٣٣٣٣٣٣٣٣٣٣", "+•••••"),
    ])
    func masksEveryLength(_ number: String, _ expected: String) {
        #expect(NumberMask.mask(number) == expected)
        // The lazy form the relay puts in log metadata renders the same mask, however rendered.
        let lazy = MaskedNumber(number)
        #expect("\(lazy)" == expected)
        #expect(String(reflecting: lazy) == expected)
        #expect(Logger.MetadataValue.stringConvertible(lazy).description == expected)
    }

    @Test func neverShowsMoreThanHalfTheDigitsNorTheWholeNumber() {
        for length in 0...16 {
            for international in [true, false] {
                let digits = String((0..<length).map { Character(String(($0 * 7 + 3) % 10)) })
                let number = (international ? "+" : "") + digits
                let masked = NumberMask.mask(number)
                let shown = masked.filter(\.isWholeNumber).count
                #expect(shown <= length / 2 + 1, "\(length) digits show \(shown)")
                #expect(length - shown >= min(length, 4), "fewer than four digits hidden")
                #expect(length < 4 || !masked.contains(digits))
                #expect(masked.contains("•••••"))
            }
        }
    }
}
