import ATModem
import Foundation
import Simulator
import TestSupport
import TrackerProfiles
import Testing

/// ATModem's `Modem` driving the virtual modem over its real pseudo-terminal: every command the
/// gateway uses, and every fault kind, seen from the client side.
@Suite struct ATModemOverSimulatorTests {
    static let gateway = "+15550001111"
    static let phone = "+15550002001"
    static let tracker = "+15550003001"

    /// A running simulation with a phone and a tk103, and a directory for its link.
    final class Fixture: @unchecked Sendable {
        let directory: TemporaryDirectory
        let simulation: Simulation
        /// The modem thread every modem of this test runs on, and what the last one opened received.
        let executor = ModemExecutor(name: "simulated")
        private(set) var inbox = ModemInbox()

        init(pin: String? = nil) throws {
            directory = try TemporaryDirectory(prefix: "atsim")
            simulation = Simulation(configuration: SimulationConfiguration(
                linkPath: directory.path + "/modem", modemNumber: ATModemOverSimulatorTests.gateway, pin: pin, radioDelay: .zero,
                logLevel: .critical, phones: [ATModemOverSimulatorTests.phone],
                trackers: [VirtualTrackerConfiguration(number: ATModemOverSimulatorTests.tracker, model: .tk103, password: "123456", authorised: [ATModemOverSimulatorTests.gateway], position: TrackerPosition(latitude: 14.632742, longitude: 121.001790))]
            ))
            try simulation.start()
        }

        /// Opens and starts a modem on the simulator's link; `inbox` collects what it receives.
        func openModem(_ configuration: ModemConfiguration = ModemConfiguration(commandTimeout: .seconds(2), probeAttempts: 20, probeInterval: .milliseconds(250))) async throws -> Modem {
            let transport = try Transports.open(path: simulation.linkPath, settings: SerialSettings())
            inbox = ModemInbox()
            let modem = Modem(transport: transport, configuration: configuration, executor: executor, delegate: inbox)
            try await modem.start()
            return modem
        }

        deinit {
            simulation.stop()
            executor.shutdown()
        }
    }

    static func eventually(_ condition: () async -> Bool, within timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    @Test func startUpIdentityAndHealth() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        let identity = try await modem.identity()
        #expect(!identity.manufacturer.isEmpty && !identity.model.isEmpty && !identity.imei.isEmpty)
        #expect(try await modem.registration().isRegistered)
        #expect(try await modem.signalQuality().dBm != nil)
        let storage = try await modem.storageStatus()
        #expect(storage.used == 0 && storage.total > 0)
        await modem.close()
    }

