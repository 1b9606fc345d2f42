import TestSupport
import Testing
@testable import SMSCodec

struct DataCodingTests {
    @Test(arguments: [
        (UInt8(0x00), Alphabet.gsm7, MessageClass?.none),
        (0x04, .eightBit, nil), (0x08, .ucs2, nil), (0x0C, .gsm7, nil),
        (0x10, .gsm7, .flash), (0x11, .gsm7, .mobileEquipment), (0x12, .gsm7, .sim), (0x13, .gsm7, .terminalEquipment),
        (0x14, .eightBit, .flash), (0x18, .ucs2, .flash), (0x19, .ucs2, .mobileEquipment),
        (0x40, .gsm7, nil), (0x48, .ucs2, nil), (0x52, .gsm7, .sim),
        (0x80, .gsm7, nil), (0xC0, .gsm7, nil), (0xD8, .gsm7, nil), (0xE0, .ucs2, nil),
        (0xF0, .gsm7, .flash), (0xF4, .eightBit, .flash), (0xF6, .eightBit, .sim), (0xF1, .gsm7, .mobileEquipment),
    ])
    func readsAlphabetAndClass(raw: UInt8, alphabet: Alphabet, messageClass: MessageClass?) throws {
        let coding = try DataCodingScheme(rawValue: raw)
        #expect(coding.alphabet == alphabet)
        #expect(coding.messageClass == messageClass)
        #expect(coding.rawValue == raw)
    }

    @Test(arguments: [UInt8(0x20), 0x24, 0x38, 0x60, 0x7F])
    func compressedTextThrows(raw: UInt8) {
        #expect(throws: PDUError(field: "TP-DCS", offset: 0, reason: "compressed user data is not supported")) {
            try DataCodingScheme(rawValue: raw)
        }
    }

    @Test(arguments: [
        (Alphabet.gsm7, MessageClass?.none, UInt8(0x00)),
        (.eightBit, nil, 0x04), (.ucs2, nil, 0x08),
        (.gsm7, .flash, 0x10), (.ucs2, .flash, 0x18), (.eightBit, .sim, 0x16), (.gsm7, .terminalEquipment, 0x13),
    ])
    func buildsGeneralDataCoding(alphabet: Alphabet, messageClass: MessageClass?, raw: UInt8) throws {
        let coding = DataCodingScheme(alphabet: alphabet, messageClass: messageClass)
        #expect(coding.rawValue == raw)
        #expect(try DataCodingScheme(rawValue: raw) == coding)
    }

    @Test func alphabetCodesAsTheNamesOtherComponentsUse() {
        #expect(Alphabet.eightBit.rawValue == "8bit")
        #expect(Alphabet(rawValue: "ucs2") == .ucs2)
    }
}
