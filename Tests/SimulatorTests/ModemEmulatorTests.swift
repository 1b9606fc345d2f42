import ATModem
import TestSupport
import Testing
@testable import Simulator

/// The AT interpreter, bytes in and bytes out, with echo off unless a test turns it on.
@Suite struct ModemEmulatorTests {
    static func ok(_ lines: String...) -> String {
        lines.map { "\r\n\($0)\r\n" }.joined() + "\r\nOK\r\n"
    }

    @Test(arguments: [
        ("AT", ok()),
        ("at", ok()),
        ("aT", ok()),
        ("ATZ", ok()),
        ("AT&F", ok()),
        ("ATI", ok("trackerd", "trackersim virtual GSM modem", "Revision: 1.0")),
        ("AT+CGMI", ok("trackerd")),
        ("AT+GMI", ok("trackerd")),
        ("AT+CGMM", ok("trackersim virtual GSM modem")),
        ("AT+CGMR", ok("1.0")),
        ("AT+CGSN", ok("356938035643809")),
        ("AT+CIMI", ok("001010123456789")),
        ("AT+CNUM", ok("+CNUM: \"\",\"+15550001111\",145")),
        ("AT+CPIN?", ok("+CPIN: READY")),
        ("AT+CSQ", ok("+CSQ: 20,99")),
        ("AT+CSQ=?", ok("+CSQ: (0-31,99),(0-7,99)")),
        ("AT+CREG?", ok("+CREG: 0,1")),
        ("AT+CREG=?", ok("+CREG: (0-2)")),
        ("AT+COPS=3,0", ok()),
        ("AT+COPS?", ok("+COPS: 0,0,\"trackersim\",0")),
        ("AT+CFUN?", ok("+CFUN: 1")),
        ("AT+CFUN=1", ok()),
        ("AT+CMEE?", ok("+CMEE: 0")),
        ("AT+CMEE=1", ok()),
        ("AT+CMEE=?", ok("+CMEE: (0-2)")),
        ("AT+CSCA?", ok("+CSCA: \"+491710760000\",145")),
        ("AT+CSCS=?", ok("+CSCS: (\"GSM\",\"IRA\",\"UCS2\",\"HEX\",\"8859-1\",\"PCCP437\")")),
        ("AT+CSCS=\"GSM\"", ok()),
        ("AT+CSCS?", ok("+CSCS: \"IRA\"")),
        ("AT+CMGF=0", ok()),
        ("AT+CMGF?", ok("+CMGF: 0")),
        ("AT+CMGF=?", ok("+CMGF: (0)")),
        ("AT+CMGF=1", "\r\n+CMS ERROR: 303\r\n"),
        ("AT+CSMS=?", ok("+CSMS: (0,1)")),
        ("AT+CSMS?", ok("+CSMS: 0,1,1,1")),
        ("AT+CSMS=1", ok("+CSMS: 1,1,1")),
        ("AT+CNMI=?", ok("+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)")),
        ("AT+CNMI=2,1,0,2", ok()),
        ("AT+CNMI=2,1,0,2,0", ok()),
        ("AT+CNMI=9", "\r\n+CMS ERROR: 303\r\n"),
        ("AT+CNMI?", ok("+CNMI: 0,0,0,0,0")),
        ("AT+CPMS=?", ok("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")")),
        ("AT+CPMS=\"SM\"", ok("+CPMS: 0,30,0,30,0,30")),
        ("AT+CPMS=\"ME\",\"ME\",\"ME\"", ok("+CPMS: 0,100,0,100,0,100")),
        ("AT+CPMS?", ok("+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30")),
        ("AT+CPMS=\"XX\"", "\r\n+CMS ERROR: 302\r\n"),
        ("AT+CMGL=4", ok()),
        ("AT+CMGL=?", ok("+CMGL: (0-4)")),
        ("AT+CMGL=9", "\r\n+CMS ERROR: 304\r\n"),
        ("AT+CMGR=1", "\r\n+CMS ERROR: 321\r\n"),
        ("AT+CMGR=31", "\r\n+CMS ERROR: 321\r\n"),
        ("AT+CMGD=1", ok()),
        ("AT+CMGD=0", "\r\n+CMS ERROR: 321\r\n"),
        ("AT+CMGD=1,4", ok()),
        ("AT+CMGD=?", ok("+CMGD: (),(0-4)")),
        ("AT+CMGS=?", ok()),
        ("AT+CMGS=0", "\r\n+CMS ERROR: 304\r\n"),
        ("AT+CNMA", "\r\n+CMS ERROR: 302\r\n"),
        ("AT+CMMS=2", ok()),
        ("AT+CMMS?", ok("+CMMS: 0")),
        ("AT+CMMS=?", ok("+CMMS: (0-2)")),
        ("AT+CLIP=1", ok()),
        ("AT+CLIP?", ok("+CLIP: 0,1")),
        ("AT+CRC=1", ok()),
        ("AT+CVHU=0", ok()),
        ("AT+CVHU?", ok("+CVHU: 1")),
        ("AT+CSMP?", ok("+CSMP: 17,167,0,0")),
        ("AT+GCAP", ok("+GCAP: +CGSM")),
        ("AT^CURC=0", "\r\nERROR\r\n"),
        ("AT+CLAC", "\r\nERROR\r\n"),
        ("AT+WIND?", "\r\nERROR\r\n"),
        ("AT+ZPAS?", "\r\nERROR\r\n"),
        ("ATD+15550001111;", "\r\nERROR\r\n"),
        ("AT+CGMI;+CGMM", ok("trackerd", "trackersim virtual GSM modem")),
        ("AT+CMGF=0;+CNMI=2,1", ok()),
        ("AT+CGMI;+NOPE;+CGMM", "\r\ntrackerd\r\n\r\nERROR\r\n"),
        ("ATE0V1Q0", ok()),
        ("AT+CPIN=\"12", "\r\nERROR\r\n"),
        ("hello", ""),
        ("", ""),
    ])
    func answersCommands(line: String, expected: String) {
        var harness = EmulatorHarness()
        #expect(harness.send(line) == expected)
    }

    @Test func echoesByDefaultAndStopsAfterATE0() {
        var harness = EmulatorHarness(echo: true)
        #expect(harness.send("AT") == "AT\r\r\nOK\r\n")
        #expect(harness.send("ATE0") == "ATE0\r\r\nOK\r\n")
        #expect(harness.send("AT") == "\r\nOK\r\n")
        #expect(harness.send("ATE1") == "\r\nOK\r\n")
        #expect(harness.send("AT+CSQ") == "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    }

    @Test func acceptsCommandsSplitIntoSingleBytesWithCRLFLineEnds() {
        var harness = EmulatorHarness()
        var reply = ""
        for byte in Array("AT+CGMI\r\nAT\r\n".utf8) { reply += harness.write([byte]) }
        #expect(reply == "\r\ntrackerd\r\n\r\nOK\r\n\r\nOK\r\n")
    }

    @Test func repeatsTheLastLineOnASlash() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSQ")
        #expect(harness.write(Array("A/".utf8)) == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    }

    @Test func answersWithNumericCodesAfterATV0() {
        var harness = EmulatorHarness()
        #expect(harness.send("ATV0") == "0\r")
        #expect(harness.send("AT+CSQ") == "+CSQ: 20,99\r\n0\r")
        #expect(harness.send("AT+NOPE") == "4\r")
    }

    @Test(arguments: [
        (0, "\r\nERROR\r\n", "\r\n+CMS ERROR: 321\r\n"),
        (1, "\r\n+CME ERROR: 3\r\n", "\r\n+CMS ERROR: 321\r\n"),
        (2, "\r\n+CME ERROR: operation not allowed\r\n", "\r\n+CMS ERROR: invalid memory index\r\n"),
    ])
    func reportsErrorsPerCMEE(mode: Int, cmeReply: String, cmsReply: String) {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CMEE=\(mode)")
        #expect(harness.send("AT+CPIN=\"0000\"") == cmeReply)  // SIM already unlocked
        #expect(harness.send("AT+CMGR=5") == cmsReply)
    }

    @Test func resetRestoresSettingsButKeepsStorage() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1;+CMEE=2")
        _ = harness.deliver(Samples.deliver())
        _ = harness.send("ATZ")
        _ = harness.send("ATE0")
        #expect(harness.send("AT+CNMI?") == Self.ok("+CNMI: 0,0,0,0,0"))
        #expect(harness.send("AT+CMEE?") == Self.ok("+CMEE: 0"))
        #expect(harness.modem.storedMessages().count == 1)
    }

    @Test func reportsRegistrationChangesWhenCREGIsOn() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CREG=1")
        #expect(harness.send("AT+CFUN=0") == "\r\nOK\r\n\r\n+CREG: 0\r\n")
        #expect(harness.send("AT+CREG?") == Self.ok("+CREG: 1,0"))
        #expect(harness.send("AT+CFUN=1") == "\r\nOK\r\n\r\n+CREG: 1\r\n")
    }
}

