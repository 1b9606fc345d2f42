import ATModem
import TestSupport
import Testing
@testable import Simulator

/// The SIM PIN and every injected fault, as a client sees them.
@Suite struct ModemEmulatorFaultTests {
    static let locked = VirtualModemConfiguration(number: "+15550001111", pin: "1234")

    @Test func asksForThePinBeforeSMSCommands() {
        var harness = EmulatorHarness(Self.locked)
        _ = harness.send("AT+CMEE=1")
        #expect(harness.send("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\n+CMS ERROR: 311\r\n")
        #expect(harness.send("AT+CPMS?") == "\r\n+CMS ERROR: 311\r\n")
        #expect(harness.send("AT+CIMI") == "\r\n+CME ERROR: 11\r\n")
        #expect(harness.send("AT+CREG?") == "\r\n+CREG: 0,0\r\n\r\nOK\r\n")
        #expect(harness.deliver(Samples.deliver()).0 == .refused(.simLocked))
        #expect(harness.send("AT+CPIN=\"0000\"") == "\r\n+CME ERROR: 16\r\n")
        #expect(harness.send("AT+CPIN=\"1234\"") == "\r\nOK\r\n")
        #expect(harness.send("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\nOK\r\n")
    }

    @Test func blocksAfterThreeWrongPinsUntilThePUK() {
        var harness = EmulatorHarness(Self.locked)
        _ = harness.send("AT+CMEE=1")
        for _ in 0..<3 { #expect(harness.send("AT+CPIN=\"9999\"") == "\r\n+CME ERROR: 16\r\n") }
        #expect(harness.send("AT+CPIN?") == "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\n+CMS ERROR: 316\r\n")
        #expect(harness.send("AT+CPIN=\"1234\"") == "\r\n+CME ERROR: 16\r\n")
        #expect(harness.send("AT+CPIN=\"12345678\",\"4321\"") == "\r\nOK\r\n")
        #expect(harness.send("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n")
    }

    @Test func pinLockedFaultAsksAgain() {
        var harness = EmulatorHarness()
        _ = harness.inject(.pinLocked)
        #expect(harness.send("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n")
        #expect(harness.send("AT+CMGR=1") == "\r\n+CMS ERROR: 311\r\n")
        #expect(harness.send("AT+CPIN=\"1234\"") == "\r\nOK\r\n")
        #expect(harness.send("AT+CMGR=1") == "\r\n+CMS ERROR: 321\r\n")
    }

    @Test func cmsErrorFaultFailsTheNextSMSCommandsOnly() {
        var harness = EmulatorHarness()
        _ = harness.inject(.cmsError(count: 2, code: 500))
        #expect(harness.send("AT") == "\r\nOK\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\n+CMS ERROR: 500\r\n")
        #expect(harness.send("AT+CMGD=1") == "\r\n+CMS ERROR: 500\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\nOK\r\n")
    }

    @Test func hangSwallowsEverythingUntilItEnds() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1")
        _ = harness.inject(.hang(.seconds(3)))
        #expect(harness.timers.map(\.timer.kind) == [.hangEnd])
        #expect(harness.timers.first?.after == .seconds(3))
        #expect(harness.send("AT") == "")
        #expect(harness.deliver(Samples.deliver()).0 == .refused(.unreachable))
        #expect(harness.fire(.hangEnd) == "")
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }

    @Test func hangDuringASendLosesTheAnswer() {
        var harness = EmulatorHarness()
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGS=\(length)")
        _ = harness.write(Array(hex.utf8) + [0x1A])
        _ = harness.inject(.hang(.seconds(1)))
        #expect(harness.complete(.accepted) == "")
        _ = harness.fire(.hangEnd)
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }

    @Test func garbleCorruptsTheNextLinesOnly() {
        var harness = EmulatorHarness()
        _ = harness.inject(.garble(count: 2))
        let garbled = harness.send("AT+CGMI")
        #expect(!garbled.contains("trackerd"))
        #expect(!garbled.contains("OK"))
        #expect(garbled.hasPrefix("\r\n"))
        #expect(harness.send("AT+CGMI") == "\r\ntrackerd\r\n\r\nOK\r\n")
    }

    @Test func urcNoiseLandsInsideTheNextResponses() {
        var harness = EmulatorHarness()
        _ = harness.inject(.urcNoise(count: 2))
        #expect(harness.send("AT+CSQ") == "\r\n+CSQ: 20,99\r\n\r\n+CREG: 1\r\n\r\nOK\r\n")
        #expect(harness.send("AT") == "\r\n^RSSI: 18\r\n\r\nOK\r\n")
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }

    @Test func storageFullFaultRefusesIncomingAndWrites() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1")
        _ = harness.inject(.storageFull)
        #expect(harness.deliver(Samples.deliver()) == (.refused(.storageFull), ""))
        #expect(harness.send("AT+CPMS?") == "\r\n+CPMS: \"SM\",30,30,\"SM\",30,30,\"SM\",30,30\r\n\r\nOK\r\n")
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGW=\(length)")
        #expect(harness.write(Array(hex.utf8) + [0x1A]) == "\r\n+CMS ERROR: 322\r\n")
        _ = harness.collect(harness.modem.reset())
        #expect(harness.deliver(Samples.deliver()).0 == .stored(storage: "SM", index: 1))
    }

    @Test func dropGoesSilentKeepsStorageAndPowersUpWithBootURCs() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1")
        _ = harness.deliver(Samples.deliver())
        _ = harness.inject(.drop(reopenAfter: .milliseconds(200)))
        #expect(harness.drops == [.milliseconds(200)])
        #expect(harness.send("AT") == "")
        #expect(harness.deliver(Samples.deliver()).0 == .refused(.unreachable))
        #expect(harness.collect(harness.modem.linkReopened()) == "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\nSMS Ready\r\n")
        #expect(harness.send("AT") == "AT\r\r\nOK\r\n")  // echo is on again after power-up
        #expect(harness.modem.storedMessages().count == 1)
    }

    @Test func dropHandsUnacknowledgedMessagesBackToTheNetwork() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSMS=1;+CNMI=2,2")
        _ = harness.deliver(Samples.deliver())
        _ = harness.inject(.drop(reopenAfter: .zero))
        #expect(harness.timers.map(\.timer.kind).contains(.redelivery))
        _ = harness.collect(harness.modem.linkReopened())
        _ = harness.send("ATE0;+CNMI=2,1")
        #expect(harness.fire(.redelivery) == "\r\n+CMTI: \"SM\",1\r\n")
    }

    @Test func resetEmptiesStorageAndClearsFaults() {
        var harness = EmulatorHarness()
        _ = harness.deliver(Samples.deliver())
        _ = harness.inject(.cmsError(count: 5, code: 500))
        _ = harness.collect(harness.modem.reset())
        _ = harness.send("ATE0")
        #expect(harness.modem.storedMessages().isEmpty)
        #expect(harness.send("AT+CMGL=4") == "\r\nOK\r\n")
    }
}

@Suite struct ModemEmulatorPowerUpTests {
    @Test func lockedSIMSaysSoAtBootInsteadOfSMSReady() {
        var harness = EmulatorHarness(VirtualModemConfiguration(number: "+15550001111", pin: "1234"))
        _ = harness.inject(.drop(reopenAfter: .zero))
        #expect(harness.collect(harness.modem.linkReopened()) == "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: SIM PIN\r\n")
    }

    @Test func serviceCentreSetByTheClientPrefixesPDUsAndSurvivesAPowerCycle() throws {
        var harness = EmulatorHarness()
        #expect(harness.send("AT+CSCA=\"+15559990000\",145") == "\r\nOK\r\n")
        #expect(harness.send("AT+CSCA=\"12;x\"") == "\r\n+CMS ERROR: 304\r\n")
        _ = harness.inject(.drop(reopenAfter: .zero))
        _ = harness.collect(harness.modem.linkReopened())
        _ = harness.send("ATE0")
        #expect(harness.send("AT+CSCA?") == "\r\n+CSCA: \"+15559990000\",145\r\n\r\nOK\r\n")
        _ = harness.deliver(Samples.deliver())
        let read = harness.send("AT+CMGR=1")
        let pdu = try ModemPDU.decode(hex: try #require(Samples.pduLine(after: "+CMGR:", in: read)))
        #expect(pdu.smsc == PhoneAddress(parsing: "+15559990000"))
    }
}

@Suite struct ModemEmulatorSIMBusyTests {
    @Test func answersSIMBusyForTheFirstSMSCommandsAfterPowerUp() {
        var harness = EmulatorHarness(VirtualModemConfiguration(number: "+15550001111", simBusyCommandsAfterPowerUp: 2))
        #expect(harness.send("AT+CPMS?") == "\r\n+CMS ERROR: 314\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\n+CMS ERROR: 314\r\n")
        #expect(harness.send("AT+CMGL=4") == "\r\nOK\r\n")
        _ = harness.inject(.drop(reopenAfter: .zero))
        _ = harness.collect(harness.modem.linkReopened())
        _ = harness.send("ATE0")
        #expect(harness.send("AT+CMGL=4") == "\r\n+CMS ERROR: 314\r\n")
    }
}
