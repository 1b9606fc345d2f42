import TestSupport
import Testing
@testable import SMSCodec

struct GSM7Tests {
    @Test(arguments: [
        ("@", [0x00]), ("£", [0x01]), ("$", [0x02]), ("¥", [0x03]), ("Ç", [0x09]), ("ç", [0x09]),
        ("\n", [0x0A]), ("\r", [0x0D]), ("Δ", [0x10]), ("_", [0x11]), ("Ω", [0x15]), ("Æ", [0x1C]),
        ("ß", [0x1E]), ("É", [0x1F]), (" ", [0x20]), ("¤", [0x24]), ("¡", [0x40]), ("A", [0x41]),
        ("Ä", [0x5B]), ("§", [0x5F]), ("¿", [0x60]), ("z", [0x7A]), ("à", [0x7F]),
        ("€", [0x1B, 0x65]), ("[", [0x1B, 0x3C]), ("]", [0x1B, 0x3E]), ("{", [0x1B, 0x28]),
        ("}", [0x1B, 0x29]), ("~", [0x1B, 0x3D]), ("^", [0x1B, 0x14]), ("\\", [0x1B, 0x2F]),
        ("|", [0x1B, 0x40]), ("\u{0C}", [0x1B, 0x0A]),
    ] as [(String, [UInt8])])
    func encodesDefaultAndExtensionCharacters(text: String, septets: [UInt8]) {
        #expect(GSM7.encode(text) == septets)
        #expect(GSM7.septetCount(text) == septets.count)
    }

    @Test(arguments: ["€[]{}~^\\|\u{0C}", "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"])
    func decodesWhatItEncodes(text: String) throws {
        let septets = try #require(GSM7.encode(text))
        #expect(GSM7.decode(septets) == text)
    }

    @Test(arguments: ["ü😀", "ł", "中", "`", "Ā", "\u{00}"])
    func refusesCharactersOutsideTheAlphabet(text: String) {
        #expect(GSM7.encode(text) == nil)
        #expect(!GSM7.canEncode(text))
    }

    @Test(arguments: [
        ([0x1B, 0x41] as [UInt8], "A"),   // unknown extension code shows the base character
        ([0x1B, 0x1B] as [UInt8], " "),   // escape-escape shows a space
        ([0x41, 0x1B] as [UInt8], "A "),  // trailing escape shows a space
    ])
    func decodesOddEscapesWithoutFailing(septets: [UInt8], text: String) {
        #expect(GSM7.decode(septets) == text)
    }

    @Test func packsHellohelloLikeThePublishedExample() throws {
        let septets = try #require(GSM7.encode("hellohello"))
        #expect(Hex.encode(GSM7.pack(septets)) == "E8329BFD4697D9EC37")
        #expect(GSM7.decode(GSM7.unpack(try Hex.decode("E8329BFD4697D9EC37"), count: 10)) == "hellohello")
    }

    @Test(arguments: 0...6)
    func unpacksWhatItPacksAfterFillBits(fill: Int) {
        for count in [0, 1, 7, 8, 9, 15, 16, 160] {
            let septets = (0..<count).map { UInt8(($0 * 37 + fill) % 128) }
            let packed = GSM7.pack(septets, fillBits: fill)
            #expect(packed.count == (fill + count * 7 + 7) / 8)
            #expect(GSM7.unpack(packed, count: count, fillBits: fill) == septets)
        }
    }

    @Test func fillBitsStayZero() {
        // Seven septets of all ones after one fill bit: bit 0 of the first octet is the fill.
        let packed = GSM7.pack(Array(repeating: 0x7F, count: 7), fillBits: 1)
        #expect(packed == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x03])
        #expect(GSM7.pack([0x7F], fillBits: 1) == [0xFE])
    }
}
