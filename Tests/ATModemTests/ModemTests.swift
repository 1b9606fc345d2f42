import Foundation
import TestSupport
import Testing

@testable import ATModem

/// The modem shell over a scripted transport: start-up variants, sending, storage, indications.
@Suite struct ModemTests {
    static let okReply = "\r\nOK\r\n"

    /// A script answering a well-behaved modem's start-up.
    static func readyModem(echo: Bool = false) -> ScriptedTransport {
        let transport = ScriptedTransport(echo: echo)
        for command in ["AT", "ATE0", "AT+CMEE=1", "AT+CMGF=0", "AT+CSMS=1", "AT+CNMI=2,1,0,1,0", "AT+CNMI=2,2,0,1,0", "AT+CNMA"] {
            transport.on(command, reply: okReply)
        }
        transport.on("ATE0", reply: okReply)
        transport.add(.exact("AT+CPIN?", reply: "\r\n+CPIN: READY\r\n\r\nOK\r\n"))
        transport.add(.prefix("AT+CPMS=", reply: "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n"))
        return transport
    }

    /// A modem on its own thread, telling `inbox` what it receives.
    static func modem(_ transport: ScriptedTransport, _ configuration: ModemConfiguration = ModemConfiguration(probeAttempts: 3, probeInterval: .milliseconds(200)), inbox: ModemInbox = ModemInbox()) -> Modem {
        Modem(transport: transport, configuration: configuration, executor: ModemExecutor(name: "test"), delegate: inbox)
    }

    /// A deliver as the modem prints it: SMSC first.
    static func deliverHex(from sender: String = "+4917012345678", text: String, reference: Int = 7, ucs2: Bool = false) -> [String] {
        let timestamp = ServiceCentreTimestamp(date: Date(timeIntervalSince1970: 1_700_000_000), offsetQuarterHours: 4)
        return SMSDeliver.parts(from: PhoneAddress(parsing: sender), text: text, timestamp: timestamp, forceUCS2: ucs2, concatenationReference: reference).map { part in
            ModemPDU.hex(smsc: PhoneAddress(parsing: "+491710760000"), tpdu: try! part.encode())
        }
    }

    static func tpduLength(ofHex hex: String) -> Int {
        let smscLength = Int(hex.prefix(2), radix: 16)!
        return hex.count / 2 - 1 - smscLength
    }

    @Test func startUpRunsTheDocumentedSequenceInStorageMode() async throws {
        let transport = Self.readyModem()
        let modem = Self.modem(transport)
        try await modem.start()
        #expect(transport.commands == ["AT", "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CPMS=?", "AT+CPMS=\"SM\",\"SM\",\"SM\"", "AT+CNMI=2,1,0,1,0"])
        await modem.close()
    }

    @Test func startUpInDirectModeAsksForAcknowledgedDelivery() async throws {
        let transport = Self.readyModem()
        let modem = Self.modem(transport, ModemConfiguration(receiveMode: .direct))
        try await modem.start()
        #expect(transport.commands.suffix(2) == ["AT+CSMS=1", "AT+CNMI=2,2,0,1,0"])
        await modem.close()
    }

    @Test func startUpEntersThePINAndWaitsWhileTheSIMIsBusy() async throws {
        let transport = ScriptedTransport()
        for command in ["AT", "ATE0", "AT+CMEE=1", "AT+CNMI=2,1,0,1,0"] { transport.on(command, reply: Self.okReply) }
        transport.add(.exact("AT+CPIN?", reply: "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", times: 1))
        transport.add(.exact("AT+CPIN?", reply: "\r\n+CPIN: READY\r\n\r\nOK\r\n"))
        transport.add(.exact("AT+CPIN=\"4321\"", reply: Self.okReply))
        transport.add(.exact("AT+CMGF=0", reply: "\r\n+CMS ERROR: 314\r\n", times: 2))
        transport.add(.exact("AT+CMGF=0", reply: Self.okReply))
        transport.add(.prefix("AT+CPMS=", reply: "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n"))
        let modem = Self.modem(transport, ModemConfiguration(pin: "4321"))
        try await modem.start()
        #expect(transport.commands.filter { $0 == "AT+CMGF=0" }.count == 3)
        #expect(transport.commands.contains("AT+CPIN=\"4321\""))
        await modem.close()
    }

