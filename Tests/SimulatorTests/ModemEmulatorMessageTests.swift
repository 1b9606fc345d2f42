import ATModem
import TestSupport
import Testing
@testable import Simulator

/// Sending, receiving, storage and acknowledgement in PDU mode.
@Suite struct ModemEmulatorMessageTests {
    @Test func sendsASubmitAfterThePromptAndAnswersWhenTheNetworkAccepts() throws {
        var harness = EmulatorHarness()
        let submit = Samples.submit()
        let (hex, length) = Samples.submitHex(submit)
        #expect(harness.send("AT+CMGS=\(length)") == "\r\n> ")
        #expect(harness.write(Array(hex.utf8) + [0x1A]) == "")
        try #require(harness.submits.count == 1)
        let sent = try SMSSubmit.decode(harness.submits[0].tpdu)
        #expect(sent.destination == submit.destination)
        #expect(sent.body == submit.body)
        #expect(sent.messageReference == harness.submits[0].messageReference)
        #expect(harness.complete(.accepted) == "\r\n+CMGS: \(harness.submits[0].messageReference)\r\n\r\nOK\r\n")
    }

    @Test func assignsIncreasingMessageReferencesAndSkipsTheSMSCPrefix() throws {
        var harness = EmulatorHarness()
        let tpdu = try Samples.submit().encode()
        let withCentre = ModemPDU.hex(smsc: PhoneAddress(parsing: "+491710760000"), tpdu: tpdu)
        for _ in 0..<2 {
            _ = harness.send("AT+CMGS=\(tpdu.count)")
            _ = harness.write(Array(withCentre.utf8) + [0x1A])
            _ = harness.complete(.accepted)
        }
        #expect(harness.submits.map(\.messageReference) == [1, 2])
        #expect(Array(harness.submits[1].tpdu.dropFirst(2)) == Array(tpdu.dropFirst(2)))
    }

    @Test func reportsTheNetworksRefusal() {
        var harness = EmulatorHarness()
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGS=\(length)")
        _ = harness.write(Array(hex.utf8) + [0x1A])
        #expect(harness.complete(.failed(cmsCode: 500)) == "\r\n+CMS ERROR: 500\r\n")
    }

    @Test(arguments: [
        ("length one too many", 1, "", false),
        ("odd hex", 0, "0", false),
        ("not hex", 0, "", true),
    ])
    func rejectsABadPDUWith304(name: String, extraLength: Int, extraHex: String, corrupt: Bool) {
        var harness = EmulatorHarness()
        var (hex, length) = Samples.submitHex(Samples.submit())
        hex += extraHex
        if corrupt { hex = "ZZ" + hex.dropFirst(2) }
        _ = harness.send("AT+CMGS=\(length + extraLength)")
        #expect(harness.write(Array(hex.utf8) + [0x1A]) == "\r\n+CMS ERROR: 304\r\n")
        #expect(harness.submits.isEmpty)
    }

    @Test func rejectsADeliverTypedAfterCMGS() throws {
        var harness = EmulatorHarness()
        let tpdu = try Samples.deliver().encode()
        _ = harness.send("AT+CMGS=\(tpdu.count)")
        #expect(harness.write(Array(ModemPDU.hex(smsc: nil, tpdu: tpdu).utf8) + [0x1A]) == "\r\n+CMS ERROR: 304\r\n")
    }

    @Test func escapeCancelsWithoutSending() {
        var harness = EmulatorHarness()
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGS=\(length)")
        #expect(harness.write(Array(hex.prefix(10).utf8) + [0x1B]) == "\r\nOK\r\n")
        #expect(harness.submits.isEmpty)
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }

    @Test func holdsCommandsTypedWhileTheRadioIsBusy() {
        var harness = EmulatorHarness()
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGS=\(length)")
        _ = harness.write(Array(hex.utf8) + [0x1A])
        #expect(harness.send("AT+CSQ") == "")
        #expect(harness.complete(.accepted) == "\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    }

    @Test func storesAnIncomingMessageAndIndicatesItThenReadsListsAndDeletes() throws {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1,0,0,0")
        let message = Samples.deliver()
        let (outcome, urc) = harness.deliver(message)
        #expect(outcome == .stored(storage: "SM", index: 1))
        #expect(urc == "\r\n+CMTI: \"SM\",1\r\n")
        #expect(harness.modem.storedMessages() == [
            StoredMessageInfo(storage: "SM", index: 1, status: "REC UNREAD", sender: "+15550002222")
        ])

