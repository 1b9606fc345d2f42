#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ATModem
import Foundation
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// A bare AT client on the simulator's link: open(2), raw termios, poll(2). No ATModem engine,
/// so what these tests see is exactly what any third-party client would.
final class RawATClient {
    let fd: Int32
    private var received: [UInt8] = []

    init(path: String) throws {
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw SimulationError(path: path, operation: "open link", errno: errno) }
        var settings = termios()
        tcgetattr(fd, &settings)
        cfmakeraw(&settings)
        tcsetattr(fd, TCSANOW, &settings)
    }

    deinit { close(fd) }

    func send(_ command: String) {
        let bytes = Array((command + "\r").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 { offset += written } else { usleep(1000) }
        }
    }

    /// Reads until `marker` appears (returns everything up to and including it, and consumes
    /// it), or `timeout` passes (returns nil). A guard against a hang, not a timing assertion.
    func read(until marker: String, timeout: Duration = .seconds(10)) -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let range = text.range(of: marker) {
                let consumed = String(text[..<range.upperBound])
                received = Array(text[range.upperBound...].utf8)
                return consumed
            }
            let left = deadline - .now
            guard left > .zero else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(min(left.components.seconds * 1000 + 1, 1000))
            guard poll(&descriptor, 1, millis) >= 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { received += chunk[0..<count] }
        }
    }

    /// Sends a command and returns its response up to the final OK (nil on ERROR or silence).
    func command(_ command: String) -> String? {
        send(command)
        guard let response = read(until: "\r\nOK\r\n") else { return nil }
        return response.contains("ERROR") ? nil : response
    }
}

/// The whole simulator over a real pty: network → modem → AT client and back.
@Suite(.serialized) struct SimulationTests {
    static let modemNumber = "+15550001111"
    static let phone = "+15550002222"
    static let tracker = "+639170000001"

    static func makeSimulation(controlSocket: Bool = false) throws -> Simulation {
        var template = Array("/tmp/simnet-sim-XXXXXX".utf8CString)
        guard let pointer = mkdtemp(&template) else { throw SimulationError(path: "/tmp", operation: "mkdtemp", errno: errno) }
        let directory = String(cString: pointer)
        let configuration = SimulationConfiguration(
            linkPath: directory + "/modem", controlPath: controlSocket ? directory + "/control.sock" : nil,
            modemNumber: modemNumber, radioDelay: .zero, logLevel: .critical, phones: [phone],
            trackers: [
                VirtualTrackerConfiguration(
                    number: tracker, model: .tk103, authorised: [modemNumber],
                    position: TrackerPosition(latitude: 14.632742, longitude: 121.001790))
            ])
        let simulation = Simulation(configuration: configuration)
        try simulation.start()
        return simulation
    }

    static func prepare(_ client: RawATClient) throws {
        try #require(client.command("ATE0") != nil)
        try #require(client.command("AT+CMGF=0") != nil)
        try #require(client.command("AT+CNMI=2,1,0,0,0") != nil)
    }

