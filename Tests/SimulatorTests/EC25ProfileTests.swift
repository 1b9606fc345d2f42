import ATModem
import Foundation
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// The `ec25` profile over a real pty: what reached a Quectel-like modem before anyone opened
/// it waits in `ME`, where a client that only looks at `SM` would never find it (issue #9.1).
@Suite(.serialized) struct EC25ProfileTests {
    static let tracker = SimulationTests.tracker

    static func makeSimulation(profile: VirtualModemProfile, directory: TemporaryDirectory, control: Bool = false) throws -> Simulation {
        let simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: directory.appending("modem").path, controlPath: control ? directory.appending("control.sock").path : nil,
            modemNumber: SimulationTests.modemNumber, profile: profile, radioDelay: .zero, logLevel: .critical,
            phones: [SimulationTests.phone],
            trackers: [
                VirtualTrackerConfiguration(
                    number: tracker, model: .tk103, authorised: [SimulationTests.modemNumber],
                    position: TrackerPosition(latitude: 14.632742, longitude: 121.001790))
            ]))
        try simulation.start()
        return simulation
    }

    @Test func aReportSentBeforeAnyClientConnectsWaitsInME() async throws {
        let directory = try TemporaryDirectory(prefix: "ec25")
        let simulation = try Self.makeSimulation(profile: .ec25, directory: directory)
        defer { simulation.stop() }
        try simulation.send(from: Self.tracker, text: "help me!\nlat:6.319640\nlong:124.975628")
        #expect(await poll { simulation.storedMessages().count == 1 })
        #expect(simulation.storedMessages().map(\.storage) == ["ME"])

        let client = try RawATClient(path: simulation.linkPath)
        try #require(client.command("ATE0") != nil)
        #expect(client.command("AT+CPMS?")?.contains("+CPMS: \"ME\",1,255,\"ME\",1,255,\"ME\",1,255") == true)
        let listed = try #require(client.command("AT+CMGL=4"))
        #expect(listed.contains("+CMGL: 1,0,,"))
        // A client that selects SM for reading sees nothing there: the report is in ME.
        #expect(client.command("AT+CPMS=\"SM\"")?.contains("+CPMS: 0,50,1,255,1,255") == true)
        #expect(client.command("AT+CMGL=4")?.contains("+CMGL:") == false)
    }

    @Test func newMessagesFollowMem3AndCMTINamesTheStorage() throws {
        let directory = try TemporaryDirectory(prefix: "ec25")
        let simulation = try Self.makeSimulation(profile: .ec25, directory: directory)
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try SimulationTests.prepare(client)
        try simulation.send(from: Self.tracker, text: "Door alarm!")
        #expect(client.read(until: "+CMTI: \"ME\",1") != nil)
        try #require(client.command("AT+CPMS=\"SM\",\"SM\",\"SM\"") != nil)
        try simulation.send(from: Self.tracker, text: "ACC alarm!")
        #expect(client.read(until: "+CMTI: \"SM\",1") != nil)
        #expect(try SimulationTests.readDeliver(client, index: "1").body.text == "ACC alarm!")
        #expect(simulation.modem.preferredStorage == PreferredStorage(read: "SM", write: "SM", receive: "SM"))
        #expect(simulation.storedMessages().map(\.storage) == ["SM", "ME"])
    }

    @Test func theGenericProfileStillStoresInSM() throws {
        let directory = try TemporaryDirectory(prefix: "ec25")
        let simulation = try Self.makeSimulation(profile: .generic, directory: directory)
        defer { simulation.stop() }
        let client = try RawATClient(path: simulation.linkPath)
        try SimulationTests.prepare(client)
        try simulation.send(from: Self.tracker, text: "Door alarm!")
        #expect(client.read(until: "+CMTI: \"SM\",1") != nil)
    }

    @Test func commandLinesAreCountedOnceEachOverThePtyAndOnTheControlSocket() throws {
        let directory = try TemporaryDirectory(prefix: "ec25")
        let simulation = try Self.makeSimulation(profile: .ec25, directory: directory, control: true)
        defer { simulation.stop() }
        let control = try ControlClient(path: try #require(simulation.controlPath))
        let client = try RawATClient(path: simulation.linkPath)
        #expect(simulation.modem.commandLinesAnswered == 0)
        try #require(client.command("ATE0") != nil)
        try #require(client.command("AT+CPIN?;+CSQ") != nil)
        try #require(client.command("AT+CMGF=0;+CNMI=2,1,0,0,0;+CPMS?") != nil)
        #expect(simulation.modem.commandLinesAnswered == 3)
        #expect(control.request(["op": "stats"])?["command_lines"] == 3)
        let storage = control.request(["op": "storage"])
        #expect(storage?["preferred"] == ["read": "ME", "write": "ME", "receive": "ME"])
        #expect(control.request(["op": "reset"])?["ok"] == true)
        #expect(control.request(["op": "stats"])?["command_lines"] == 0)
    }
}
