import ATModem
import TestSupport
import Testing
@testable import Simulator

/// `+CPMS` (TS 27.005 §3.2.2) and the modem's default storage: a Quectel EC25 keeps new
/// messages in `ME` until a client chooses otherwise (issue #9.1).
@Suite struct ModemEmulatorStorageTests {
    static let ec25 = VirtualModemProfile.ec25.configuration(number: "+15550001111")
    static let tracker = "+639170000001"

    static func report(_ text: String) -> SMSDeliver {
        SMSDeliver.parts(
            from: PhoneAddress(parsing: tracker), text: text,
            timestamp: ServiceCentreTimestamp(year: 2024, month: 5, day: 1, hour: 8, minute: 0, second: 0),
            concatenationReference: 1)[0]
    }

    @Test(arguments: [
        (VirtualModemConfiguration(number: "+15550001111"), "+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30"),
        (ec25, "+CPMS: \"ME\",0,255,\"ME\",0,255,\"ME\",0,255"),
    ])
    func powerUpStorageIsTheProfilesDefault(configuration: VirtualModemConfiguration, expected: String) {
        var harness = EmulatorHarness(configuration)
        #expect(harness.send("AT+CPMS?") == ModemEmulatorTests.ok(expected))
    }

    @Test func testCommandListsEveryStorageForEachOfTheThree() {
        var harness = EmulatorHarness(Self.ec25)
        #expect(harness.send("AT+CPMS=?") == ModemEmulatorTests.ok("+CPMS: (\"SM\",\"ME\"),(\"SM\",\"ME\"),(\"SM\",\"ME\")"))
    }

    /// Rows: the set command, its answer, and the (mem1, mem2, mem3) it leaves.
    @Test(arguments: [
        ("AT+CPMS=\"SM\"", ModemEmulatorTests.ok("+CPMS: 0,50,0,255,0,255"), ["SM", "ME", "ME"]),
        ("AT+CPMS=\"SM\",\"SM\"", ModemEmulatorTests.ok("+CPMS: 0,50,0,50,0,255"), ["SM", "SM", "ME"]),
        ("AT+CPMS=\"ME\",\"SM\",\"SM\"", ModemEmulatorTests.ok("+CPMS: 0,255,0,50,0,50"), ["ME", "SM", "SM"]),
        ("AT+CPMS=\"SM\",,\"SM\"", ModemEmulatorTests.ok("+CPMS: 0,50,0,255,0,50"), ["SM", "ME", "SM"]),
        ("AT+CPMS=\"sm\",\"me\",\"sm\"", ModemEmulatorTests.ok("+CPMS: 0,50,0,255,0,50"), ["SM", "ME", "SM"]),
        ("AT+CPMS=\"MT\"", "\r\n+CMS ERROR: 302\r\n", ["ME", "ME", "ME"]),
        ("AT+CPMS=\"SM\",\"SM\",\"SM\",\"SM\"", "\r\n+CMS ERROR: 302\r\n", ["ME", "ME", "ME"]),
        ("AT+CPMS=,\"SM\"", "\r\n+CMS ERROR: 302\r\n", ["ME", "ME", "ME"]),
    ])
    func setCommandSelectsEachStorageOnItsOwn(command: String, answer: String, storages: [String]) {
        var harness = EmulatorHarness(Self.ec25)
        _ = harness.send("AT+CMEE=1")
        #expect(harness.send(command) == answer)
        let preferred = harness.modem.preferredStorage
        #expect([preferred.read, preferred.write, preferred.receive] == storages)
    }

    @Test func newMessagesGoToMem3AndCMTINamesIt() {
        var harness = EmulatorHarness(Self.ec25)
        _ = harness.send("AT+CNMI=2,1,0,0,0")
        let (first, firstURC) = harness.deliver(Self.report("one"))
        #expect(first == .stored(storage: "ME", index: 1))
        #expect(firstURC == "\r\n+CMTI: \"ME\",1\r\n")
        _ = harness.send("AT+CPMS=\"ME\",\"ME\",\"SM\"")
        let (second, secondURC) = harness.deliver(Self.report("two"))
        #expect(second == .stored(storage: "SM", index: 1))
        #expect(secondURC == "\r\n+CMTI: \"SM\",1\r\n")
        // mem1 is still ME: the list shows the first message only, then SM shows the second.
        #expect(harness.send("AT+CMGL=4").components(separatedBy: "+CMGL:").count == 2)
        #expect(harness.send("AT+CPMS=\"SM\"").hasSuffix("OK\r\n"))
        #expect(harness.send("AT+CMGL=4").components(separatedBy: "+CMGL:").count == 2)
        #expect(harness.modem.storedMessages().map(\.storage) == ["SM", "ME"])
    }

    @Test func aPowerCycleGoesBackToTheDefaultStorage() {
        var harness = EmulatorHarness(Self.ec25)
        _ = harness.send("AT+CPMS=\"SM\",\"SM\",\"SM\"")
        let actions = harness.modem.linkReopened()
        _ = harness.collect(actions)
        #expect(harness.modem.preferredStorage == PreferredStorage(read: "ME", write: "ME", receive: "ME"))
        let (outcome, _) = harness.deliver(Self.report("after reboot"))
        #expect(outcome == .stored(storage: "ME", index: 1))
    }

    @Test func ec25BootsWithQuectelLines() {
        var harness = EmulatorHarness(Self.ec25)
        let actions = harness.modem.linkReopened()
        let boot = harness.collect(actions)
        #expect(boot.contains("\r\nRDY\r\n"))
        #expect(boot.contains("\r\n+QIND: SMS DONE\r\n"))
        #expect(harness.send("AT+CGMI").contains("\r\nQuectel\r\n"))
    }

    /// Rows: what the client types after set-up, and how many lines that adds to the count.
    @Test(arguments: [
        (["AT"], 1),
        (["AT+CPIN?;+CSQ"], 1),
        (["AT+CMGF=0;+CNMI=2,1,0,0,0;+CPMS?"], 1),
        (["AT", "AT+CSQ", "AT+CREG?"], 3),
        (["AT+NOSUCH"], 1),
        (["hello", ""], 0),
        (["AT+CSQ", "A/"], 2),
        ([String(repeating: "X", count: 3000)], 1),
    ])
    func countsCommandLinesNotCommands(lines: [String], added: Int) {
        var harness = EmulatorHarness()
        let before = harness.modem.commandLinesAnswered
        for line in lines {
            if line == "A/" { _ = harness.write(Array("A/".utf8)) } else { _ = harness.send(line) }
        }
        #expect(harness.modem.commandLinesAnswered - before == added)
    }

    @Test func aPDUTypedAfterThePromptIsNotALine() throws {
        var harness = EmulatorHarness()
        let tpdu = try SMSSubmit.parts(to: PhoneAddress(parsing: "+15550002222"), text: "hi", concatenationReference: 0)[0].encode()
        let before = harness.modem.commandLinesAnswered
        _ = harness.send("AT+CMGS=\(tpdu.count)")
        _ = harness.write(Array((ModemPDU.hex(smsc: nil, tpdu: tpdu) + "\u{1A}").utf8))
        #expect(harness.modem.commandLinesAnswered - before == 1)
    }
}
