import ATModem
import Foundation
import Logging
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// Routing on the virtual network: modem → phone inbox (reassembled), modem → tracker → modem,
/// and deliveries the modem refuses being held and retried.
@Suite struct VirtualNetworkTests {
    static let modemNumber = "+15550001111"
    static let phoneNumber = "+15550002222"
    static let trackerNumber = "+639170000001"
    static let fixedNow = Date(timeIntervalSince1970: 1_496_679_667)

    /// Records what the network hands the modem, and can refuse while told to.
    final class ModemRecorder: @unchecked Sendable {
        private let lock = NSLock()
        private var delivered: [SMSDeliver] = []
        private var reports: [SMSStatusReport] = []
        private var refusing = false
        private var refusals = 0
        private var waiters: [(@Sendable (Int, Int) -> Bool, CheckedContinuation<Void, Never>)] = []

        func connect(to network: VirtualNetwork) {
            network.connectModem(
                deliver: { [self] deliver in
                    lock.lock()
                    if refusing {
                        refusals += 1
                        let ready = takeReadyWaiters()
                        lock.unlock()
                        ready.forEach { $0.resume() }
                        return .refused(.storageFull)
                    }
                    delivered.append(deliver)
                    let ready = takeReadyWaiters()
                    lock.unlock()
                    ready.forEach { $0.resume() }
                    return .stored(storage: "SM", index: 0)
                },
                deliverStatusReport: { [self] report in
                    lock.lock()
                    reports.append(report)
                    let ready = takeReadyWaiters()
                    lock.unlock()
                    ready.forEach { $0.resume() }
                    return .forwarded
                })
        }

        func setRefusing(_ value: Bool) {
            lock.lock()
            refusing = value
            lock.unlock()
        }

        var deliveries: [SMSDeliver] {
            lock.lock()
            defer { lock.unlock() }
            return delivered
        }

        var statusReports: [SMSStatusReport] {
            lock.lock()
            defer { lock.unlock() }
            return reports
        }

        /// Waits until `count` items (DELIVERs plus status reports) arrived, or 10 s passed.
        func waitFor(_ count: Int) async {
            await wait { items, _ in items >= count }
        }

        /// Waits until the modem refused at least once, or 10 s passed.
        func waitForRefusal() async {
            await wait { _, refusals in refusals > 0 }
        }

