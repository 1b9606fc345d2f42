import ATModem
import Foundation
import Logging
import TestSupport
import Testing
@testable import Simulator

/// The virtual modem over a real pseudo-terminal, as an AT client meets it.
@Suite struct VirtualModemTests {
    /// gammu's and python-gsmmodem's start-up commands with the final result each must get.
    @Test func answersTheStartUpSequencesOfGammuAndPythonGsmmodem() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client(echoOff: false)
        let script: [(String, String)] = [
            ("ATE1", "OK"), ("AT+CMEE=1", "OK"), ("AT+CGMI", "OK"), ("AT+CGMM", "OK"), ("AT+CGMR", "OK"),
            ("AT+CGSN", "OK"), ("AT+CPIN?", "OK"), ("AT+CSCA?", "OK"), ("AT+CPMS=?", "OK"),
            ("AT+CPMS=\"SM\"", "OK"), ("AT+CMGF=0", "OK"), ("AT+CSCS=?", "OK"), ("AT+CNMI=?", "OK"),
            ("AT^CURC=0", "+CME ERROR: 4"), ("AT+CLIP", "OK"), ("AT+CMGL=4", "OK"),
            ("ATZ", "OK"), ("ATE0", "OK"), ("AT+CFUN?", "OK"), ("AT+CMEE=1", "OK"), ("AT+CPIN?", "OK"),
            ("AT+CGMI", "OK"), ("AT+CLAC", "+CME ERROR: 4"), ("AT+WIND?", "+CME ERROR: 4"), ("AT+ZPAS?", "+CME ERROR: 4"),
            ("AT+CVHU=0", "OK"), ("AT+COPS=3,0", "OK"), ("AT+CMGF=0", "OK"), ("AT+CSCA?", "OK"),
            ("AT+CSMP?", "OK"), ("AT+CSCS=?", "OK"), ("AT+CSCS=\"GSM\"", "OK"), ("AT+CNMI=2,1,0,2", "OK"),
            ("AT+CLIP=1", "OK"), ("AT+CRC=1", "OK"), ("AT+CVHU=0", "OK"), ("AT+CPMS=?", "OK"),
        ]
        for (command, final) in script {
            let response = try client.command(command)
            #expect(response.hasSuffix("\r\n\(final)\r\n"), "\(command) → \(response.debugDescription)")
        }
    }

    @Test func echoesUntilATE0AndRunsChainedCommands() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client(echoOff: false)
        #expect(try client.command("AT") == "AT\r\r\nOK\r\n")
        #expect(try client.command("ATE0") == "ATE0\r\r\nOK\r\n")
        #expect(try client.command("AT+CGMI;+CSQ") == "\r\ntrackerd\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
        #expect(try client.command("at+cmgf=0;+cnmi=2,1") == "\r\nOK\r\n")
    }

    @Test func sendsAnSMSThroughTheNetwork() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        let submit = Samples.submit("LOCATE car")
        let (hex, length) = Samples.submitHex(submit)
        try client.send("AT+CMGS=\(length)")
        #expect(try client.read(until: "> ") == "\r\n> ")
        try client.write(hex + "\u{1A}")
        #expect(try client.readResponse() == "\r\n+CMGS: 1\r\n\r\nOK\r\n")
        let submitted = fixture.network.submitted
        try #require(submitted.count == 1)
        #expect(submitted[0].submit.destination == submit.destination)
        #expect(submitted[0].submit.body == submit.body)
        #expect(submitted[0].messageReference == 1)
        #expect(submitted[0].from == "+15550001111")
    }

    @Test func answersOnlyAfterTheNetworkCompletes() throws {
        let fixture = try ModemFixture(network: RecordingNetwork(immediateOutcome: nil))
        let client = try fixture.client()
        let (hex, length) = Samples.submitHex(Samples.submit())
        try client.send("AT+CMGS=\(length)")
        _ = try client.read(until: "> ")
        try client.write(hex + "\u{1A}")
        try client.send("AT")
        // The network has the SUBMIT once the modem reads the Ctrl-Z; wait for that event.
        try waitFor { fixture.network.submitted.count == 1 }
        fixture.network.complete(.failed(cmsCode: 38))
        #expect(try client.readResponse() == "\r\n+CMS ERROR: 38\r\n")
        #expect(try client.readResponse() == "\r\nOK\r\n")
    }

    @Test func deliversStoresReadsAndDeletes() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        _ = try client.command("AT+CNMI=2,1,0,0,0")
        let message = Samples.deliver()
        #expect(fixture.modem.deliver(message) == .stored(storage: "SM", index: 1))
        #expect(try client.read(until: "+CMTI: \"SM\",1\r\n") == "\r\n+CMTI: \"SM\",1\r\n")
        let read = try client.command("AT+CMGR=1")
        let pdu = try ModemPDU.decode(hex: try #require(Samples.pduLine(after: "+CMGR: 0,,", in: read)))
        #expect(pdu.tpdu == .deliver(message))
        #expect(fixture.modem.storedMessages().first?.status == "REC READ")
        #expect(try client.command("AT+CMGD=1") == "\r\nOK\r\n")
        #expect(fixture.modem.storedMessages().isEmpty)
    }

    @Test func redeliversAnUnacknowledgedCMT() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        _ = try client.command("AT+CSMS=1")
        _ = try client.command("AT+CNMI=2,2,0,0,0")
        let message = Samples.deliver()
        #expect(fixture.modem.deliver(message) == .forwarded)
        let first = try client.read(until: "\r\n", within: .seconds(10)) + client.read(until: "\r\n") + client.read(until: "\r\n")
        #expect(first.hasPrefix("\r\n+CMT: ,"))
        #expect(fixture.scheduler.fire(delay: .seconds(5)))  // no +CNMA in time
        #expect(fixture.scheduler.fire(delay: .seconds(5)))  // the network tries again
        let again = try client.read(until: "\r\n") + client.read(until: "\r\n") + client.read(until: "\r\n")
        #expect(again == first)
        #expect(try client.command("AT+CNMA") == "\r\nOK\r\n")
        #expect(fixture.scheduler.fire(delay: .seconds(5)))  // the acknowledged one's timer: harmless
        #expect(try client.command("AT") == "\r\nOK\r\n")
    }

    @Test func showsAStatusReport() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        _ = try client.command("AT+CNMI=2,1,0,1,0")
        let report = Samples.statusReport(reference: 7)
        #expect(fixture.modem.deliverStatusReport(report) == .forwarded)
        _ = try client.read(until: "+CDS: ")
        _ = try client.read(until: "\r\n")
        let pdu = try ModemPDU.decode(hex: try client.read(until: "\r\n").trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(pdu.tpdu == .statusReport(report))
    }

    @Test func unlocksWithThePin() throws {
        let fixture = try ModemFixture(VirtualModemConfiguration(number: "+15550001111", pin: "2468"))
        let client = try fixture.client()
        _ = try client.command("AT+CMEE=1")
        #expect(try client.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        #expect(try client.command("AT+CMGL=4") == "\r\n+CMS ERROR: 311\r\n")
        #expect(fixture.modem.deliver(Samples.deliver()) == .refused(.simLocked))
        #expect(try client.command("AT+CPIN=\"1111\"") == "\r\n+CME ERROR: 16\r\n")
        #expect(try client.command("AT+CPIN=\"2468\"") == "\r\nOK\r\n")
        #expect(try client.command("AT+CMGL=4") == "\r\nOK\r\n")
    }

    @Test func dropHangsUpAndReopensAtTheSameLinkWithStorageKept() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        _ = try client.command("AT+CNMI=2,1")
        fixture.modem.deliver(Samples.deliver())
        _ = try client.read(until: "+CMTI")
        let before = fixture.modem.devicePath
        fixture.modem.inject(.drop(reopenAfter: .milliseconds(250)))
        #expect(throws: TransportError.self) { _ = try client.command("AT") }
        #expect(fixture.modem.deliver(Samples.deliver()) == .refused(.unreachable))
        #expect(fixture.scheduler.fire(delay: .milliseconds(250)))
        #expect(fixture.modem.devicePath != nil)
        #expect(fixture.modem.devicePath != before)
        let again = try PtyClient(path: fixture.link)
        #expect(try again.read(until: "SMS Ready\r\n").contains("RDY"))
        #expect(try again.command("AT") == "AT\r\r\nOK\r\n")
        #expect(fixture.modem.storedMessages().count == 1)
    }

    @Test(arguments: [
        ModemFault.cmsError(count: 1, code: 500), .garble(count: 2), .urcNoise(count: 1), .pinLocked, .storageFull,
    ])
    func showsFaultsOnTheLine(fault: ModemFault) throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        _ = try client.command("AT+CMEE=1")
        fixture.modem.inject(fault)
        switch fault {
        case .cmsError:
            #expect(try client.command("AT+CMGL=4") == "\r\n+CMS ERROR: 500\r\n")
        case .garble:
            try client.send("AT+CGMI")
            let garbled = try client.read(until: "\r\n\r\n") + client.read(until: "\r\n")
            #expect(!garbled.contains("trackerd") && !garbled.contains("OK"))
        case .urcNoise:
            #expect(try client.command("AT+CSQ") == "\r\n+CSQ: 20,99\r\n\r\n+CREG: 1\r\n\r\nOK\r\n")
        case .pinLocked:
            #expect(try client.command("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        case .storageFull:
            #expect(fixture.modem.deliver(Samples.deliver()) == .refused(.storageFull))
            #expect(try client.command("AT+CPMS?").contains("\"SM\",30,30"))
            let (hex, length) = Samples.submitHex(Samples.submit())
            try client.send("AT+CMGW=\(length)")
            _ = try client.read(until: "> ")
            try client.write(hex + "\u{1A}")
            #expect(try client.readResponse() == "\r\n+CMS ERROR: 322\r\n")
        default:
            Issue.record("fault not covered")
        }
        fixture.modem.reset()
        _ = try client.command("ATE0")
        #expect(try client.command("AT+CMGL=4") == "\r\nOK\r\n")
    }

    @Test func hangsUntilTheFaultEnds() throws {
        let fixture = try ModemFixture()
        let client = try fixture.client()
        fixture.modem.inject(.hang(.seconds(30)))
        let seen = fixture.modem.bytesReceived
        try client.send("AT")
        try waitFor { fixture.modem.bytesReceived == seen + 3 }
        #expect(fixture.scheduler.fire(delay: .seconds(30)))
        // The swallowed "AT" got no answer; the next one does, and is the first thing on the line.
        #expect(try client.command("AT+CGMI") == "\r\ntrackerd\r\n\r\nOK\r\n")
    }

    @Test func stopRemovesTheLinkAndRefusesDeliveries() throws {
        let fixture = try ModemFixture()
        #expect(FileManager.default.fileExists(atPath: fixture.link))
        fixture.modem.stop()
        #expect(!FileManager.default.fileExists(atPath: fixture.link))
        #expect(fixture.modem.deliver(Samples.deliver()) == .refused(.unreachable))
    }

    /// Waits for something the modem's threads do; fails rather than hanging forever.
    private func waitFor(_ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ClientTimeout(waitingFor: "condition", received: "") }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }
}

