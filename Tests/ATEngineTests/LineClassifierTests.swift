import TestSupport
import Testing

@testable import ATEngine

@Suite("LineClassifier")
struct LineClassifierTests {
    let classifier = LineClassifier()

    static let finalResults: [(String, FinalResult)] = [
        ("OK", .ok),
        ("ok", .ok),
        ("ERROR", .error),
        ("+CME ERROR: 10", .cmeError(10, "10")),
        ("+CME ERROR: SIM not inserted", .cmeError(10, "SIM not inserted")),
        ("+CME ERROR:3", .cmeError(3, "3")),
        ("+CME ERROR: vendor says no", .cmeError(nil, "vendor says no")),
        ("+CMS ERROR: 314", .cmsError(314, "314")),
        ("+CMS ERROR: SIM busy", .cmsError(314, "SIM busy")),
        ("+CMS ERROR: Invalid PDU mode parameter", .cmsError(304, "Invalid PDU mode parameter")),
        ("+CMS ERROR: 500", .cmsError(500, "500")),
        ("NO CARRIER", .noCarrier),
        ("BUSY", .busy),
        ("NO ANSWER", .noAnswer),
        ("NO DIALTONE", .noDialtone),
        ("NO DIAL TONE", .noDialtone),
        ("CONNECT", .connect("")),
        ("CONNECT 115200", .connect("115200")),
    ]

    @Test("final results with a command in flight", arguments: finalResults)
    func classifiesFinalResult(line: String, expected: FinalResult) {
        #expect(classifier.classify(line, inFlightCommand: "ATD123;") == .final(expected))
    }

    @Test("lines that only look like final results are information", arguments: [
        "OKAY", "ERRORS", "CONNECTION", "+CME ERRORS: 3", "+CMS ERROR 3", "BUSYNESS",
    ])
    func doesNotTakeLookalikesForFinalResults(line: String) {
        #expect(classifier.classify(line, inFlightCommand: "AT+CGSN") == .information)
    }

    static let urcs: [(String, String, String, Int)] = [
        ("+CMTI: \"SM\",3", "+CMTI", "\"SM\",3", 0),
        ("+CMT: ,23", "+CMT", ",23", 1),
        ("+CMT: \"alpha\",23", "+CMT", "\"alpha\",23", 1),
        ("+CDS: 25", "+CDS", "25", 1),
        ("+CDSI: \"SM\",2", "+CDSI", "\"SM\",2", 0),
        ("+CBM: 88", "+CBM", "88", 1),
        ("+CREG: 1", "+CREG", "1", 0),
        ("+CGREG: 5", "+CGREG", "5", 0),
        ("+CEREG: 1,\"1A2B\",\"01C3\",7", "+CEREG", "1,\"1A2B\",\"01C3\",7", 0),
        ("RING", "RING", "", 0),
        ("+CRING: VOICE", "+CRING", "VOICE", 0),
        ("+CLIP: \"+15551234567\",145", "+CLIP", "\"+15551234567\",145", 0),
        ("RDY", "RDY", "", 0),
        ("SMS Ready", "SMS Ready", "", 0),
        ("Call Ready", "Call Ready", "", 0),
        ("+CPIN: READY", "+CPIN", "READY", 0),
        ("+QIND: SMS DONE", "+QIND", "SMS DONE", 0),
        ("^RSSI:15", "^RSSI", "15", 0),
        ("^BOOT:12345,0,0,0,72", "^BOOT", "12345,0,0,0,72", 0),
        ("^MODE:5,4", "^MODE", "5,4", 0),
        ("+CUSD: 0,\"Balance 5.00\",15", "+CUSD", "0,\"Balance 5.00\",15", 0),
    ]

