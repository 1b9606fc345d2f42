import TestSupport
import Testing
@testable import SMSCodec

/// A shape real encoders produce that TS 23.040 does not allow, and what it must decode to.
struct LenientExample: Sendable, CustomTestStringConvertible {
    var name: String
    var hex: String
    var originator: String
    var alphabet: Alphabet
    var body: MessageBody
    var isUserDataShort = false
    var testDescription: String { name }
}

/// The decoder is liberal where a message can still be read, because a message it refuses is
/// a message the gateway loses (issue #9.11). Each row is a published PDU (dreamfabric's "How are
/// you?" deliver, python-gsmmodem's submit) bent into the shape seen from the network; where
/// python-gsmmodem-new's `decodeSmsPdu` reads it, it reads the same number and text.
struct LenientDecodingTests {
    static let smsc = "07911326040000F0"
    static let sender = "0B911346610089F6"
    static let timestamp = "20806291731408"

    static func deliver(originator: String = sender, pid: String = "00", dcs: String, userData: String, firstOctet: String = "04") -> String {
        smsc + firstOctet + originator + pid + dcs + timestamp + userData
    }

    static let examples: [LenientExample] = [
        LenientExample(
            name: "address length counts the trailing F filler (12 for 11 digits)",
            hex: deliver(originator: "0C910661345542F6", dcs: "00", userData: "0CC8F71D14969741F977FD07"),
            originator: "+60164355246", alphabet: .gsm7, body: .text("How are you?")),
        LenientExample(
            name: "13-digit address with length 14",
            hex: deliver(originator: "0E91947116325476F8", dcs: "00", userData: "0CC8F71D14969741F977FD07"),
            originator: "+4917612345678", alphabet: .gsm7, body: .text("How are you?")),
        LenientExample(
            name: "GSM 7-bit UDL of 30 septets over 12 septets of data",
            hex: deliver(dcs: "00", userData: "1EC8F71D14969741F977FD07"),
            originator: "+31641600986", alphabet: .gsm7, body: .text("How are you?"), isUserDataShort: true),
        LenientExample(
            name: "GSM 7-bit cut inside the text",
            hex: deliver(dcs: "00", userData: "0AE8329BFD4697D9"),
            originator: "+31641600986", alphabet: .gsm7, body: .text("hellohel"), isUserDataShort: true),
        LenientExample(
            name: "GSM 7-bit short: the zero fill of a 7-septet text is not an '@'",
            hex: deliver(dcs: "00", userData: "0AC8329BFD0E8500"),
            originator: "+31641600986", alphabet: .gsm7, body: .text("Hello!!"), isUserDataShort: true),
        LenientExample(
            name: "UCS-2 UDL of 10 octets over 6, the odd last octet dropped",
            hex: deliver(dcs: "08", userData: "0A00480069002100"),
            originator: "+31641600986", alphabet: .ucs2, body: .text("Hi!"), isUserDataShort: true),
        LenientExample(
            name: "UCS-2 cut between the halves of a surrogate pair",
            hex: deliver(dcs: "08", userData: "0A00480069D83D"),
            originator: "+31641600986", alphabet: .ucs2, body: .text("Hi"), isUserDataShort: true),
        LenientExample(
            name: "8-bit binary cut short",
            hex: deliver(dcs: "04", userData: "0A01020304"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary([1, 2, 3, 4]), isUserDataShort: true),
        LenientExample(
            name: "8-bit (DCS 0x04) printable ASCII is text",
            hex: deliver(dcs: "04", userData: "0548656C6C6F"),
            originator: "+31641600986", alphabet: .eightBit, body: .text("Hello")),
        LenientExample(
            name: "8-bit text cut short is still text",
            hex: deliver(dcs: "04", userData: "0A48656C6C6F"),
            originator: "+31641600986", alphabet: .eightBit, body: .text("Hello"), isUserDataShort: true),
        LenientExample(
            name: "8-bit tk103 report with line breaks is text",
            hex: deliver(dcs: "04", userData: "22" + "6C61743A31342E3633323734320A6C6F6E673A3132312E3030313739300D0A54"),
            originator: "+31641600986", alphabet: .eightBit, body: .text("lat:14.632742\nlong:121.001790\r\nT"),
            isUserDataShort: true),
        LenientExample(
            name: "8-bit flash (DCS 0xF4) UTF-8 is text",
            hex: deliver(dcs: "F4", userData: "0853747261C39F6521"),
            originator: "+31641600986", alphabet: .eightBit, body: .text("Straße!")),
        LenientExample(
            name: "8-bit with control bytes stays binary",
            hex: deliver(dcs: "04", userData: "050102030405"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary([1, 2, 3, 4, 5])),
        LenientExample(
            name: "8-bit that is not valid UTF-8 stays binary",
            hex: deliver(dcs: "04", userData: "0348C3FF"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary([0x48, 0xC3, 0xFF])),
        LenientExample(
            name: "8-bit class 2 (SIM specific) stays binary though it spells text",
            hex: deliver(dcs: "F6", userData: "0548656C6C6F"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary(Array("Hello".utf8))),
        LenientExample(
            name: "8-bit SIM data download (PID 0x7F) stays binary",
            hex: deliver(pid: "7F", dcs: "04", userData: "0548656C6C6F"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary(Array("Hello".utf8))),
        LenientExample(
            name: "8-bit to an application port (WAP push) stays binary",
            hex: deliver(dcs: "04", userData: "0B" + "0605040B8423F0" + "48656C6C", firstOctet: "44"),
            originator: "+31641600986", alphabet: .eightBit, body: .binary(Array("Hell".utf8))),
    ]

    @Test(arguments: examples)
    func decodesWhatRealEncodersSend(example: LenientExample) throws {
        let pdu = try ModemPDU.decode(hex: example.hex)
        guard case .deliver(let deliver) = pdu.tpdu else {
            Issue.record("not decoded as SMS-DELIVER")
            return
        }
        #expect(deliver.originator.description == example.originator)
        #expect(deliver.dataCoding.alphabet == example.alphabet)
        #expect(deliver.body == example.body)
        #expect(deliver.isUserDataShort == example.isUserDataShort)
        // What was read re-encodes to a well-formed PDU that reads back the same, not short any more.
        var again = try SMSDeliver.decode(try deliver.encode())
        #expect(!again.isUserDataShort)
        again.isUserDataShort = deliver.isUserDataShort
        #expect(again == deliver)
    }

    @Test func submitWithFillerCountedInTheDestinationDecodes() throws {
        // python-gsmmodem-new reads this submit's TP-DA as +60164355246, text "hellohello".
        let pdu = try ModemPDU.decode(hex: "0011000C910661345542F60000AA0AE8329BFD4697D9EC37")
        guard case .submit(let submit) = pdu.tpdu else {
            Issue.record("not decoded as SMS-SUBMIT")
            return
        }
        #expect(submit.destination.description == "+60164355246")
        #expect(submit.body == .text("hellohello"))
        #expect(!submit.isUserDataShort)
    }

    @Test(arguments: [
        // A filler between digits cannot shorten a number: which digits were meant is unknown.
        (deliver(originator: "0C9106F1345542F6", dcs: "00", userData: "0CC8F71D14969741F977FD07"),
         PDUError(field: "TP-OA", offset: 12, reason: "filler semi-octet inside the number")),
        // A header that does not fit the data present cannot be skipped to find the text.
        (deliver(dcs: "00", userData: "14" + "0500", firstOctet: "44"),
         PDUError(field: "TP-UDHL", offset: 27, reason: "header length 5 larger than the user data")),
        (deliver(dcs: "04", userData: "20", firstOctet: "44"),
         PDUError(field: "TP-UDHL", offset: 27, reason: "user data header indicated but user data is empty")),
        // Lengths no message can have.
        (deliver(dcs: "00", userData: "A1C8"), PDUError(field: "TP-UDL", offset: 26, reason: "161 septets exceed 160")),
        (deliver(dcs: "04", userData: "8D48"), PDUError(field: "TP-UDL", offset: 26, reason: "141 octets exceed 140")),
        (deliver(dcs: "08", userData: "8D0048"), PDUError(field: "TP-UDL", offset: 26, reason: "141 octets exceed 140")),
    ])
    func stillRefusesWhatCannotBeRead(hex: String, error: PDUError) {
        #expect(throws: error) { try ModemPDU.decode(hex: hex) }
    }

    @Test func eightBitTextSplitInsideACharacterReassemblesAsText() throws {
        // "ß" is C3 9F in UTF-8: cut between its bytes, neither part alone is text, the whole is.
        let sender = PhoneAddress(parsing: "+31641600986")
        let timestamp = ServiceCentreTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0)
        let halves: [[UInt8]] = [[0x53, 0x74, 0x72, 0x61, 0xC3], [0x9F, 0x65]]
        var reassembler = Reassembler<Int, TestInstant>()
        var completed: [ReassembledMessage<Int>] = []
        for (index, bytes) in halves.enumerated() {
            let part = SMSDeliver(
                originator: sender, dataCoding: DataCodingScheme(alphabet: .eightBit), serviceCentreTimestamp: timestamp,
                userDataHeader: UserDataHeader(concatenation: ConcatenationInfo(reference: 9, total: 2, part: index + 1)),
                body: .binary(bytes))
            let decoded = try SMSDeliver.decode(try part.encode())
            #expect(decoded.body.text == nil)
            for case .complete(let message) in reassembler.add(decoded, token: index, now: .zero) { completed.append(message) }
        }
        #expect(completed.map(\.body) == [.text("Straße")])
        #expect(completed.first?.alphabet == .eightBit)
    }

    @Test func aShortPartMarksTheReassembledMessageShort() throws {
        let prefix = "04" + Self.sender + "00" + "04" + Self.timestamp
        let whole = try SMSDeliver.decode(try Hex.decode(prefix + "05" + "48656C6C6F"))
        let short = try SMSDeliver.decode(try Hex.decode(prefix + "0A" + "48656C6C6F"))
        for (deliver, expected) in [(whole, false), (short, true)] {
            var reassembler = Reassembler<Int, TestInstant>()
            let events = reassembler.add(deliver, token: 0, now: .zero)
            guard case .complete(let message) = events.first else {
                Issue.record("expected a completed message")
                continue
            }
            #expect(message.isUserDataShort == expected)
            #expect(message.text == "Hello")
        }
    }
}