        let read = harness.send("AT+CMGR=1")
        let tpduLength = try message.encode().count
        #expect(read.hasPrefix("\r\n+CMGR: 0,,\(tpduLength)\r\n"))
        #expect(read.hasSuffix("\r\n\r\nOK\r\n"))
        let pdu = try ModemPDU.decode(hex: try #require(Samples.pduLine(after: "+CMGR:", in: read)))
        #expect(pdu.tpdu == .deliver(message))
        #expect(pdu.smsc == PhoneAddress(parsing: "+491710760000"))
        #expect(harness.send("AT+CMGR=1").hasPrefix("\r\n+CMGR: 1,,"))

        let listed = harness.send("AT+CMGL=4")
        #expect(listed.hasPrefix("\r\n+CMGL: 1,1,,\(tpduLength)\r\n"))
        #expect(harness.send("AT+CMGL=0") == "\r\nOK\r\n")

        #expect(harness.send("AT+CMGD=1") == "\r\nOK\r\n")
        #expect(harness.modem.storedMessages().isEmpty)
        #expect(harness.send("AT+CMGR=1") == "\r\n+CMS ERROR: 321\r\n")
    }

    @Test func listingMarksUnreadMessagesRead() {
        var harness = EmulatorHarness()
        _ = harness.deliver(Samples.deliver(from: "+15550000001"))
        _ = harness.deliver(Samples.deliver(from: "+15550000002"))
        let unread = harness.send("AT+CMGL=0")
        #expect(unread.components(separatedBy: "+CMGL: ").count == 3)
        #expect(harness.send("AT+CMGL=0") == "\r\nOK\r\n")
        #expect(harness.modem.storedMessages().map(\.status) == ["REC READ", "REC READ"])
    }

    @Test func startsIndicesAtZeroWhenConfigured() {
        var harness = EmulatorHarness(VirtualModemConfiguration(number: "+15550001111", firstIndex: 0))
        _ = harness.send("AT+CNMI=2,1")
        #expect(harness.deliver(Samples.deliver()).1 == "\r\n+CMTI: \"SM\",0\r\n")
        #expect(harness.send("AT+CMGR=0").hasPrefix("\r\n+CMGR: 0,,"))
    }

    @Test(arguments: [
        (1, ["REC UNREAD", "STO UNSENT"]),
        (2, ["REC UNREAD", "STO UNSENT"]),
        (3, ["REC UNREAD"]),
        (4, [String]()),
    ])
    func deletesByFlag(flag: Int, remaining: [String]) throws {
        var harness = EmulatorHarness()
        _ = harness.deliver(Samples.deliver())
        _ = harness.deliver(Samples.deliver())
        _ = harness.send("AT+CMGR=2")  // now REC READ
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGW=\(length)")
        #expect(harness.write(Array(hex.utf8) + [0x1A]) == "\r\n+CMGW: 3\r\n\r\nOK\r\n")
        #expect(harness.send("AT+CMGD=1,\(flag)") == "\r\nOK\r\n")
        #expect(harness.modem.storedMessages().map(\.status) == remaining)
    }

    @Test func refusesIncomingMessagesAndWritesWhenStorageIsFull() {
        var harness = EmulatorHarness(VirtualModemConfiguration(number: "+15550001111", smCapacity: 2))
        _ = harness.send("AT+CNMI=2,1")
        #expect(harness.deliver(Samples.deliver()).0 == .stored(storage: "SM", index: 1))
        #expect(harness.deliver(Samples.deliver()).0 == .stored(storage: "SM", index: 2))
        let (outcome, output) = harness.deliver(Samples.deliver())
        #expect(outcome == .refused(.storageFull))
        #expect(output == "")
        #expect(harness.send("AT+CPMS?") == "\r\n+CPMS: \"SM\",2,2,\"SM\",2,2,\"SM\",2,2\r\n\r\nOK\r\n")
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGW=\(length)")
        #expect(harness.write(Array(hex.utf8) + [0x1A]) == "\r\n+CMS ERROR: 322\r\n")
        _ = harness.send("AT+CMGD=1")
        #expect(harness.deliver(Samples.deliver()).0 == .stored(storage: "SM", index: 1))
    }