    @Test("URCs are recognised inside another command's response", arguments: urcs)
    func classifiesURCDuringUnrelatedCommand(line: String, name: String, value: String, trailing: Int) {
        #expect(classifier.classify(line, inFlightCommand: "AT+CMGL=4") == .urc(name: name, value: value, trailingLines: trailing))
        #expect(classifier.classify(line, inFlightCommand: nil) == .urc(name: name, value: value, trailingLines: trailing))
    }

    @Test func cmtDoesNotMatchCMTI() {
        #expect(classifier.classify("+CMTI: \"ME\",1", inFlightCommand: nil) == .urc(name: "+CMTI", value: "\"ME\",1", trailingLines: 0))
        #expect(classifier.classify("+CMTX: 1", inFlightCommand: nil) == .information)
    }

    @Test("the in-flight command's own prefix wins over the URC table", arguments: [
        ("AT+CREG?", "+CREG: 0,1"),
        ("AT+CPIN?", "+CPIN: READY"),
        ("AT+CGREG?", "+CGREG: 0,1"),
        ("AT+CMEE=1;+CREG?", "+CREG: 0,5"),
        ("at+creg?", "+CREG: 2,1,\"1A2B\",\"01C3\""),
        ("AT+CREG=?", "+CREG: (0-2)"),
    ])
    func ownPrefixBelongsToResponse(command: String, line: String) {
        #expect(classifier.classify(line, inFlightCommand: command) == .response)
    }

    @Test func unsolicitedRegistrationDuringSetCommandStaysURC() {
        #expect(classifier.classify("+CREG: 1", inFlightCommand: "AT+CREG=2") == .urc(name: "+CREG", value: "1", trailingLines: 0))
        #expect(classifier.classify("+CPIN: READY", inFlightCommand: "AT+CPIN=1234") == .urc(name: "+CPIN", value: "READY", trailingLines: 0))
    }

    @Test func noCarrierIsFinalInFlightAndURCWhenIdle() {
        #expect(classifier.classify("NO CARRIER", inFlightCommand: "ATD+15551234567;") == .final(.noCarrier))
        #expect(classifier.classify("NO CARRIER", inFlightCommand: nil) == .urc(name: "NO CARRIER", value: "", trailingLines: 0))
    }

    @Test func unprefixedAndPDULinesAreInformation() {
        #expect(classifier.classify("861234567890123", inFlightCommand: "AT+CGSN") == .information)
        #expect(classifier.classify("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07", inFlightCommand: "AT+CMGR=1") == .information)
        #expect(classifier.classify("+CMGR: 0,,24", inFlightCommand: "AT+CMGR=1") == .response)
    }

    @Test func responsePrefixesOfCompoundAndBasicCommands() {
        let prefixes = LineClassifier.responsePrefixes(of: "AT+CMEE=1;+CMGF?;^SYSINFO").map { String(decoding: $0.prefix, as: UTF8.self) }
        #expect(prefixes == ["+CMEE", "+CMGF", "^SYSINFO"])
        #expect(LineClassifier.responsePrefixes(of: "ATE0").isEmpty)
        #expect(LineClassifier.responsePrefixes(of: "AT").isEmpty)
    }

    @Test func customTableAddsVendorURC() {
        var table = URCTable.standard
        table.entries.append(.init("+QSTK", trailingLines: 2))
        let custom = LineClassifier(urcTable: table)
        #expect(custom.classify("+QSTK: 1", inFlightCommand: nil) == .urc(name: "+QSTK", value: "1", trailingLines: 2))
        #expect(classifier.classify("+QSTK: 1", inFlightCommand: nil) == .information)
    }

    @Test func invalidUTF8IsClassifiedWithoutCrashing() {
        let bytes: [UInt8] = [0x2B, 0x43, 0x4D, 0x54, 0x49, 0x3A, 0xFE, 0xC3, 0x28]
        let kind = classifier.classify(line: bytes[...], context: nil)
        #expect(kind == .urc(name: "+CMTI", value: "\u{FFFD}\u{FFFD}(", trailingLines: 0))
    }
}
