import TestSupport
import Testing
@testable import SMSCodec

struct ModemPDUTests {
    static let validPDUs = [
        "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
        "0011000B916407281553F80000AA0AE8329BFD4697D9EC37",
        "0006000B910221815716F2709021510121807090215101718000",
        "00440B911346610089F60000716050611200230A050003CC020290E910",
        "00040BD0C7F7FBCC2E030018716050611200230AD83DDE000041006C006C",
        "0019000B911346610089F600087160506112002304D83DDE00",
        "0009000B911346610089F6000401020304050607020102",
        "0044038121F30004716050611200230B0800030102017001AA01FF",
    ]

    @Test func dispatchesOnMessageTypeIndicator() throws {
        guard case .deliver = try ModemPDU.decode(hex: Self.validPDUs[0]).tpdu else { Issue.record("deliver"); return }
        guard case .submit = try ModemPDU.decode(hex: Self.validPDUs[1]).tpdu else { Issue.record("submit"); return }
        guard case .statusReport = try ModemPDU.decode(hex: Self.validPDUs[2]).tpdu else { Issue.record("report"); return }
    }

    /// A truncated PDU throws, except that user data cut after its header decodes as what is
    /// there, flagged short (LenientDecodingTests): it never reads as a whole message, and what it
    /// reads is the start of the whole message's body.
    @Test(arguments: validPDUs)
    func everyTruncationThrowsOrReadsAsTheStartOfTheBody(hex: String) throws {
        let bytes = try Hex.decode(hex)
        let whole = try ModemPDU.decode(bytes: bytes)
        for length in 0..<bytes.count {
            do {
                let pdu = try ModemPDU.decode(bytes: Array(bytes.prefix(length)))
                #expect(pdu.tpdu.isUserDataShort, "prefix of \(length) bytes decoded as a whole message")
                #expect(Self.bodyOctets(whole.tpdu).starts(with: Self.bodyOctets(pdu.tpdu)), "prefix of \(length) bytes")
            } catch {}
            let hexPrefix = String(hex.prefix(length * 2 + 1))
            #expect(throws: PDUError.self) { try ModemPDU.decode(hex: hexPrefix) }
        }
    }

    static func bodyOctets(_ tpdu: TPDU) -> [UInt8] {
        switch tpdu {
        case .deliver(let deliver): deliver.body.octets
        case .submit(let submit): submit.body.octets
        case .statusReport(let report): report.body?.octets ?? []
        }
    }

    @Test(arguments: validPDUs)
    func everySingleByteCorruptionDecodesOrThrows(hex: String) throws {
        let bytes = try Hex.decode(hex)
        var thrown = 0
        for index in bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x02, 0x03, 0x08, 0x40, 0x7F, 0x80, 0xA0, 0xFF, bytes[index] ^ 0x01] {
                var mutated = bytes
                mutated[index] = value
                do {
                    _ = try ModemPDU.decode(bytes: mutated)
                } catch {
                    #expect(error.offset >= 0 && error.offset <= mutated.count)
                    thrown += 1
                }
            }
        }
        #expect(thrown > 0)
    }

    @Test(arguments: [
        ("", "SMSC", 0, "truncated: PDU ends before this field"),
        ("0", "hex", 0, "odd number of hex digits"),
        ("07911326040000F", "hex", 7, "odd number of hex digits"),
        ("0791132604XX00F0", "hex", 5, "not a hex digit"),
        ("09911326040000F0", "SMSC", 2, "truncated: needs 8 bytes, 6 left"),
        ("07911326040000F0", "TP-MTI", 8, "truncated: no TPDU after the SMSC address"),
        ("0003", "TP-MTI", 1, "reserved message type 11"),
        ("00040B911346610089F6000020806291731408A1" + "C8", "TP-UDL", 19, "161 septets exceed 160"),
        ("00040B911346610089F6000820806291731408030041FF", "TP-UD", 20, "UCS-2 data has an odd number of octets"),
        ("00040B911346610089F60004208062917314088D" + String(repeating: "00", count: 141), "TP-UDL", 19, "141 octets exceed 140"),
        ("00440B911346610089F60000208062917314080206" + "0000", "TP-UDHL", 20, "header length 6 larger than the user data"),
        ("00440B911346610089F6000020806291731408040600030102", "TP-UDHL", 20, "header length 6 larger than the user data"),
        ("00440B911346610089F6000020806291731408" + "06" + "050003010201", "TP-UDHL", 20, "header longer than the user data length"),
        ("00440B911346610089F600042080629173140803" + "050003", "TP-UDHL", 20, "header length 5 larger than the user data"),
        ("00440B911346610089F60004208062917314080103", "TP-UDHL", 20, "header length 3 larger than the user data"),
        ("00440B911346610089F600042080629173140803" + "020105", "TP-UDH", 21, "information element longer than the header"),
        ("00440B911346610089F600002080629173140800", "TP-UDHL", 20, "user data header indicated but user data is empty"),
        ("00040B911346610089F60020", "TP-DCS", 11, "compressed user data is not supported"),
        ("00041491", "TP-OA", 4, "truncated: needs 10 bytes, 0 left"),
        ("00040B911346610089F600002080629173A4080CC8", "TP-SCTS", 17, "semi-octet is not a decimal digit"),
        ("00040B911346610089F6000020806291", "TP-SCTS", 12, "truncated: needs 7 bytes, 4 left"),
        ("0019000B916407281553F80000", "TP-VP", 13, "truncated: needs 7 bytes, 0 left"),
        ("0011000B916407281553F8", "TP-PID", 11, "truncated: PDU ends before this field"),
        ("00060009", "TP-RA", 4, "truncated: PDU ends before this field"),
    ])
    func malformedPDUThrowsFieldAndOffset(hex: String, field: String, offset: Int, reason: String) {
        #expect(throws: PDUError(field: field, offset: offset, reason: reason)) { try ModemPDU.decode(hex: hex) }
    }

    @Test func hexPrefixesSMSCOrZero() throws {
        let tpdu: [UInt8] = [0x01, 0x02]
        #expect(ModemPDU.hex(smsc: nil, tpdu: tpdu) == "000102")
        #expect(ModemPDU.hex(smsc: PhoneAddress(parsing: "+31624000000"), tpdu: tpdu) == "07911326040000F00102")
        #expect(ModemPDU.hex(smsc: PhoneAddress(typeOfNumber: .international, value: "+31 624-000000"), tpdu: tpdu) == "07911326040000F00102")
    }

    @Test func errorsNeverQuoteTheBody() throws {
        // "SECRETPOS" in UCS-2 with an odd trailing byte: the error must not carry the text.
        let body = Hex.encode(UCS2.encode("SECRETPOS")) + "41"
        let hex = "00040B911346610089F6000820806291731408" + "13" + body
        do {
            _ = try ModemPDU.decode(hex: hex)
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("SECRET"))
            #expect(!error.description.contains("0053"))
        }
    }
}