        private func wait(until condition: @escaping @Sendable (Int, Int) -> Bool) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if condition(delivered.count + reports.count, refusals) {
                    lock.unlock()
                    continuation.resume()
                    return
                }
                waiters.append((condition, continuation))
                lock.unlock()
                DispatchQueue.global().asyncAfter(deadline: .now() + 10) { [self] in
                    lock.lock()
                    let expired = waiters.map(\.1)
                    waiters = []
                    lock.unlock()
                    expired.forEach { $0.resume() }
                }
            }
        }

        private func takeReadyWaiters() -> [CheckedContinuation<Void, Never>] {
            let items = delivered.count + reports.count
            let ready = waiters.filter { $0.0(items, refusals) }.map(\.1)
            waiters.removeAll { $0.0(items, refusals) }
            return ready
        }
    }

    static func makeNetwork(redelivery: Duration = .milliseconds(20)) -> (VirtualNetwork, ModemRecorder) {
        let network = VirtualNetwork(
            modemNumber: modemNumber, radioDelay: .zero, redeliveryInterval: redelivery,
            logger: Logger(label: "test"), now: { fixedNow })
        let recorder = ModemRecorder()
        recorder.connect(to: network)
        return (network, recorder)
    }

    /// Submits like the modem does and waits for the network's answer.
    @discardableResult
    static func submit(_ submit: SMSSubmit, to network: VirtualNetwork, reference: UInt8 = 1) async -> SubmitOutcome {
        await withCheckedContinuation { continuation in
            network.modemSubmitted(submit, messageReference: reference, from: modemNumber) { continuation.resume(returning: $0) }
        }
    }

    static let longText = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 8)

    @Test(arguments: [[1, 2, 3], [3, 1, 2], [2, 3, 1], [3, 2, 1]])
    func submittedPartsReachThePhoneInboxReassembledInAnyOrder(_ order: [Int]) async throws {
        let (network, _) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        let parts = SMSSubmit.parts(to: PhoneAddress(parsing: Self.phoneNumber), text: Self.longText, concatenationReference: 42)
        try #require(parts.count == 3)
        for index in order {
            #expect(await Self.submit(parts[index - 1], to: network) == .accepted)
        }
        let inbox = await network.waitForInbox(of: Self.phoneNumber, count: 1, timeout: .seconds(10))
        #expect(inbox == [InboxMessage(from: Self.modemNumber, text: Self.longText, parts: 3)])
        #expect(network.statistics.submittedParts == 3)
        #expect(network.statistics.submittedMessages == 1)
    }

    @Test func duplicatePartIsNotCountedTwiceInTheInbox() async throws {
        let (network, _) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        let parts = SMSSubmit.parts(to: PhoneAddress(parsing: Self.phoneNumber), text: Self.longText, concatenationReference: 7)
        for part in [parts[0], parts[0], parts[1], parts[2]] { await Self.submit(part, to: network) }
        let inbox = await network.waitForInbox(of: Self.phoneNumber, count: 1, timeout: .seconds(10))
        #expect(inbox?.map(\.text) == [Self.longText])
    }

    @Test func ucs2SubmitArrivesAsTheSameText() async throws {
        let (network, _) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        let text = "位置请求 — 车辆已停"
        for part in SMSSubmit.parts(to: PhoneAddress(parsing: Self.phoneNumber), text: text, concatenationReference: 1) {
            await Self.submit(part, to: network)
        }
        let inbox = await network.waitForInbox(of: Self.phoneNumber, count: 1, timeout: .seconds(10))
        #expect(inbox?.first?.text == text)
    }

    @Test func trackerAnswersAnAuthorisedCommandWithADeliverToTheModem() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.addTracker(
            VirtualTrackerConfiguration(
                number: Self.trackerNumber, model: .tk103, authorised: [Self.modemNumber],
                position: TrackerPosition(latitude: 14.632742, longitude: 121.001790)))
        let command = SMSSubmit.parts(to: PhoneAddress(parsing: Self.trackerNumber), text: "smslink123456", concatenationReference: 0)
        #expect(await Self.submit(command[0], to: network) == .accepted)
        await recorder.waitFor(1)
        let delivered = recorder.deliveries
        try #require(delivered.count == 1)
        #expect(delivered[0].originator.description == Self.trackerNumber)
        #expect(delivered[0].body.text?.hasPrefix("lat:14.632742\nlong:121.001790\n") == true)
        #expect(network.statistics.trackerCommands == 1)
    }

    @Test func longTrackerReplyArrivesAsConcatenatedParts() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.addTracker(
            VirtualTrackerConfiguration(
                number: Self.trackerNumber, model: .tk103, authorised: [Self.modemNumber],
                position: TrackerPosition(latitude: 14.632742, longitude: 121.001790)))
        let command = SMSSubmit.parts(to: PhoneAddress(parsing: Self.trackerNumber), text: "address123456", concatenationReference: 0)
        await Self.submit(command[0], to: network)
        await recorder.waitFor(2)
        let delivered = recorder.deliveries
        #expect(delivered.count == 2)
        #expect(delivered.compactMap(\.concatenation).map(\.part) == [1, 2])
        #expect(Set(delivered.compactMap(\.concatenation).map(\.reference)).count == 1)
    }

    @Test func trackerIgnoresACommandFromAnUnauthorisedModem() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.addTracker(
            VirtualTrackerConfiguration(
                number: Self.trackerNumber, model: .gt06, authorised: ["+15559998888"],
                position: TrackerPosition(latitude: 1, longitude: 2)))
        let command = SMSSubmit.parts(to: PhoneAddress(parsing: Self.trackerNumber), text: "WHERE#", concatenationReference: 0)
        await Self.submit(command[0], to: network)
        // A status report requested on a second submit proves the queue drained past the command.
        var probe = SMSSubmit.parts(to: PhoneAddress(parsing: Self.trackerNumber), text: "hello", concatenationReference: 0)[0]
        probe.statusReportRequest = true
        await Self.submit(probe, to: network)
        await recorder.waitFor(1)
        #expect(recorder.deliveries.isEmpty)
        #expect(recorder.statusReports.count == 1)
    }

    @Test func statusReportSaysDeliveredForAKnownNumberAndFailedForAnUnknownOne() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        var known = SMSSubmit.parts(to: PhoneAddress(parsing: Self.phoneNumber), text: "hi", concatenationReference: 0)[0]
        known.statusReportRequest = true
        var unknown = SMSSubmit.parts(to: PhoneAddress(parsing: "+15550009999"), text: "hi", concatenationReference: 0)[0]
        unknown.statusReportRequest = true
        await Self.submit(known, to: network, reference: 5)
        await Self.submit(unknown, to: network, reference: 6)
        await recorder.waitFor(2)
        #expect(recorder.statusReports.map(\.messageReference) == [5, 6])
        #expect(recorder.statusReports.map(\.status) == [0x00, 0x41])
        #expect(network.statistics.undeliverable == 1)
    }

    @Test func sendSplitsLongTextIntoPartsSharingOneReference() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.send(from: Self.trackerNumber, text: Self.longText)
        await recorder.waitFor(3)
        let parts = recorder.deliveries.compactMap(\.concatenation)
        #expect(parts.map(\.part) == [1, 2, 3])
        #expect(parts.allSatisfy { $0.total == 3 })
        #expect(recorder.deliveries.compactMap(\.body.text).joined() == Self.longText)
    }

    @Test func sendPartsDeliversInTheChosenOrderWithRepeats() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.sendParts(from: Self.trackerNumber, parts: ["one ", "two ", "three"], reference: 99, order: [3, 1, 3, 2])
        await recorder.waitFor(4)
        #expect(recorder.deliveries.compactMap(\.concatenation).map(\.part) == [3, 1, 3, 2])
        #expect(recorder.deliveries.compactMap(\.concatenation).allSatisfy { $0.reference == 99 && $0.total == 3 })
        #expect(recorder.deliveries.compactMap(\.body.text) == ["three", "one ", "three", "two "])
    }

    @Test func sendWithUCS2FlagForcesUCS2() async throws {
        let (network, recorder) = Self.makeNetwork()
        try network.send(from: Self.trackerNumber, text: "plain ascii", ucs2: true)
        await recorder.waitFor(1)
        #expect(recorder.deliveries.first?.dataCoding.alphabet == .ucs2)
    }

    @Test func refusedDeliveryIsHeldAndRetriedInOrder() async throws {
        let (network, recorder) = Self.makeNetwork(redelivery: .milliseconds(10))
        recorder.setRefusing(true)
        try network.send(from: Self.trackerNumber, text: "first")
        try network.send(from: Self.trackerNumber, text: "second")
        // Wait (bounded) until the network has seen a refusal, then let the modem take messages.
        await recorder.waitForRefusal()
        #expect(network.statistics.pendingDeliveries == 2)
        recorder.setRefusing(false)
        network.retryDeliveries()
        await recorder.waitFor(2)
        #expect(recorder.deliveries.compactMap(\.body.text) == ["first", "second"])
        // The network counts a delivery done after the modem took it: wait (bounded) for that.
        let deadline = ContinuousClock.now + .seconds(5)
        while network.statistics.pendingDeliveries != 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(network.statistics.pendingDeliveries == 0)
    }

    @Test func trackerReportToARegisteredPhoneLandsInItsInbox() async throws {
        let (network, _) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        try network.addTracker(
            VirtualTrackerConfiguration(
                number: Self.trackerNumber, model: .tk103, authorised: [Self.phoneNumber],
                position: TrackerPosition(latitude: 14.496282, longitude: 120.993023)))
        try network.raiseAlarm(tracker: Self.trackerNumber, kind: "Door alarm!")
        let inbox = await network.waitForInbox(of: Self.phoneNumber, count: 1, timeout: .seconds(10))
        #expect(inbox?.first?.from == Self.trackerNumber)
        #expect(inbox?.first?.text.hasPrefix("Door alarm!\nlat:14.496282") == true)
    }

    @Test func scheduledReportsFollowTheIntervalWithoutBursts() async throws {
        let (network, recorder) = Self.makeNetwork()
        let start = ContinuousClock.now
        try network.addTracker(
            VirtualTrackerConfiguration(
                number: Self.trackerNumber, model: .gt06, authorised: [Self.modemNumber],
                position: TrackerPosition(latitude: 1, longitude: 2), reportEvery: .seconds(60), alarms: ["SOS alarm!"]),
            startingAt: start)
        #expect(network.sendScheduledReports(at: start + .seconds(59)) == start + .seconds(60))
        // Far too late: one report, and the next one an interval from now.
        #expect(network.sendScheduledReports(at: start + .seconds(600)) == start + .seconds(660))
        await recorder.waitFor(1)
        #expect(recorder.deliveries.count == 1)
        #expect(recorder.deliveries.first?.body.text?.hasPrefix("SOS alarm!Lat:N1.000000") == true)
    }

    @Test func numbersCannotBeBothPhoneAndTracker() throws {
        let (network, _) = Self.makeNetwork()
        try network.addPhone(Self.phoneNumber)
        #expect(throws: SimulationError.self) {
            try network.addTracker(
                VirtualTrackerConfiguration(
                    number: Self.phoneNumber, model: .tk103, position: TrackerPosition(latitude: 0, longitude: 0)))
        }
        #expect(throws: SimulationError.self) { try network.addPhone(Self.modemNumber) }
        #expect(network.inbox(of: "+15550007777") == nil)
    }
}
