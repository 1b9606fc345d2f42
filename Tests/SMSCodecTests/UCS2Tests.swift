import TestSupport
import Testing
@testable import SMSCodec

struct UCS2Tests {
    @Test(arguments: [
        ("ABC", "004100420043"),
        ("é€", "00E920AC"),
        ("😀", "D83DDE00"),
        ("中文", "4E2D6587"),
        ("", ""),
    ])
    func encodesBigEndianUTF16(text: String, hex: String) throws {
        #expect(Hex.encode(UCS2.encode(text)) == hex)
        #expect(try UCS2.decode(Hex.decode(hex)) == text)
    }

    @Test func countsSurrogatePairsAsTwoUnits() {
        #expect(UCS2.unitCount("a😀") == 3)
    }

    @Test func oddOctetCountThrows() {
        #expect(throws: PDUError(field: "TP-UD", offset: 5, reason: "UCS-2 data has an odd number of octets")) {
            try UCS2.decode([0x00, 0x41, 0x00], offset: 5)
        }
    }

    @Test func unpairedSurrogateBecomesReplacementCharacter() throws {
        #expect(try UCS2.decode([0xD8, 0x3D, 0x00, 0x41]) == "\u{FFFD}A")
    }
}
