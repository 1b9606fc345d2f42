import TestSupport
import Testing
@testable import SMSCodec

struct AddressTests {
    @Test(arguments: [
        ("+4917612345678", TypeOfNumber.international, UInt8(1), "4917612345678", "+4917612345678"),
        ("01701234567", .unknown, 1, "01701234567", "01701234567"),
        ("*100#", .unknown, 1, "*100#", "*100#"),
        ("Google", .alphanumeric, 0, "Google", "Google"),
        ("+49 170", .alphanumeric, 0, "+49 170", "+49 170"),
        ("+", .alphanumeric, 0, "+", "+"),
    ])
    func parsesTextIntoTypeAndValue(text: String, ton: TypeOfNumber, npi: UInt8, value: String, description: String) {
        let address = PhoneAddress(parsing: text)
        #expect(address.typeOfNumber == ton)
        #expect(address.numberingPlan == npi)
        #expect(address.value == value)
        #expect(address.description == description)
    }

    @Test(arguments: [
        // international, odd digit count → F filler
        (PhoneAddress(typeOfNumber: .international, value: "31641600986"), "0B911346610089F6"),
        // even digit count → no filler
        (PhoneAddress(typeOfNumber: .international, value: "491234567890"), "0C91942143658709"),
        // national and unknown
        (PhoneAddress(typeOfNumber: .national, value: "01701234567"), "0BA11007214365F7"),
        (PhoneAddress(typeOfNumber: .unknown, value: "12345"), "05812143F5"),
        // the semi-octet extra digits
        (PhoneAddress(typeOfNumber: .unknown, value: "*#abc"), "0581BADCFE"),
        // alphanumeric, 7-bit packed: length counts the semi-octets used
        (PhoneAddress(typeOfNumber: .alphanumeric, numberingPlan: 0, value: "Google"), "0BD0C7F7FBCC2E03"),
        (PhoneAddress(typeOfNumber: .alphanumeric, numberingPlan: 0, value: "InfoSMS"), "0DD049B7F93D6D4E01"),
        // empty
        (PhoneAddress(typeOfNumber: .unknown, value: ""), "0081"),
    ])
    func encodesAndDecodesTPAddresses(address: PhoneAddress, hex: String) throws {
        let bytes = try address.encodeTPAddress(field: "TP-OA", offset: 0)
        #expect(Hex.encode(bytes) == hex)
        var reader = ByteReader(try Hex.decode(hex))
        #expect(try PhoneAddress.decodeTPAddress(&reader, field: "TP-OA") == address)
        #expect(reader.isAtEnd)
    }

    @Test(arguments: [
        (PhoneAddress(typeOfNumber: .international, value: "31624000000"), "07911326040000F0"),
        (PhoneAddress(typeOfNumber: .international, value: "491710760000"), "0791947101670000"),
    ])
    func encodesAndDecodesSMSCAddresses(address: PhoneAddress, hex: String) throws {
        #expect(Hex.encode(try address.encodeSMSC(offset: 0)) == hex)
        var reader = ByteReader(try Hex.decode(hex))
        #expect(try PhoneAddress.decodeSMSC(&reader) == address)
    }

    @Test func emptySMSCIsNil() throws {
        var reader = ByteReader([0x00])
        #expect(try PhoneAddress.decodeSMSC(&reader) == nil)
    }

    @Test(arguments: [
        (PhoneAddress(typeOfNumber: .international, value: "12a+4"), "address has a character that is not a semi-octet digit"),
        (PhoneAddress(typeOfNumber: .international, value: String(repeating: "1", count: 21)), "address longer than 20 digits"),
        (PhoneAddress(typeOfNumber: .alphanumeric, value: "Ünicode中"), "alphanumeric address not in GSM 7-bit alphabet"),
        (PhoneAddress(typeOfNumber: .alphanumeric, value: "TwelveLetter"), "alphanumeric address longer than 11 characters"),
    ])
    func refusesToEncodeImpossibleAddresses(address: PhoneAddress, reason: String) {
        #expect(throws: PDUError(field: "TP-DA", offset: 3, reason: reason)) {
            try address.encodeTPAddress(field: "TP-DA", offset: 3)
        }
    }

    @Test func fillerInsideANumberThrowsAtItsOctet() throws {
        var reader = ByteReader(try Hex.decode("0491F121"))
        #expect(throws: PDUError(field: "TP-OA", offset: 2, reason: "filler semi-octet inside the number")) {
            try PhoneAddress.decodeTPAddress(&reader, field: "TP-OA")
        }
    }
}
