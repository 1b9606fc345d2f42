import TestSupport
import Testing
@testable import SMSCodec

struct SMSSegmenterTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var forceUCS2 = false
        var alphabet: Alphabet
        var parts: [String]
        var testDescription: String { name }
    }

    static func a(_ n: Int) -> String { String(repeating: "a", count: n) }
    static func cyr(_ n: Int) -> String { String(repeating: "й", count: n) }

    static let rows: [Row] = [
        Row(name: "empty", text: "", alphabet: .gsm7, parts: [""]),
        Row(name: "160 septets fit one SMS", text: a(160), alphabet: .gsm7, parts: [a(160)]),
        Row(name: "161 septets need two", text: a(161), alphabet: .gsm7, parts: [a(153), a(8)]),
        Row(name: "80 euro signs are 160 septets", text: String(repeating: "€", count: 80), alphabet: .gsm7,
            parts: [String(repeating: "€", count: 80)]),
        Row(name: "159 septets plus an escape pair split", text: a(159) + "€", alphabet: .gsm7, parts: [a(153), a(6) + "€"]),
        Row(name: "escape pair never split at the part boundary", text: a(152) + "€" + a(10), alphabet: .gsm7,
            parts: [a(152), "€" + a(10)]),
        Row(name: "escape pair that ends exactly at the boundary", text: a(151) + "[" + a(10), alphabet: .gsm7,
            parts: [a(151) + "[", a(10)]),
        Row(name: "70 UCS-2 units fit one SMS", text: cyr(70), alphabet: .ucs2, parts: [cyr(70)]),
        Row(name: "71 UCS-2 units need two", text: cyr(71), alphabet: .ucs2, parts: [cyr(67), cyr(4)]),
        Row(name: "35 emoji are 70 units", text: String(repeating: "😀", count: 35), alphabet: .ucs2,
            parts: [String(repeating: "😀", count: 35)]),
        Row(name: "surrogate pair never split", text: cyr(66) + "😀" + cyr(5), alphabet: .ucs2, parts: [cyr(66), "😀" + cyr(5)]),
        Row(name: "surrogate pair ending at the boundary", text: cyr(65) + "😀" + cyr(5), alphabet: .ucs2, parts: [cyr(65) + "😀", cyr(5)]),
        Row(name: "one non-GSM character makes it UCS-2", text: a(100) + "ł", alphabet: .ucs2,
            parts: [a(67), a(33) + "ł"]),
        Row(name: "forced UCS-2", text: "Hello", forceUCS2: true, alphabet: .ucs2, parts: ["Hello"]),
        Row(name: "emoji with skin tone kept whole", text: cyr(66) + "👍🏽x", alphabet: .ucs2, parts: [cyr(66), "👍🏽x"]),
    ]

    @Test(arguments: rows)
    func splitsAtTheSpecLimits(row: Row) {
        let result = SMSSegmenter.split(row.text, forceUCS2: row.forceUCS2)
        #expect(result.alphabet == row.alphabet)
        #expect(result.parts == row.parts)
    }

    @Test(arguments: [
        "Pos: lat 52.5200 lon 13.4050 {spd:42} [ok] ~ ^ \\ | €" + String(repeating: "x€", count: 150),
        String(repeating: "🚗💨 Straße ", count: 40),
        "a\u{0301}" + String(repeating: "\u{0301}", count: 150),
        String(repeating: "\r\n", count: 200),
        String(repeating: "👨‍👩‍👧‍👦", count: 30),
    ])
    func partsStayWithinLimitsAndJoinBackToTheText(text: String) {
        let (alphabet, parts) = SMSSegmenter.split(text)
        #expect(parts.count > 1)
        #expect(parts.joined().unicodeScalars.elementsEqual(text.unicodeScalars))
        for part in parts {
            if alphabet == .gsm7 {
                #expect((GSM7.septetCount(part) ?? .max) <= SMSSegmenter.multipartSeptets)
            } else {
                #expect(UCS2.unitCount(part) <= SMSSegmenter.multipartUnits)
                #expect(!(part.utf16.last.map(UTF16.isLeadSurrogate) ?? false))
            }
        }
    }

    @Test(arguments: [(0, [0]), (140, [140]), (141, [134, 7]), (268, [134, 134]), (269, [134, 134, 1])])
    func splitsBinaryAt140Or134(count: Int, sizes: [Int]) {
        let bytes = (0..<count).map { UInt8($0 % 256) }
        let parts = SMSSegmenter.split(bytes: bytes)
        #expect(parts.map(\.count) == sizes)
        #expect(Array(parts.joined()) == bytes)
    }

    @Test func everyMultipartPartEncodesToAFullSMSAtMost() throws {
        for text in [Self.a(153 * 3), Self.cyr(67 * 3), String(repeating: "€", count: 300)] {
            let parts = SMSSubmit.parts(to: PhoneAddress(parsing: "+1"), text: text, concatenationReference: 1)
            for part in parts {
                let bytes = try part.encode()
                // first octet, MR, DA (3), PID, DCS, UDL, then at most 140 octets of UD
                #expect(bytes.count - 8 <= 140)
            }
        }
    }
}

@Suite struct SMSSegmenterLimitTests {
    @Test(arguments: [
        (String(repeating: "a", count: 255 * 153), false, true),
        (String(repeating: "a", count: 255 * 153 + 1), false, false),
        (String(repeating: "€", count: 255 * 76), false, true),
        (String(repeating: "€", count: 255 * 76 + 1), false, false),
        (String(repeating: "🚗", count: 255 * 33), false, true),
        (String(repeating: "🚗", count: 255 * 33 + 1), false, false),
        (String(repeating: "a", count: 255 * 67), true, true),
        (String(repeating: "a", count: 255 * 67 + 1), true, false),
    ])
    func fitsInOneMessageAtTheConcatenationLimit(text: String, forceUCS2: Bool, fits: Bool) {
        #expect(SMSSegmenter.fitsInOneMessage(text, forceUCS2: forceUCS2) == fits)
        #expect((SMSSegmenter.split(text, forceUCS2: forceUCS2).parts.count <= 255) == fits)
    }
}

