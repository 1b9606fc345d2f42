import TestSupport
import Testing

@testable import ATEngine

/// One conversation: the commands queued at the start, every byte the modem sends, and the
/// completions, URCs and garbage expected from it, in order.
struct Transcript: CustomTestStringConvertible, Sendable {
    let name: String
    let commands: [ATCommand]
    let modem: String
    let expected: [Outcome]

    var testDescription: String { name }

    init(_ name: String, _ commands: [ATCommand], _ modem: String, _ expected: [Outcome]) {
        self.name = name
        self.commands = commands
        self.modem = modem
        self.expected = expected
    }

    /// Runs the transcript with the modem's bytes cut by `chunking`.
    func run(_ chunking: Chunking) -> (outcomes: [Outcome], idle: Bool) {
        var harness = EngineHarness()
        for (index, command) in commands.enumerated() {
            harness.enqueue(command, id: UInt64(index + 1))
        }
        for chunk in chunking.chunks(Array(modem.utf8)) {
            harness.receive(bytes: chunk)
        }
        return (harness.outcomes, harness.engine.isIdle)
    }
}


private let cmglPDU1 = "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07"
private let cmglPDU2 = "07911326040000F0040B911346610089F60000208062917314080BC8329BFD06"
private let cmtPDU = "07911326040000F0040B911346610089F60000208062917314080AE8329BFD4697D9EC37"
private let submitPDU = "0011000B911356341200F50000AA05E8329BFD06"