@Suite struct VirtualModemResetTests {
    @Test func resetReopensADroppedLinkAtOnceWithEmptyStorage() throws {
        let fixture = try ModemFixture()
        fixture.modem.deliver(Samples.deliver())
        fixture.modem.inject(.drop(reopenAfter: .seconds(60)))
        #expect(fixture.modem.devicePath == nil)
        fixture.modem.reset()
        #expect(fixture.modem.devicePath != nil)
        #expect(fixture.modem.storedMessages().isEmpty)
        #expect(fixture.scheduler.fire(delay: .seconds(60)))  // the stale reopen does nothing
        let client = try PtyClient(path: fixture.link)
        _ = try client.read(until: "SMS Ready\r\n")
        #expect(try client.command("AT") == "AT\r\r\nOK\r\n")
    }
}

@Suite struct VirtualModemReconnectTests {
    @Test func aClientLeavingChangesNothingForTheNext() throws {
        let fixture = try ModemFixture()
        do {
            let first = try fixture.client()  // ATE0
            _ = try first.command("AT+CNMI=2,1")
        }
        fixture.modem.deliver(Samples.deliver())
        let second = try PtyClient(path: fixture.link)
        // The +CMTI shown while nobody listened is still in the line, like in a real UART buffer.
        #expect(try second.read(until: "\r\n+CMTI: \"SM\",1\r\n").hasSuffix("+CMTI: \"SM\",1\r\n"))
        #expect(try second.command("AT") == "\r\nOK\r\n")  // echo is still off: the modem was not reset
        #expect(fixture.modem.storedMessages().count == 1)
    }

    @Test func releasingTheModemClosesItsLink() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vmodem-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("modem").path
        do {
            let modem = VirtualModem(number: "+15550001111", pin: nil, logger: Logger(label: "test"))
            try modem.start(link: link)
            #expect(FileManager.default.fileExists(atPath: link))
        }
        #expect(!FileManager.default.fileExists(atPath: link))
    }
}