    /// Reads message `index` in PDU mode and decodes it.
    static func readDeliver(_ client: RawATClient, index: String) throws -> SMSDeliver {
        let response = try #require(client.command("AT+CMGR=\(index)"))
        let lines = response.split(whereSeparator: \.isNewline).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("+CMGR:") })
        let pdu = try ModemPDU.decode(hex: lines[header + 1])
        guard case .deliver(let deliver) = pdu.tpdu else {
            Issue.record("not a DELIVER")
            throw SimulationError(path: index, operation: "read", detail: "not a DELIVER")
        }
        return deliver
    }

    @Test func sendFromATrackerRaisesCMTIAndTheStoredPDUCarriesIt() throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        try simulation.send(from: Self.tracker, text: "help me!\nlat:6.319640\nlong:124.975628")
        let cmti = try #require(Self.cmtiIndex(in: client))
        let deliver = try Self.readDeliver(client, index: cmti)
        #expect(deliver.originator.description == Self.tracker)
        #expect(deliver.body.text == "help me!\nlat:6.319640\nlong:124.975628")
        #expect(simulation.storedMessages().count == 1)
    }

    @Test func commandSubmittedOverATReachesTheTrackerAndItsReplyComesBack() throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        let submit = SMSSubmit.parts(to: PhoneAddress(parsing: Self.tracker), text: "smslink123456", concatenationReference: 0)[0]
        let tpdu = try submit.encode()
        client.send("AT+CMGS=\(tpdu.count)")
        try #require(client.read(until: "> ") != nil)
        client.send(ModemPDU.hex(smsc: nil, tpdu: tpdu) + "\u{1A}")
        let sent = try #require(client.read(until: "\r\nOK\r\n"))
        #expect(sent.contains("+CMGS:"))
        let index = try #require(Self.cmtiIndex(in: client))
        let reply = try Self.readDeliver(client, index: index)
        #expect(reply.originator.description == Self.tracker)
        #expect(reply.body.text?.hasPrefix("lat:14.632742\nlong:121.001790\n") == true)
    }

    @Test func smsSubmittedToAPhoneLandsInItsInbox() async throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        let text = String(repeating: "Your car is parked at the station. ", count: 6)
        for part in SMSSubmit.parts(to: PhoneAddress(parsing: Self.phone), text: text, concatenationReference: 9) {
            let tpdu = try part.encode()
            client.send("AT+CMGS=\(tpdu.count)")
            try #require(client.read(until: "> ") != nil)
            client.send(ModemPDU.hex(smsc: nil, tpdu: tpdu) + "\u{1A}")
            try #require(client.read(until: "\r\nOK\r\n")?.contains("+CMGS:") == true)
        }
        let inbox = await simulation.waitForInbox(of: Self.phone, count: 1, timeout: .seconds(10))
        #expect(inbox == [InboxMessage(from: Self.modemNumber, text: text, parts: 2)])
    }

    @Test func controlSocketDrivesTheSameSimulation() throws {
        let simulation = try Self.makeSimulation(controlSocket: true)
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        let control = try ControlClient(path: try #require(simulation.controlPath))
        #expect(control.request(["op": "send", "from": .string(Self.tracker), "text": "Door alarm!"])?["ok"] == true)
        #expect(Self.cmtiIndex(in: client) != nil)
        let storage = control.request(["op": "storage"])
        #expect(storage?["messages"]?.arrayValue?.count == 1)
        #expect(storage?["messages"]?.arrayValue?.first?["sender"] == .string(Self.tracker))
        #expect(control.request(["op": "fault", "kind": "cms-error", "count": 1, "code": 321])?["ok"] == true)
        client.send("AT+CMGR=\(storage?["messages"]?.arrayValue?.first?["index"]?.intValue ?? 0)")
        #expect(client.read(until: "+CMS ERROR: 321") != nil)
        #expect(control.request(["op": "reset"])?["ok"] == true)
        #expect(control.request(["op": "storage"])?["messages"] == .array([]))
        #expect(control.request(["op": "stats"])?["delivered_parts"] == 0)
    }

    @Test func messageRefusedWhileStorageIsFullArrivesOnceTheFaultIsLifted() async throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        simulation.inject(.storageFull)
        try simulation.send(from: Self.tracker, text: "ACC alarm!")
        await simulation.network.settle()
        #expect(simulation.statistics.refusedDeliveries >= 1)
        #expect(simulation.statistics.pendingDeliveries == 1)
        #expect(simulation.storedMessages().isEmpty)
        simulation.liftStorageFull()
        let index = try #require(Self.cmtiIndex(in: client))
        #expect(try Self.readDeliver(client, index: index).body.text == "ACC alarm!")
        #expect(simulation.statistics.pendingDeliveries == 0)
    }

    @Test func trackerAddedWithAScheduleReportsUnprompted() throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try Self.prepare(client)
        try simulation.addTracker(
            VirtualTrackerConfiguration(
                number: "+639170000002", model: .tk103, authorised: [Self.modemNumber],
                position: TrackerPosition(latitude: 6.31964, longitude: 124.975628), reportEvery: .milliseconds(20),
                alarms: ["help me!"]))
        let index = try #require(Self.cmtiIndex(in: client))
        let report = try Self.readDeliver(client, index: index)
        #expect(report.originator.description == "+639170000002")
        #expect(report.body.text?.hasPrefix("help me!\nlat:6.319640") == true)
    }

    @Test func startingTwiceIsRefusedAndTheFirstRunKeepsServing() throws {
        let simulation = try Self.makeSimulation()
        defer { simulation.stop() }
        #expect(throws: SimulationError.self) { try simulation.start() }
        let client = try RawATClient(path: simulation.linkPath)
        #expect(client.command("AT") != nil)
    }

    @Test func stopRemovesTheLinkAndTheControlSocket() throws {
        let simulation = try Self.makeSimulation(controlSocket: true)
        let link = simulation.linkPath
        let control = try #require(simulation.controlPath)
        #expect(FileManager.default.fileExists(atPath: control))
        simulation.stop()
        var status = stat()
        #expect(lstat(link, &status) != 0)
        #expect(lstat(control, &status) != 0)
    }

    /// Waits for `+CMTI: "<mem>",<index>` and returns the index.
    static func cmtiIndex(in client: RawATClient) -> String? {
        guard client.read(until: "+CMTI:") != nil, let rest = client.read(until: "\r\n") else { return nil }
        return rest.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}
