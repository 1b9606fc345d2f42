import TestSupport
import Testing
@testable import SMSCodec

struct HexTests {
    @Test(arguments: [
        ("", [UInt8]()),
        ("00", [0x00]),
        ("0aFf", [0x0A, 0xFF]),
        ("  07911326\r\n", [0x07, 0x91, 0x13, 0x26]),
    ])
    func decodesHexTextInEitherCase(text: String, bytes: [UInt8]) throws {
        #expect(try Hex.decode(text) == bytes)
    }

    @Test(arguments: [
        ("0", PDUError(field: "hex", offset: 0, reason: "odd number of hex digits")),
        ("001", PDUError(field: "hex", offset: 1, reason: "odd number of hex digits")),
        ("00G0", PDUError(field: "hex", offset: 1, reason: "not a hex digit")),
        ("0011 2", PDUError(field: "hex", offset: 2, reason: "not a hex digit")),
        ("00112 3", PDUError(field: "hex", offset: 3, reason: "odd number of hex digits")),
        ("é", PDUError(field: "hex", offset: 0, reason: "not a hex digit")),
    ])
    func rejectsBadHexWithByteOffset(text: String, error: PDUError) {
        #expect(throws: error) { try Hex.decode(text) }
    }

    @Test func encodesUppercase() {
        #expect(Hex.encode([0x00, 0xAB, 0x0F, 0xF0]) == "00AB0FF0")
        #expect(Hex.encode([]) == "")
    }

    @Test func roundTripsEveryByteValue() throws {
        let bytes = (0...255).map(UInt8.init)
        #expect(try Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test func errorDescriptionNamesFieldAndOffset() {
        let error = PDUError(field: "TP-UDL", offset: 27, reason: "too long")
        #expect(error.description.contains("TP-UDL"))
        #expect(error.description.contains("27"))
    }
}