@Suite struct ModemEmulatorChunkingTests {
    static let session: [UInt8] = {
        let (hex, length) = Samples.submitHex(Samples.submit())
        return Array("ATE1\r\nAT+CGMI;+CSQ\rat+cmgw=\(length)\r".utf8) + Array(hex.utf8) + [0x1A]
            + Array("AT+CMGL=4\rAT+CMGS=\(length)\r".utf8) + Array(hex.prefix(8).utf8) + [0x1B] + Array("A/".utf8)
    }()

    static func output(chunkSize: Int) -> String {
        var harness = EmulatorHarness()
        var text = ""
        var offset = 0
        while offset < session.count {
            let end = min(offset + chunkSize, session.count)
            text += harness.write(Array(session[offset..<end]))
            offset = end
        }
        return text
    }

    @Test(arguments: [1, 2, 3, 5, 7, 13, 64])
    func answersTheSameWhateverTheChunking(chunkSize: Int) {
        let whole = Self.output(chunkSize: Self.session.count)
        #expect(whole.contains("+CMGW: 1"))
        #expect(whole.contains("+CMGL: 1,2,,"))
        #expect(whole.hasSuffix("> 0001000B\r\nOK\r\nA/\r\n> "))  // ESC cancels; A/ repeats +CMGS
        #expect(Self.output(chunkSize: chunkSize) == whole)
    }
}

@Suite struct ModemEmulatorUnknownCommandTests {
    @Test(arguments: [
        (0, false, "\r\nERROR\r\n"),
        (1, false, "\r\n+CME ERROR: 4\r\n"),
        (2, false, "\r\n+CME ERROR: operation not supported\r\n"),
        (1, true, "\r\nERROR\r\n"),
    ])
    func answersUnknownCommandsPerCMEE(mode: Int, plain: Bool, expected: String) {
        var harness = EmulatorHarness(VirtualModemConfiguration(number: "+15550001111", plainErrorForUnknownCommands: plain))
        _ = harness.send("AT+CMEE=\(mode)")
        #expect(harness.send("AT^CURC=0") == expected)
        #expect(harness.send("ATY") == expected)
        #expect(harness.send("AT+CPIN=\"12") == "\r\nERROR\r\n")  // bad syntax is always plain ERROR
    }
}