    @Test(arguments: [
        ("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", nil as String?, ModemError.pinRequired(device: "scripted", state: "SIM PIN")),
        ("\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n", "1234", ModemError.pinRequired(device: "scripted", state: "SIM PUK")),
        ("\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n", "1234", ModemError.pinRejected(device: "scripted", code: 16)),
    ])
    func startUpRefusesALockedSIMClearly(reply: String, pin: String?, expected: ModemError) async throws {
        let transport = ScriptedTransport()
        for command in ["AT", "ATE0", "AT+CMEE=1"] { transport.on(command, reply: Self.okReply) }
        transport.add(.exact("AT+CPIN?", reply: reply))
        transport.add(.prefix("AT+CPIN=", reply: "\r\n+CME ERROR: 16\r\n"))
        let modem = Self.modem(transport, ModemConfiguration(pin: pin))
        await #expect(throws: expected) { try await modem.start() }
        await modem.close()
    }

    @Test func startUpCopesWithEchoAndBootNoise() async throws {
        let transport = Self.readyModem(echo: true)
        transport.inject("\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\nSMS Ready\r\n")
        let modem = Self.modem(transport)
        try await modem.start()
        #expect(transport.commands.last == "AT+CNMI=2,1,0,1,0")
        await modem.close()
    }

    @Test func sendSplitsALongTextAndReturnsEveryReference() async throws {
        let transport = Self.readyModem()
        transport.add(.prefix("AT+CMGS=", reply: "\r\n> "))
        let counter = Counter()
        transport.add(.prefix("00", times: nil) { _ in Array("\r\n+CMGS: \(counter.next())\r\n\r\nOK\r\n".utf8) })
        transport.on("AT+CMMS=1", reply: Self.okReply)
        let modem = Self.modem(transport)
        try await modem.start()
        let text = String(repeating: "lat:14.632742 long:121.001790 ", count: 10)
        let references = try await modem.send(text: text, to: "+4917099999999")
        #expect(references == [1, 2])

        let submitted = transport.commands.filter { $0.hasPrefix("00") }
        let lengths = transport.commands.filter { $0.hasPrefix("AT+CMGS=") }.map { Int($0.dropFirst(8))! }
        #expect(lengths == submitted.map(Self.tpduLength(ofHex:)))
        var reassembled = ""
        for (number, hex) in submitted.enumerated() {
            guard case .submit(let submit) = try ModemPDU.decode(hex: hex).tpdu else {
                Issue.record("not a SUBMIT")
                continue
            }
            #expect(submit.destination.description == "+4917099999999")
            #expect(submit.userDataHeader?.concatenation?.part == number + 1)
            #expect(submit.userDataHeader?.concatenation?.total == 2)
            if case .text(let part) = submit.body { reassembled += part }
        }
        #expect(reassembled == text)
        await modem.close()
    }

