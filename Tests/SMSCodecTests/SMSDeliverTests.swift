import TestSupport
import Testing
@testable import SMSCodec

/// Rows: modem PDU hex and what it must decode to.
struct DeliverExample: Sendable, CustomTestStringConvertible {
    var name: String
    var hex: String
    var smsc: PhoneAddress?
    var originator: PhoneAddress
    var alphabet: Alphabet
    var messageClass: MessageClass?
    var iso8601: String
    var body: MessageBody
    var concatenation: ConcatenationInfo?
    var testDescription: String { name }
}

struct SMSDeliverTests {
    static let examples: [DeliverExample] = [
        // dreamfabric.com/sms/deliver_fo.html & many tutorials: "How are you?" (TZ octet 08 = −0).
        DeliverExample(
            name: "published GSM 7-bit deliver",
            hex: "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
            smsc: PhoneAddress(typeOfNumber: .international, value: "31624000000"),
            originator: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
            alphabet: .gsm7, iso8601: "2002-08-26T19:37:41-00:00", body: .text("How are you?")),
        // LoriotPro SMS manager documentation: "hellohello" from a subscriber-type number.
        DeliverExample(
            name: "published deliver with subscriber number",
            hex: "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37",
            smsc: PhoneAddress(typeOfNumber: .international, value: "27381000015"),
            originator: PhoneAddress(typeOfNumber: .subscriber, numberingPlan: 8, value: "27838890001"),
            alphabet: .gsm7, iso8601: "2099-03-29T15:16:59+02:00", body: .text("hellohello")),
        DeliverExample(
            name: "concatenated part with 8-bit reference and fill bit",
            hex: "00440B911346610089F60000716050611200230A050003CC020290E910",
            originator: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
            alphabet: .gsm7, iso8601: "2017-06-05T16:21:00+08:00", body: .text("Hi!"),
            concatenation: ConcatenationInfo(reference: 0xCC, total: 2, part: 2)),
        DeliverExample(
            name: "concatenated part with 16-bit reference, no fill bits",
            hex: "00440B911346610089F60000716050611200290A06080412340301CF25",
            originator: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
            alphabet: .gsm7, iso8601: "2017-06-05T16:21:00-03:00", body: .text("OK"),
            concatenation: ConcatenationInfo(reference: 0x1234, total: 3, part: 1, uses16BitReference: true)),
        DeliverExample(
            name: "flash UCS-2 with emoji from alphanumeric sender",
            hex: "00040BD0C7F7FBCC2E030018716050611200230AD83DDE000041006C006C",
            originator: PhoneAddress(typeOfNumber: .alphanumeric, numberingPlan: 0, value: "Google"),
            alphabet: .ucs2, messageClass: .flash, iso8601: "2017-06-05T16:21:00+08:00", body: .text("😀All")),
        DeliverExample(
            name: "8-bit data with an unknown IE kept",
            hex: "0044038121F3000471605061120023" + "0B" + "0800030102017001AA" + "01FF",
            originator: PhoneAddress(typeOfNumber: .unknown, value: "123"),
            alphabet: .eightBit, iso8601: "2017-06-05T16:21:00+08:00", body: .binary([0x01, 0xFF]),
            concatenation: ConcatenationInfo(reference: 1, total: 2, part: 1)),
        DeliverExample(
            name: "extension characters",
            hex: "00040B911346610089F60000716050611200230B9BF28687DFF836A80D10",
            originator: PhoneAddress(typeOfNumber: .international, value: "31641600986"),
            alphabet: .gsm7, iso8601: "2017-06-05T16:21:00+08:00", body: .text("€[x]{|")),
    ]

    @Test(arguments: examples)
    func decodesAndReencodesExample(example: DeliverExample) throws {
        let pdu = try ModemPDU.decode(hex: example.hex)
        #expect(pdu.smsc == example.smsc)
        guard case .deliver(let deliver) = pdu.tpdu else {
            Issue.record("not decoded as SMS-DELIVER")
            return
        }
        #expect(deliver.originator == example.originator)
        #expect(deliver.dataCoding.alphabet == example.alphabet)
        #expect(deliver.dataCoding.messageClass == example.messageClass)
        #expect(deliver.serviceCentreTimestamp.iso8601 == example.iso8601)
        #expect(deliver.body == example.body)
        #expect(deliver.concatenation == example.concatenation)
        #expect(try pdu.hex() == example.hex)
        #expect(ModemPDU.hex(smsc: pdu.smsc, tpdu: try deliver.encode()) == example.hex)
    }

    @Test(arguments: 0...12)
    func gsm7TextStartsOnASeptetBoundaryAfterAnyHeaderLength(elementLength: Int) throws {
        let header = UserDataHeader(elements: [InformationElement(identifier: 0x70, data: Array(repeating: 0x5A, count: elementLength))])
        let headerOctets = 3 + elementLength
        let headerSeptets = (headerOctets * 8 + 6) / 7
        let text = String(repeating: "€x", count: (160 - headerSeptets) / 3)
        let deliver = SMSDeliver(
            originator: PhoneAddress(parsing: "+1"), dataCoding: DataCodingScheme(alphabet: .gsm7),
            serviceCentreTimestamp: ServiceCentreTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0),
            userDataHeader: header, body: .text(text))
        let bytes = try deliver.encode()
        #expect(Int(bytes[13]) == headerSeptets + GSM7.septetCount(text)!)
        // The septets after the header and fill bits are exactly the text's septets.
        let septets = GSM7.unpack(Array(bytes[14...]), count: Int(bytes[13]))
        #expect(Array(septets.dropFirst(headerSeptets)) == GSM7.encode(text))
        #expect(try SMSDeliver.decode(bytes) == deliver)
    }

    @Test func firstOctetFlagsRoundTrip() throws {
        let deliver = SMSDeliver(
            originator: PhoneAddress(parsing: "+491701234567"), protocolIdentifier: 0x41,
            dataCoding: DataCodingScheme(alphabet: .gsm7),
            serviceCentreTimestamp: ServiceCentreTimestamp(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 58, offsetQuarterHours: -14),
            body: .text("x"), moreMessagesToSend: true, statusReportIndication: true, replyPath: true, loopPrevention: true)
        let bytes = try deliver.encode()
        #expect(bytes[0] == 0xA8)
        #expect(try SMSDeliver.decode(bytes) == deliver)
    }

    @Test func encodingTextOutsideTheAlphabetThrows() {
        let deliver = SMSDeliver(
            originator: PhoneAddress(parsing: "+1"), dataCoding: DataCodingScheme(alphabet: .gsm7),
            serviceCentreTimestamp: ServiceCentreTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0),
            body: .text("中"))
        #expect(throws: PDUError(field: "TP-UD", offset: 14, reason: "text has characters outside the GSM 7-bit alphabet")) {
            try deliver.encode()
        }
    }

    @Test func decodingASubmitAsDeliverThrows() throws {
        #expect(throws: PDUError(field: "TP-MTI", offset: 0, reason: "not an SMS-DELIVER")) {
            try SMSDeliver.decode(try Hex.decode("11000B916407281553F80000AA0AE8329BFD4697D9EC37"))
        }
    }
}
