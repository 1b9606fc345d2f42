import TestSupport
import Testing

@testable import ATEngine

@Suite("URC parsing")
struct URCParsingTests {
    @Test("storage index of +CMTI/+CDSI", arguments: [
        ("\"SM\",3", "SM", 3),
        ("\"ME\", 12", "ME", 12),
        (" SM ,0", "SM", 0),
        ("+CMTI: \"SM\",3", "SM", 3),
        ("\"MT\",7,\"extra\"", "MT", 7),
    ])
    func parsesStorageIndex(value: String, storage: String, index: Int) {
        #expect(URC.parseStorageIndex(value) == URC.StorageIndex(storage: storage, index: index))
    }

    @Test("unreadable storage indices are nil", arguments: ["", "\"SM\"", "\"SM\",x", "\"SM\",-1", "\"SM\",99999999999"])
    func rejectsBadStorageIndex(value: String) {
        #expect(URC.parseStorageIndex(value) == nil)
    }

    @Test("PDU length of +CMT/+CDS/+CBM", arguments: [
        (",23", 23),
        ("\"alpha\",23", 23),
        ("\"a,b\", 40", 40),
        ("25", 25),
        (" 88 ", 88),
        ("+CMT: ,23", 23),
    ])
    func parsesPDULength(value: String, length: Int) {
        #expect(URC.parsePDULength(value) == length)
    }

    @Test("text-mode +CMT headers have no PDU length", arguments: ["\"+15551234567\",,\"24/01/01,10:00:00+04\"", "", ","])
    func rejectsTextModeHeader(value: String) {
        #expect(URC.parsePDULength(value) == nil)
    }

    @Test("registration in URC and read-response forms", arguments: [
        ("1", 1, nil, nil),
        ("5", 5, nil, nil),
        ("0,1", 1, nil, nil),
        ("2,5,\"1A2B\",\"01C3\"", 5, "1A2B", "01C3"),
        ("0,1,\"1A2B\",\"01C3\"", 1, "1A2B", "01C3"),
        ("1,\"1A2B\",\"01C3\"", 1, "1A2B", "01C3"),
        ("1,\"1A2B\",\"01C3\",7", 1, "1A2B", "01C3"),
        (" 2 , 3 ", 3, nil, nil),
    ] as [(String, Int, String?, String?)])
    func parsesRegistration(value: String, status: Int, area: String?, cell: String?) {
        #expect(URC.parseRegistration(value) == URC.Registration(status: status, area: area, cell: cell))
    }

    @Test func registrationStatusMeaning() {
        #expect(URC.Registration(status: 1).isRegistered)
        #expect(URC.Registration(status: 5).isRegistered)
        #expect(!URC.Registration(status: 2).isRegistered)
        #expect(!URC.Registration(status: 3).isRegistered)
        #expect(URC.parseRegistration("\"1A2B\"") == nil)
    }

    @Test func convenienceAccessorsCheckTheName() {
        #expect(URC(name: "+CMTI", value: "\"SM\",3").storageIndex == URC.StorageIndex(storage: "SM", index: 3))
        #expect(URC(name: "+CDSI", value: "\"SM\",2").storageIndex?.index == 2)
        #expect(URC(name: "+CREG", value: "\"SM\",3").storageIndex == nil)
        #expect(URC(name: "+CMT", value: ",23").pduLength == 23)
        #expect(URC(name: "+CDS", value: "25").pduLength == 25)
        #expect(URC(name: "+CMTI", value: "25").pduLength == nil)
        #expect(URC(name: "+CEREG", value: "1,\"1A2B\",\"01C3\",7").registration?.status == 1)
        #expect(URC(name: "RING", value: "").registration == nil)
    }
}