    @Test func aTextBeyond255PartsIsRefusedBeforeAnythingIsWritten() async throws {
        let transport = Self.readyModem()
        let modem = Self.modem(transport)
        try await modem.start()
        let written = transport.commands.count
        await #expect(throws: ModemError.unsendable(reason: "text needs more than 255 parts")) {
            _ = try await modem.send(text: String(repeating: "x", count: 255 * 153 + 1), to: "+4917099999999")
        }
        #expect(transport.commands.count == written)
        await modem.close()
    }

    @Test func aStoredMessageIsReadWhenAnnounced() async throws {
        let transport = Self.readyModem()
        let hex = Self.deliverHex(text: "lat:14.632742\nlong:121.001790")[0]
        transport.on("AT+CMGR=3", reply: "\r\n+CMGR: 0,,\(Self.tpduLength(ofHex: hex))\r\n\(hex)\r\n\r\nOK\r\n")
        let inbox = ModemInbox()
        let modem = Self.modem(transport, inbox: inbox)
        try await modem.start()
        transport.inject("\r\n+CMTI: \"SM\",3\r\n")
        let received = try #require(await inbox.waitForMessages(1).first)
        #expect(received.text == "lat:14.632742\nlong:121.001790")
        #expect(received.sender.description == "+4917012345678")
        #expect(received.storageSlots == [StorageSlot(storage: "SM", index: 3)])
        #expect(received.alphabet == .gsm7)
        await modem.close()
    }

    @Test func concatenatedPartsAnnouncedOutOfOrderArriveAsOneMessage() async throws {
        let transport = Self.readyModem()
        let text = String(repeating: "Door alarm! lat:6.319640 long:124.975628 ", count: 6)
        let parts = Self.deliverHex(text: text, reference: 200)
        #expect(parts.count == 2)
        transport.on("AT+CMGR=1", reply: "\r\n+CMGR: 0,,\(Self.tpduLength(ofHex: parts[1]))\r\n\(parts[1])\r\n\r\nOK\r\n")
        transport.on("AT+CMGR=2", reply: "\r\n+CMGR: 0,,\(Self.tpduLength(ofHex: parts[0]))\r\n\(parts[0])\r\n\r\nOK\r\n")
        let inbox = ModemInbox()
        let modem = Self.modem(transport, inbox: inbox)
        try await modem.start()
        transport.inject("\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n")
        let received = try #require(await inbox.waitForMessages(1).first)
        #expect(received.text == text)
        #expect(received.partCount == 2)
        #expect(received.concatenationReference == 200)
        #expect(received.storageSlots == [StorageSlot(storage: "SM", index: 1), StorageSlot(storage: "SM", index: 2)])
        await modem.close()
    }

    @Test func directDeliveryIsAcknowledgedAndNeverRead() async throws {
        let transport = Self.readyModem()
        let hex = Self.deliverHex(text: "你好，位置在这里", ucs2: true)[0]
        let inbox = ModemInbox()
        let modem = Self.modem(transport, ModemConfiguration(receiveMode: .direct), inbox: inbox)
        try await modem.start()
        transport.inject("\r\n+CMT: ,\(Self.tpduLength(ofHex: hex))\r\n\(hex)\r\n")
        let received = try #require(await inbox.waitForMessages(1).first)
        #expect(received.text == "你好，位置在这里")
        #expect(received.alphabet == .ucs2)
        #expect(received.storageSlots.isEmpty)
        for _ in 0..<100 where !transport.commands.contains("AT+CNMA") { try await Task.sleep(for: .milliseconds(10)) }
        #expect(transport.commands.contains("AT+CNMA"))
        #expect(!transport.commands.contains { $0.hasPrefix("AT+CMGR") })
        await modem.close()
    }

    enum DirectCase: String, CaseIterable, CustomStringConvertible {
        case taken, leftForLater, discarded, undecodable, pduLineMissing
        var description: String { rawValue }
    }

    /// Issue #9.7: direct mode acknowledges (`+CNMA`) only what was decoded and taken; what could
    /// not be read, or what the relay left for later, is refused (`+CNMA=2`), so the network
    /// delivers it again instead of forgetting it.
    @Test(arguments: DirectCase.allCases)
    func directModeAcknowledgesOnlyWhatWasDecodedAndTaken(_ kind: DirectCase) async throws {
        let transport = Self.readyModem()
        transport.on("AT+CNMA=2", reply: Self.okReply)
        let disposition: MessageDisposition = switch kind {
        case .leftForLater: .leftForLater
        case .discarded: .discard
        default: .taken
        }
        let inbox = ModemInbox { _ in disposition }
        let modem = Self.modem(transport, ModemConfiguration(receiveMode: .direct), inbox: inbox)
        try await modem.start()
        let hex = Self.deliverHex(text: "lat:14.632742 long:121.001790")[0]
        switch kind {
        case .undecodable:
            transport.inject("\r\n+CMT: ,12\r\n0791FFFF12\r\n")
        case .pduLineMissing:
            transport.inject("\r\n+CMT: ,\(Self.tpduLength(ofHex: hex))\r\n\r\nOK\r\n")
        default:
            transport.inject("\r\n+CMT: ,\(Self.tpduLength(ofHex: hex))\r\n\(hex)\r\n")
        }
        let expected = [DirectCase.taken, .discarded].contains(kind) ? "AT+CNMA" : "AT+CNMA=2"
        #expect(await poll(timeout: .seconds(5)) { transport.commands.contains { $0.hasPrefix("AT+CNMA") } })
        #expect(transport.commands.filter { $0.hasPrefix("AT+CNMA") } == [expected])
        await modem.close()
    }

    /// A `+CMGD` frees a SIM slot the network may be waiting for: it is written right after the
    /// command running, ahead of an ordinary command queued before it.
    @Test func aDeleteGoesAheadOfQueuedCommands() async throws {
        let transport = Self.readyModem()
        transport.on("AT+CREG?", reply: Self.okReply)
        transport.on("AT+CMGD=5", reply: Self.okReply)
        transport.on("AT+CSQ", reply: "")  // no answer: it runs until the test gives its OK
        let modem = Self.modem(transport, inbox: ModemInbox())
        try await modem.start()
        let running = Task { try await modem.execute("AT+CSQ") }
        #expect(await poll(timeout: .seconds(5)) { transport.commands.contains("AT+CSQ") })
        let queued = Task { try await modem.execute("AT+CREG?") }
        #expect(await poll(timeout: .seconds(5)) { await modem.queuedCommands == 1 })
        let deleted = Task { try await modem.delete(StorageSlot(storage: "SM", index: 5)) }
        #expect(await poll(timeout: .seconds(5)) { await modem.queuedCommands == 2 })
        transport.inject(Self.okReply)
        _ = try await running.value
        _ = try await queued.value
        try await deleted.value
        #expect(Array(transport.commands.drop { $0 != "AT+CSQ" }) == ["AT+CSQ", "AT+CMGD=5", "AT+CREG?"])
        await modem.close()
    }

    @Test func sweepHandsOutEachStoredMessageOnceAndSkipsWhatItHandedOut() async throws {
        let transport = Self.readyModem()
        let first = Self.deliverHex(from: "+4917011111111", text: "GPS:1 Sat:7 Lat:54.71473 Long:25.30304")[0]
        let second = Self.deliverHex(from: "+4917022222222", text: "Current position!Lat:N54.739332,Lon:E25.273270")[0]
        // A URC arriving in the middle of the listing must not end up in it.
        let listing = "\r\n+CMGL: 1,1,,\(Self.tpduLength(ofHex: first))\r\n\(first)\r\n\r\n+CREG: 1\r\n+CMGL: 4,0,\"\",\(Self.tpduLength(ofHex: second))\r\n\(second)\r\n\r\nOK\r\n"
        transport.on("AT+CMGL=4", reply: listing)
        let inbox = ModemInbox()
        let modem = Self.modem(transport, inbox: inbox)
        try await modem.start()
        #expect(try await modem.sweepStorage() == 2)
        let received = await inbox.waitForMessages(2)
        #expect(Set(received.map(\.storageSlots)) == Set([[StorageSlot(storage: "SM", index: 1)], [StorageSlot(storage: "SM", index: 4)]]))
        #expect(try await modem.sweepStorage() == 0)
        await modem.close()
    }

    @Test func anUndecodableStoredMessageIsReportedWithoutItsContent() async throws {
        let transport = Self.readyModem()
        transport.on("AT+CMGL=4", reply: "\r\n+CMGL: 2,0,,12\r\n0791FFFF\r\n\r\nOK\r\n")
        transport.on("AT+CMGD=2", reply: Self.okReply)
        let inbox = ModemInbox()
        let modem = Self.modem(transport, inbox: inbox)
        try await modem.start()
        #expect(try await modem.sweepStorage() == 0)
        let event = try #require(await inbox.waitForEvent { if case .undecodable = $0 { true } else { false } })
        guard case .undecodable(let slot, let error) = event else {
            Issue.record("expected undecodable, got \(event)")
            return
        }
        #expect(slot == StorageSlot(storage: "SM", index: 2))
        #expect(!error.description.contains("0791FFFF"))
        // It can never be relayed and must not fill the SIM: deleted.
        _ = await poll { transport.commands.contains("AT+CMGD=2") }
        #expect(transport.commands.contains("AT+CMGD=2"))
        await modem.close()
    }

    @Test func aVanishedDeviceFailsTheCommandAndTellsTheDelegate() async throws {
        let transport = Self.readyModem()
        let inbox = ModemInbox()
        let modem = Self.modem(transport, inbox: inbox)
        try await modem.start()
        transport.closing = true
        await #expect(throws: ModemError.self) { try await modem.execute("AT+CSQ") }
        #expect(await inbox.waitForEvent { if case .closed = $0 { true } else { false } } != nil)
        #expect(await modem.isClosed)
    }

    /// A `+CMTI` that overtakes the end of a delete makes the delete's completion queue a read
    /// at once. That read's timeout must stay armed: before the fix, the rest of the delete's
    /// batch of engine actions disarmed it, and a read whose answer was lost hung the modem.
    @Test(.timeLimit(.minutes(1)))
    func aCommandQueuedByACompletionKeepsItsTimeout() async throws {
        let transport = Self.readyModem()
        transport.add(.exact("AT+CMGD=1", reply: "\r\n+CMTI: \"SM\",1\r\n\r\nOK\r\n"))
        transport.add(.exact("AT+CMGR=1", reply: ""))
        transport.on("AT", reply: Self.okReply)
        let modem = Self.modem(transport, ModemConfiguration(commandTimeout: .milliseconds(300), probeAttempts: 3, probeInterval: .milliseconds(200)))
        try await modem.start()
        try await modem.delete(StorageSlot(storage: "SM", index: 1))
        #expect(await modem.isResponsive())
        #expect(transport.commands.suffix(3) == ["AT+CMGD=1", "AT+CMGR=1", "AT"])
        await modem.close()
    }

    @Test func healthAndIdentityAreParsed() async throws {
        let transport = Self.readyModem()
        transport.on("AT+CSQ", reply: "\r\n+CSQ: 21,99\r\n\r\nOK\r\n")
        transport.on("AT+CREG?", reply: "\r\n+CREG: 0,5\r\n\r\nOK\r\n")
        transport.on("AT+CPMS?", reply: "\r\n+CPMS: \"SM\",30,30,\"SM\",30,30,\"SM\",30,30\r\n\r\nOK\r\n")
        transport.on("AT+CGMI", reply: "\r\nQuectel\r\n\r\nOK\r\n")
        transport.on("AT+CGMM", reply: "\r\n+CGMM: EC25\r\n\r\nOK\r\n")
        transport.on("AT+CGMR", reply: "\r\nEC25EFAR06A06M4G\r\n\r\nOK\r\n")
        transport.on("AT+CGSN", reply: "\r\n866758045678901\r\n\r\nOK\r\n")
        let modem = Self.modem(transport)
        try await modem.start()
        #expect(try await modem.signalQuality() == SignalQuality(rssi: 21, bitErrorRate: 99))
        #expect(try await modem.signalQuality().dBm == -71)
        #expect(try await modem.registration() == .roaming)
        #expect(try await modem.storageStatus() == StorageStatus(storage: "SM", used: 30, total: 30))
        #expect(try await modem.identity() == ModemIdentity(manufacturer: "Quectel", model: "EC25", revision: "EC25EFAR06A06M4G", imei: "866758045678901"))
        await modem.close()
    }
}

/// A thread-safe counter for scripted message references.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