    @Test(arguments: [ModemConfiguration.ReceiveMode.storage, .direct])
    func receiveReadAndDeleteInEachMode(mode: ModemConfiguration.ReceiveMode) async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem(ModemConfiguration(receiveMode: mode))
        let long = String(repeating: "Door alarm! lat:14.496282 long:120.993023 {€} ", count: 5)
        try fixture.simulation.send(from: Self.tracker, text: long)
        let received = try #require(await fixture.inbox.waitForMessages(1).first)
        #expect(received.text == long)
        #expect(received.partCount == 2)
        #expect(received.sender.description == Self.tracker)
        switch mode {
        case .storage:
            #expect(received.storageSlots.count == 2)
            #expect(fixture.simulation.storedMessages().count == 2)
            try await modem.delete(received.storageSlots)
        case .direct:
            #expect(received.storageSlots.isEmpty)
        }
        #expect(fixture.simulation.storedMessages().isEmpty)
        await modem.close()
    }

    @Test func sendReachesThePhoneInPartsAndAsksForAStatusReport() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        let text = String(repeating: "位置 lat:22.566923 ", count: 8)
        let references = try await modem.send(text: text, to: Self.phone, statusReportRequest: true)
        #expect(references.count == 3)
        let inbox = try #require(await fixture.simulation.waitForInbox(of: Self.phone, count: 1))
        #expect(inbox[0].text == text)
        #expect(inbox[0].parts == 3)
        let event = await fixture.inbox.waitForEvent { if case .statusReport = $0 { true } else { false } }
        guard case .statusReport(let report)? = event else {
            Issue.record("no status report")
            return
        }
        #expect(references.contains(Int(report.messageReference)))
        #expect(report.category == .delivered)
        await modem.close()
    }

    @Test func listAndReadWhatIsStoredThenSweep() async throws {
        let fixture = try Fixture()
        try fixture.simulation.send(from: Self.phone, text: "LOCATE")
        try fixture.simulation.send(from: Self.tracker, text: "GPS:1 Sat:7 Lat:54.71473 Long:25.30304")
        #expect(await Self.eventually { fixture.simulation.storedMessages().count == 2 })
        // Opened after the messages arrived: they are found by listing, not by +CMTI.
        let modem = try await fixture.openModem()
        let stored = try await modem.listStored()
        #expect(stored.count == 2)
        let first = try #require(try await modem.read(stored[0].slot))
        #expect(first.pdu == stored[0].pdu)
        #expect(try await modem.sweepStorage() == 2)
        let texts = Set(await fixture.inbox.waitForMessages(2).compactMap(\.text))
        #expect(texts == ["LOCATE", "GPS:1 Sat:7 Lat:54.71473 Long:25.30304"])
        for message in stored { try await modem.delete(message.slot) }
        #expect(try await modem.read(stored[0].slot) == nil)
        await modem.close()
    }

    @Test func cmsErrorFailsTheCommandWithItsCodeThenTheModemWorksAgain() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        fixture.simulation.inject(.cmsError(count: 1, code: 500))
        let error = await #expect(throws: ModemError.self) { _ = try await modem.send(text: "first", to: Self.phone) }
        guard case .command(.commandFailed(let command, .cmsError(500, _))) = error else {
            Issue.record("expected +CMS ERROR: 500, got \(String(describing: error))")
            return
        }
        #expect(command.hasPrefix("AT+CMGS="))
        #expect(try await modem.send(text: "second", to: Self.phone).count == 1)
        #expect(await fixture.simulation.waitForInbox(of: Self.phone, count: 1)?.first?.text == "second")
        await modem.close()
    }

    @Test func hangTimesCommandsOutAndTheModemAnswersAfterwards() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem(ModemConfiguration(commandTimeout: .milliseconds(300)))
        fixture.simulation.inject(.hang(.milliseconds(800)))
        #expect(await modem.isResponsive() == false)
        #expect(await Self.eventually { await modem.isResponsive() })
        await modem.close()
    }

    @Test func garbledLinesNeverBecomeAnotherCommandsAnswer() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem(ModemConfiguration(commandTimeout: .milliseconds(500)))
        fixture.simulation.inject(.garble(count: 3))
        for _ in 0..<3 { _ = try? await modem.signalQuality() }
        #expect(await Self.eventually { (try? await modem.signalQuality())?.dBm != nil })
        await modem.close()
    }

    @Test func urcNoiseInsideResponsesIsRoutedApart() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        fixture.simulation.inject(.urcNoise(count: 5))
        for _ in 0..<5 {
            #expect(try await modem.signalQuality().rssi >= 0)
            #expect(try await modem.storageStatus().used == 0)
        }
        await modem.close()
    }

    @Test func dropTellsTheDelegateAndTheReopenedModemStillHoldsItsMessages() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        let inbox = fixture.inbox
        try fixture.simulation.send(from: Self.tracker, text: "ACC alarm!")
        let first = try #require(await inbox.waitForMessages(1).first)
        fixture.simulation.inject(.drop(reopenAfter: .milliseconds(300)))
        #expect(await inbox.waitForEvent { if case .closed = $0 { true } else { false } } != nil)
        #expect(await modem.isClosed)
        // Like a SIM, the storage survives the unplug: the message is found again after re-open.
        var reopened: Modem?
        for _ in 0..<50 where reopened == nil {
            reopened = try? await fixture.openModem()
            if reopened == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let again = try #require(reopened)
        #expect(try await again.sweepStorage() == 1)
        #expect(await fixture.inbox.waitForMessages(1).first?.text == first.text)
        await again.close()
    }

    @Test func storageFullHoldsIncomingMessagesUntilThereIsRoom() async throws {
        let fixture = try Fixture()
        let modem = try await fixture.openModem()
        fixture.simulation.inject(.storageFull)
        try fixture.simulation.send(from: Self.tracker, text: "Power alarm")
        #expect(try await modem.storageStatus().isFull)
        fixture.simulation.liftStorageFull()
        #expect(await fixture.inbox.waitForMessages(1).first?.text == "Power alarm")
        await modem.close()
    }

    @Test func pinLockedRefusesSMSCommandsUntilThePINIsEntered() async throws {
        let fixture = try Fixture(pin: "2468")
        let transport = try Transports.open(path: fixture.simulation.linkPath, settings: SerialSettings())
        let locked = Modem(transport: transport, configuration: ModemConfiguration(probeAttempts: 20, probeInterval: .milliseconds(250)), executor: fixture.executor)
        await #expect(throws: ModemError.pinRequired(device: transport.path, state: "SIM PIN")) { try await locked.start() }
        await locked.close()
        // The closed transport frees the device once its reader thread has returned.
        #expect(await Self.eventually { (try? Transports.open(path: fixture.simulation.linkPath, settings: SerialSettings()))?.close() != nil })
        let modem = try await fixture.openModem(ModemConfiguration(pin: "2468", probeAttempts: 20, probeInterval: .milliseconds(250)))
        fixture.simulation.inject(.pinLocked)
        await #expect(throws: ModemError.self) { try await modem.listStored() }
        try await modem.start()
        #expect(try await modem.listStored().isEmpty)
        await modem.close()
    }
}
