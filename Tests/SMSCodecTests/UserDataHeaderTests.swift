import TestSupport
import Testing
@testable import SMSCodec

struct UserDataHeaderTests {
    @Test(arguments: [
        ("050003CC0201", ConcatenationInfo?.some(ConcatenationInfo(reference: 0xCC, total: 2, part: 1))),
        ("0608041234FF02", ConcatenationInfo(reference: 0x1234, total: 255, part: 2, uses16BitReference: true)),
        ("050003CC0203", nil),    // part beyond total: ignored per TS 23.040
        ("050003CC0200", nil),    // part 0
        ("050003CC0001", nil),    // total 0
        ("0400020102", nil),      // wrong IE length
        ("0870011F0003070302", ConcatenationInfo(reference: 7, total: 3, part: 2)),
        ("00", nil),
    ])
    func findsConcatenation(hex: String, info: ConcatenationInfo?) throws {
        let bytes = try Hex.decode(hex)
        let header = try UserDataHeader.decode(bytes, offset: 0)
        #expect(header.concatenation == info)
        #expect(try header.encode(offset: 0) == bytes)
    }

    @Test func headerFollowedByBodyBytesParsesOnlyTheHeader() throws {
        let header = try UserDataHeader.decode(try Hex.decode("050003CC0201FFEE"), offset: 0)
        #expect(header.elements == [InformationElement(identifier: 0, data: [0xCC, 0x02, 0x01])])
    }

    @Test func keepsOtherElementsWhenConcatenationChanges() throws {
        var header = UserDataHeader(elements: [InformationElement(identifier: 0x70, data: [0xAA])])
        header.concatenation = ConcatenationInfo(reference: 9, total: 4, part: 3)
        #expect(Hex.encode(try header.encode(offset: 0)) == "080003090403" + "7001AA")
        header.concatenation = ConcatenationInfo(reference: 0x0102, total: 4, part: 3, uses16BitReference: true)
        #expect(Hex.encode(try header.encode(offset: 0)) == "09080401020403" + "7001AA")
        header.concatenation = nil
        #expect(header.elements == [InformationElement(identifier: 0x70, data: [0xAA])])
    }

    @Test(arguments: [
        ("", PDUError(field: "TP-UDHL", offset: 10, reason: "user data header indicated but user data is empty")),
        ("05000301", PDUError(field: "TP-UDHL", offset: 10, reason: "header length 5 larger than the user data")),
        ("0100", PDUError(field: "TP-UDH", offset: 11, reason: "information element header cut off")),
        ("03000301", PDUError(field: "TP-UDH", offset: 11, reason: "information element longer than the header")),
    ])
    func malformedHeadersThrowWithOffset(hex: String, error: PDUError) throws {
        let bytes = try Hex.decode(hex)
        #expect(throws: error) { try UserDataHeader.decode(bytes, offset: 10) }
    }
}
