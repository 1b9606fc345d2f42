import TestSupport
import Testing
@testable import SMSCodec

struct SMSSubmitTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var submit: SMSSubmit
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        // dreamfabric.com/sms: "hellohello" to +46708251358, relative validity AA (4 days).
        Example(
            name: "published submit",
            hex: "0011000B916407281553F80000AA0AE8329BFD4697D9EC37",
            submit: SMSSubmit(
                destination: PhoneAddress(typeOfNumber: .international, value: "46708251358"),
                dataCoding: DataCodingScheme(alphabet: .gsm7), validityPeriod: .relative(0xAA), body: .text("hellohello"))),
        // 9cbs.com PDU tutorial: "hello" to an unknown-type number with an odd digit count.
        Example(
            name: "published submit to a national-format number",
            hex: "0011000781214365F70000AA05E8329BFD06",
            submit: SMSSubmit(
                destination: PhoneAddress(typeOfNumber: .unknown, value: "1234567"),
                dataCoding: DataCodingScheme(alphabet: .gsm7), validityPeriod: .relative(0xAA), body: .text("hello"))),
        Example(
            name: "status report requested, flash, reject duplicates, no validity",
            hex: "0025070B911346610089F6001002C834",
            submit: SMSSubmit(
                destination: PhoneAddress(typeOfNumber: .international, value: "31641600986"), messageReference: 7,
                dataCoding: DataCodingScheme(alphabet: .gsm7, messageClass: .flash),
                statusReportRequest: true, rejectDuplicates: true, body: .text("Hi"))),
        Example(
            name: "absolute validity",
            hex: "0019000B911346610089F600087160506112002304D83DDE00",
            submit: SMSSubmit(
                destination: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
                dataCoding: DataCodingScheme(alphabet: .ucs2),
                validityPeriod: .absolute(ServiceCentreTimestamp(year: 2017, month: 6, day: 5, hour: 16, minute: 21, second: 0, offsetQuarterHours: 32)),
                body: .text("😀"))),
        Example(
            name: "enhanced validity",
            hex: "0009000B911346610089F6000401020304050607020102",
            submit: SMSSubmit(
                destination: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
                dataCoding: DataCodingScheme(alphabet: .eightBit),
                validityPeriod: .enhanced([1, 2, 3, 4, 5, 6, 7]), body: .binary([0x01, 0x02]))),
    ]

    @Test(arguments: examples)
    func decodesAndReencodesExample(example: Example) throws {
        let pdu = try ModemPDU.decode(hex: example.hex)
        #expect(pdu.smsc == nil)
        #expect(pdu.tpdu == .submit(example.submit))
        #expect(ModemPDU.hex(smsc: nil, tpdu: try example.submit.encode()) == example.hex)
    }

    @Test(arguments: [
        (UInt8(0), Duration.seconds(5 * 60)), (143, .seconds(12 * 3600)), (144, .seconds(12 * 3600 + 1800)),
        (167, .seconds(24 * 3600)), (168, .seconds(2 * 86400)), (196, .seconds(30 * 86400)),
        (197, .seconds(5 * 7 * 86400)), (255, .seconds(63 * 7 * 86400)),
    ])
    func relativeValidityMeansTheSpecDurations(value: UInt8, duration: Duration) {
        #expect(ValidityPeriod.relative(value).relativeDuration == duration)
    }

    @Test func partsCarryFlagsClassAndLow8BitsOfTheReference() throws {
        let parts = SMSSubmit.parts(
            to: PhoneAddress(parsing: "+4917000"), text: String(repeating: "ab", count: 100),
            statusReportRequest: true, messageClass: .flash, concatenationReference: 0x1FE)
        #expect(parts.count == 2)
        for (index, part) in parts.enumerated() {
            #expect(part.statusReportRequest)
            #expect(part.dataCoding == DataCodingScheme(alphabet: .gsm7, messageClass: .flash))
            #expect(part.concatenation == ConcatenationInfo(reference: 0xFE, total: 2, part: index + 1))
            let bytes = try part.encode()
            #expect(try SMSSubmit.decode(bytes) == part)
        }
    }

    @Test func singlePartHasNoHeader() throws {
        let parts = SMSSubmit.parts(to: PhoneAddress(parsing: "+4917000"), text: "LOCATE", concatenationReference: 3)
        #expect(parts.count == 1)
        #expect(parts[0].userDataHeader == nil)
        #expect(try parts[0].encode()[0] == 0x01)
    }

    @Test func enhancedValidityOfWrongLengthRefusesToEncode() {
        let submit = SMSSubmit(
            destination: PhoneAddress(parsing: "+1"), dataCoding: DataCodingScheme(alphabet: .gsm7),
            validityPeriod: .enhanced([1, 2]), body: .text("x"))
        #expect(throws: PDUError(field: "TP-VP", offset: 7, reason: "enhanced validity period must be 7 octets")) {
            try submit.encode()
        }
    }

    @Test(arguments: [
        (MessageBody.text(String(repeating: "a", count: 161)), Alphabet.gsm7, "161 septets exceed 160"),
        (.text(String(repeating: "€", count: 81)), .gsm7, "162 septets exceed 160"),
        (.text(String(repeating: "й", count: 71)), .ucs2, "142 octets exceed 140"),
        (.binary(Array(repeating: 0, count: 141)), .eightBit, "141 octets exceed 140"),
    ])
    func overlongUserDataRefusesToEncode(body: MessageBody, alphabet: Alphabet, reason: String) {
        let submit = SMSSubmit(destination: PhoneAddress(parsing: "+1"), dataCoding: DataCodingScheme(alphabet: alphabet), body: body)
        #expect(throws: PDUError(field: "TP-UDL", offset: 7, reason: reason)) { try submit.encode() }
    }

    @Test func fullSinglePartsEncode() throws {
        for (alphabet, body) in [(Alphabet.gsm7, MessageBody.text(String(repeating: "a", count: 160))),
                                 (.gsm7, .text(String(repeating: "€", count: 80))),
                                 (.ucs2, .text(String(repeating: "😀", count: 35))),
                                 (.eightBit, .binary(Array(repeating: 7, count: 140)))] {
            let submit = SMSSubmit(destination: PhoneAddress(parsing: "+1"), dataCoding: DataCodingScheme(alphabet: alphabet), body: body)
            #expect(try SMSSubmit.decode(submit.encode()) == submit)
        }
    }
}