@Suite("CommandEngine transcripts")
struct EngineTranscriptTests {
    static let transcripts: [Transcript] = [
        Transcript("plain OK, echo off", [ATCommand("AT")], "\r\nOK\r\n", [.done(1, ok("AT"))]),
        Transcript("echo on is dropped", [ATCommand("AT+CSQ")], "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n",
                   [.done(1, ok("AT+CSQ", ["+CSQ: 20,99"]))]),
        Transcript("echo of ATE0 itself, then echo off", [ATCommand("ATE0"), ATCommand("AT+CMGF=0")],
                   "ATE0\r\r\nOK\r\n\r\nOK\r\n", [.done(1, ok("ATE0")), .done(2, ok("AT+CMGF=0"))]),
        Transcript("CREG query answer is info, later +CREG is a URC", [ATCommand("AT+CREG?")],
                   "\r\n+CREG: 0,1\r\n\r\nOK\r\n\r\n+CREG: 5\r\n",
                   [.done(1, ok("AT+CREG?", ["+CREG: 0,1"])), .urc(URC(name: "+CREG", value: "5"))]),
        Transcript("CPIN READY answers AT+CPIN?, and is a URC otherwise", [ATCommand("AT+CPIN?"), ATCommand("AT")],
                   "\r\n+CPIN: READY\r\n\r\nOK\r\n\r\n+CPIN: READY\r\n\r\nOK\r\n",
                   [.done(1, ok("AT+CPIN?", ["+CPIN: READY"])), .urc(URC(name: "+CPIN", value: "READY")), .done(2, ok("AT"))]),
        Transcript("+CMTI in the middle of a response", [ATCommand("AT+CPMS?")],
                   "\r\n+CPMS: \"SM\",1,30\r\n\r\n+CMTI: \"SM\",2\r\n\r\nOK\r\n",
                   [.urc(URC(name: "+CMTI", value: "\"SM\",2")), .done(1, ok("AT+CPMS?", ["+CPMS: \"SM\",1,30"]))]),
        Transcript("+CMT with its PDU between +CMGL entries", [ATCommand("AT+CMGL=4")],
                   "\r\n+CMGL: 1,1,,38\r\n\(cmglPDU1)\r\n+CMT: ,35\r\n\(cmtPDU)\r\n+CMGL: 2,1,,31\r\n\(cmglPDU2)\r\n\r\nOK\r\n",
                   [.urc(URC(name: "+CMT", value: ",35", trailing: [cmtPDU])),
                    .done(1, ok("AT+CMGL=4", ["+CMGL: 1,1,,38", cmglPDU1, "+CMGL: 2,1,,31", cmglPDU2]))]),
        Transcript("+CMT missing its PDU before OK: URC incomplete, OK still ends the command", [ATCommand("AT+CMGL=4")],
                   "\r\n+CMGL: 1,1,,38\r\n\(cmglPDU1)\r\n+CMT: ,35\r\nOK\r\n",
                   [.urc(URC(name: "+CMT", value: ",35", trailing: [], complete: false)),
                    .done(1, ok("AT+CMGL=4", ["+CMGL: 1,1,,38", cmglPDU1]))]),
        Transcript("+CMT missing its PDU before a response line", [ATCommand("AT+CMGL=4")],
                   "\r\n+CMT: ,35\r\n+CMGL: 1,1,,38\r\n\(cmglPDU1)\r\nOK\r\n",
                   [.urc(URC(name: "+CMT", value: ",35", trailing: [], complete: false)),
                    .done(1, ok("AT+CMGL=4", ["+CMGL: 1,1,,38", cmglPDU1]))]),
        Transcript("+CMT missing its PDU before another URC", [],
                   "\r\n+CMT: ,35\r\n+CMTI: \"SM\",4\r\n",
                   [.urc(URC(name: "+CMT", value: ",35", trailing: [], complete: false)),
                    .urc(URC(name: "+CMTI", value: "\"SM\",4"))]),
        Transcript("+CMT and +CDS while idle", [],
                   "\r\n+CMT: \"\",35\r\n\(cmtPDU)\r\n\r\n+CDS: 25\r\n\(cmglPDU2)\r\n",
                   [.urc(URC(name: "+CMT", value: "\"\",35", trailing: [cmtPDU])),
                    .urc(URC(name: "+CDS", value: "25", trailing: [cmglPDU2]))]),
        Transcript("+CME ERROR numeric", [ATCommand("AT+CPIN?")], "\r\n+CME ERROR: 10\r\n",
                   [.done(1, failed("AT+CPIN?", .cmeError(10, "10")))]),
        Transcript("+CME ERROR verbose", [ATCommand("AT+CPIN?")], "\r\n+CME ERROR: SIM not inserted\r\n",
                   [.done(1, failed("AT+CPIN?", .cmeError(10, "SIM not inserted")))]),
        Transcript("+CMS ERROR numeric then verbose", [ATCommand("AT+CMGL=4"), ATCommand("AT+CMGR=1")],
                   "\r\n+CMS ERROR: 314\r\n\r\n+CMS ERROR: SIM busy\r\n",
                   [.done(1, failed("AT+CMGL=4", .cmsError(314, "314"))), .done(2, failed("AT+CMGR=1", .cmsError(314, "SIM busy")))]),
        Transcript("plain ERROR", [ATCommand("AT+FOO")], "AT+FOO\r\r\nERROR\r\n", [.done(1, failed("AT+FOO", .error))]),
        Transcript("send SMS, echo off", [ATCommand("AT+CMGS=19", payload: Array(submitPDU.utf8))],
                   "\r\n> \r\n+CMGS: 12\r\n\r\nOK\r\n", [.done(1, ok("AT+CMGS=19", ["+CMGS: 12"]))]),
        Transcript("send SMS, echo on: command and PDU echoes dropped", [ATCommand("AT+CMGS=19", payload: Array(submitPDU.utf8))],
                   "AT+CMGS=19\r\r\n> \(submitPDU)\u{1A}\r\n+CMGS: 13\r\n\r\nOK\r\n", [.done(1, ok("AT+CMGS=19", ["+CMGS: 13"]))]),
        Transcript("send SMS refused before the prompt", [ATCommand("AT+CMGS=19", payload: Array(submitPDU.utf8)), ATCommand("AT")],
                   "\r\n+CMS ERROR: 304\r\n\r\nOK\r\n",
                   [.done(1, failed("AT+CMGS=19", .cmsError(304, "304"))), .done(2, ok("AT"))]),
        Transcript("URC while waiting for the prompt", [ATCommand("AT+CMGW=19", payload: Array(submitPDU.utf8))],
                   "\r\n+CMTI: \"SM\",5\r\n\r\n> \r\n+CMGW: 7\r\n\r\nOK\r\n",
                   [.urc(URC(name: "+CMTI", value: "\"SM\",5")), .done(1, ok("AT+CMGW=19", ["+CMGW: 7"]))]),
        Transcript("line-end variants", [ATCommand("AT"), ATCommand("AT"), ATCommand("AT"), ATCommand("AT")],
                   "\rOK\r\nOK\n\n\rOK\n\r\r\r\nOK\r\r\n",
                   [.done(1, ok("AT")), .done(2, ok("AT")), .done(3, ok("AT")), .done(4, ok("AT"))]),
        Transcript("boot URCs around the first command", [ATCommand("AT")],
                   "\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n\r\n+QIND: SMS DONE\r\n\r\nOK\r\n\r\n^RSSI:17\r\n",
                   [.urc(URC(name: "RDY", value: "")), .urc(URC(name: "+CPIN", value: "READY")),
                    .urc(URC(name: "Call Ready", value: "")), .urc(URC(name: "SMS Ready", value: "")),
                    .urc(URC(name: "+QIND", value: "SMS DONE")), .done(1, ok("AT")), .urc(URC(name: "^RSSI", value: "17"))]),
        Transcript("NO CARRIER ends a dial, and is a URC when idle", [ATCommand("ATD+15551234567;")],
                   "\r\nRING\r\n\r\nNO CARRIER\r\n\r\nNO CARRIER\r\n",
                   [.urc(URC(name: "RING", value: "")), .done(1, failed("ATD+15551234567;", .noCarrier)),
                    .urc(URC(name: "NO CARRIER", value: ""))]),
        Transcript("CONNECT with a rate", [ATCommand("ATD*99#")], "\r\nCONNECT 115200\r\n",
                   [.done(1, .success(ATResponse(command: "ATD*99#", lines: [], result: .connect("115200"))))]),
        Transcript("unsolicited registration during AT+CREG=2 stays a URC", [ATCommand("AT+CREG=2")],
                   "\r\n+CREG: 1,\"1A2B\",\"01C3\"\r\n\r\nOK\r\n",
                   [.urc(URC(name: "+CREG", value: "1,\"1A2B\",\"01C3\"")), .done(1, ok("AT+CREG=2"))]),
        Transcript("stray lines and results while idle are garbage", [],
                   "\r\nOK\r\n\r\nhello\r\n", [.garbage(.unsolicitedResult), .garbage(.unsolicitedLine)]),
        Transcript("noise bytes before a response", [ATCommand("AT+CGSN")],
                   "\u{0}\u{7F}\r\n\r\n861234567890123\r\n\r\nOK\r\n", [.done(1, ok("AT+CGSN", ["861234567890123"]))]),
        Transcript("blank lines inside a +CMGL listing with empty alpha", [ATCommand("AT+CMGL=4")],
                   "\r\n+CMGL: 0,1,\"\",38\r\n\r\n\(cmglPDU1)\r\n\r\n\r\nOK\r\n",
                   [.done(1, ok("AT+CMGL=4", ["+CMGL: 0,1,\"\",38", cmglPDU1]))]),
    ]

    @Test("transcripts give the same result in every chunking", arguments: transcripts)
    func transcriptInEveryChunking(transcript: Transcript) {
        for chunking in Chunking.all {
            let (outcomes, idle) = transcript.run(chunking)
            #expect(outcomes == transcript.expected, "\(chunking)")
            #expect(idle, "engine not idle after transcript, \(chunking)")
        }
    }
}