    @Test func storesInMEWhenChosenAsReceiveStorage() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1")
        _ = harness.send("AT+CPMS=\"ME\",\"ME\",\"ME\"")
        #expect(harness.deliver(Samples.deliver()) == (.stored(storage: "ME", index: 1), "\r\n+CMTI: \"ME\",1\r\n"))
        #expect(harness.send("AT+CPMS?").contains("\"ME\",1,100"))
    }

    @Test func routesDirectlyWithCMTAndNeedsNoAcknowledgementInPhase2() throws {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,2,0,0,0")
        let message = Samples.deliver()
        let (outcome, output) = harness.deliver(message)
        #expect(outcome == .forwarded)
        let length = try message.encode().count
        #expect(output.hasPrefix("\r\n+CMT: ,\(length)\r\n"))
        let pdu = try ModemPDU.decode(hex: try #require(Samples.pduLine(after: "+CMT:", in: output)))
        #expect(pdu.tpdu == .deliver(message))
        #expect(harness.timers.isEmpty)
        #expect(harness.modem.storedMessages().isEmpty)
    }

    @Test func acknowledgedCMTIsNotRedelivered() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSMS=1;+CNMI=2,2,0,0,0")
        _ = harness.deliver(Samples.deliver())
        #expect(harness.timers.map(\.timer.kind) == [.acknowledgement])
        #expect(harness.timers[0].after == .seconds(5))
        #expect(harness.send("AT+CNMA") == "\r\nOK\r\n")
        #expect(harness.fire(.acknowledgement) == "")
        #expect(harness.timers.isEmpty)
        #expect(harness.send("AT+CNMA") == "\r\n+CMS ERROR: 340\r\n")
    }

    @Test func unacknowledgedCMTComesBackAfterTheNetworksDelay() throws {
        let configuration = VirtualModemConfiguration(number: "+15550001111", timeScale: 0.01)
        var harness = EmulatorHarness(configuration)
        _ = harness.send("AT+CSMS=1;+CNMI=2,2,0,0,0")
        let (_, first) = harness.deliver(Samples.deliver())
        #expect(harness.timers.first?.after == .milliseconds(50))
        #expect(harness.fire(.acknowledgement) == "")
        #expect(harness.timers.map(\.timer.kind) == [.redelivery])
        let again = harness.fire(.redelivery)
        #expect(again == first)
        #expect(harness.send("AT+CNMA=0") == "\r\nOK\r\n")
    }

    @Test func holdsTheNextCMTUntilThePreviousOneIsAcknowledged() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSMS=1;+CNMI=2,2,0,0,0")
        _ = harness.deliver(Samples.deliver("one"))
        let (outcome, held) = harness.deliver(Samples.deliver("two"))
        #expect(outcome == .forwarded)
        #expect(held == "")
        let reply = harness.send("AT+CNMA")
        #expect(reply.hasPrefix("\r\nOK\r\n\r\n+CMT: ,"))
    }

    @Test func negativeAcknowledgementHandsTheMessageBack() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSMS=1;+CNMI=2,2,0,0,0")
        _ = harness.deliver(Samples.deliver())
        #expect(harness.send("AT+CNMA=2") == "\r\nOK\r\n")
        #expect(harness.timers.map(\.timer.kind).contains(.redelivery))
    }

    @Test func redeliveryFollowsTheCurrentRouting() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CSMS=1;+CNMI=2,2,0,0,0")
        _ = harness.deliver(Samples.deliver())
        _ = harness.fire(.acknowledgement)
        _ = harness.send("AT+CNMI=2,1")
        #expect(harness.fire(.redelivery) == "\r\n+CMTI: \"SM\",1\r\n")
    }

    @Test func routesStatusReportsPerCNMI() throws {
        var harness = EmulatorHarness()
        let report = Samples.statusReport()
        _ = harness.send("AT+CNMI=2,1,0,1,0")
        let (direct, shown) = harness.deliverStatusReport(report)
        #expect(direct == .forwarded)
        #expect(shown.hasPrefix("\r\n+CDS: \(try report.encode().count)\r\n"))
        let pdu = try ModemPDU.decode(hex: try #require(Samples.pduLine(after: "+CDS:", in: shown)))
        #expect(pdu.tpdu == .statusReport(report))

        _ = harness.send("AT+CNMI=2,1,0,2,0")
        #expect(harness.deliverStatusReport(report) == (.stored(storage: "SM", index: 1), "\r\n+CDSI: \"SM\",1\r\n"))
        #expect(harness.modem.storedMessages().first?.sender == "")
    }

    @Test func holdsURCsWhileThePromptIsOpen() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CNMI=2,1")
        let (hex, length) = Samples.submitHex(Samples.submit())
        _ = harness.send("AT+CMGS=\(length)")
        #expect(harness.deliver(Samples.deliver()).1 == "")
        _ = harness.write(Array(hex.utf8) + [0x1A])
        #expect(harness.complete(.accepted) == "\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",1\r\n")
    }
}

@Suite struct ModemEmulatorPDUEntryTests {
    @Test func endlessPDUInputStaysBoundedAndIsRejected() {
        var harness = EmulatorHarness()
        _ = harness.send("AT+CMGS=20")
        for _ in 0..<100 { _ = harness.write(Array(repeating: UInt8(ascii: "0"), count: 1000)) }
        #expect(harness.modem.pduBuffer.count <= ModemEmulator.maximumPDUHexLength + 1)
        #expect(harness.write([0x1A]) == "\r\n+CMS ERROR: 304\r\n")
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }

    @Test func overlongCommandLinesAreCutNotStored() {
        var harness = EmulatorHarness()
        let reply = harness.write(Array("AT+CGMI;".utf8) + Array(repeating: UInt8(ascii: "A"), count: 100_000) + [0x0D])
        #expect(harness.modem.lineBuffer.isEmpty)
        #expect(reply == "\r\nERROR\r\n")
        #expect(harness.send("AT") == "\r\nOK\r\n")
    }
}
