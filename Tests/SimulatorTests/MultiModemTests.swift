import ATModem
import Foundation
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// Several virtual modems on one virtual network (issue #10), each over its own real pty.
@Suite(.serialized) struct MultiModemTests {
    static let first = "+15550001111"
    static let second = "+15550001112"
    static let phone = "+15550002222"
    /// Knows both gateway numbers: alarms and reports go to both.
    static let pooled = "+639170000001"
    /// Knows the second modem only.
    static let single = "+639170000002"
    static let position = TrackerPosition(latitude: 14.632742, longitude: 121.001790)

    final class World {
        let directory: TemporaryDirectory
        let simulation: Simulation

        init(extraTrackers: [VirtualTrackerConfiguration] = []) throws {
            directory = try TemporaryDirectory(prefix: "multimodem")
            simulation = Simulation(configuration: SimulationConfiguration(
                modems: [
                    SimulatedModem(linkPath: directory.appending("m1").path, number: MultiModemTests.first),
                    SimulatedModem(linkPath: directory.appending("m2").path, number: MultiModemTests.second, profile: .ec25),
                ],
                controlPath: directory.appending("control.sock").path, radioDelay: .zero, logLevel: .critical,
                phones: [MultiModemTests.phone],
                trackers: [
                    VirtualTrackerConfiguration(
                        number: MultiModemTests.pooled, model: .tk103,
                        authorised: [MultiModemTests.first, MultiModemTests.second], position: MultiModemTests.position),
                    VirtualTrackerConfiguration(
                        number: MultiModemTests.single, model: .tk103, authorised: [MultiModemTests.second],
                        position: MultiModemTests.position),
                ] + extraTrackers))
            try simulation.start()
        }

        deinit { simulation.stop() }

        func client(_ number: String) throws -> RawATClient {
            let client = try RawATClient(path: try #require(simulation.configuration.modems.first { $0.number == number }).linkPath)
            try SimulationTests.prepare(client)
            return client
        }

        func control() throws -> ControlClient { try ControlClient(path: try #require(simulation.controlPath)) }
    }

    @Test func eachModemHasItsOwnPtyStorageAndCounters() throws {
        let world = try World()
        let one = try world.client(Self.first)
        let two = try world.client(Self.second)
        try world.simulation.send(from: Self.phone, text: "LOCATE", to: Self.second)
        #expect(two.read(until: "+CMTI: \"ME\",1") != nil)
        #expect(world.simulation.storedMessages(modem: Self.first) == [])
        #expect(world.simulation.storedMessages(modem: Self.second)?.map(\.sender) == [Self.phone])
        try #require(one.command("AT") != nil)
        let control = try world.control()
        #expect(control.request(["op": "stats", "modem": .string(Self.first)])?["delivered_parts"] == 0)
        #expect(control.request(["op": "stats", "modem": .string(Self.second)])?["delivered_parts"] == 1)
        // prepare() sent three lines to each; the first modem got one more.
        #expect(world.simulation.modem(number: Self.first)?.commandLinesAnswered == 4)
        #expect(control.request(["op": "stats", "modem": .string(Self.second)])?["command_lines"] == 3)
        #expect(control.request(["op": "storage", "modem": .string(Self.second)])?["messages"]?.arrayValue?.count == 1)
    }

    @Test func aFaultOnOneModemLeavesTheOtherServing() throws {
        let world = try World()
        let one = try world.client(Self.first)
        let two = try world.client(Self.second)
        let control = try world.control()
        #expect(control.request(["op": "fault", "kind": "storage-full", "modem": .string(Self.first)])?["ok"] == true)
        #expect(control.request(["op": "send", "from": .string(Self.phone), "text": "to one"])?["ok"] == true)
        #expect(control.request(["op": "send", "from": .string(Self.phone), "text": "to two", "to": .string(Self.second)])?["ok"] == true)
        #expect(two.read(until: "+CMTI: \"ME\",1") != nil)
        #expect(pollBlocking { world.simulation.statistics(modem: Self.first)?.refusedDeliveries ?? 0 > 0 })
        #expect(world.simulation.statistics(modem: Self.first)?.pendingDeliveries == 1)
        #expect(world.simulation.statistics(modem: Self.second)?.pendingDeliveries == 0)
        #expect(control.request(["op": "fault", "kind": "storage-ok", "modem": .string(Self.first)])?["ok"] == true)
        let index = try #require(SimulationTests.cmtiIndex(in: one))
        #expect(try SimulationTests.readDeliver(one, index: index).body.text == "to one")
    }

    @Test func anAlarmReachesEveryAuthorisedModemAsTheSamePDU() throws {
        let world = try World()
        let one = try world.client(Self.first)
        let two = try world.client(Self.second)
        try world.simulation.raiseAlarm(tracker: Self.pooled, kind: "help me!")
        let first = try SimulationTests.readDeliver(one, index: try #require(SimulationTests.cmtiIndex(in: one)))
        let second = try SimulationTests.readDeliver(two, index: try #require(SimulationTests.cmtiIndex(in: two)))
        #expect(first.body.text?.hasPrefix("help me!\nlat:14.632742") == true)
        // Same sender, SCTS, concatenation reference and text: what a gateway pool deduplicates on.
        #expect(try first.encode() == second.encode())
        #expect(world.simulation.statistics.deliveredParts == 2)
    }

    /// Each sender numbers its own long messages, as a phone does: a reference comes round again
    /// only after 256 of that sender's long messages, not after 256 of the whole network's (which
    /// made the soak meet a lone part's reference again within a minute).
    @Test func concatenationReferencesCountPerSender() async throws {
        let world = try World()
        let two = try world.client(Self.second)
        let long = String(repeating: "lat:14.632742 long:121.001790 ", count: 8)
        for sender in [Self.pooled, Self.single, Self.pooled] {
            try world.simulation.send(from: sender, text: long, to: Self.second)
        }
        #expect(await poll { world.simulation.storedMessages(modem: Self.second)?.count == 6 })
        let listing = try #require(two.command("AT+CMGL=4")).split(whereSeparator: \.isNewline).map(String.init)
        var references: [String: [Int]] = [:]
        for (line, pdu) in zip(listing, listing.dropFirst()) where line.hasPrefix("+CMGL:") {
            guard case .deliver(let deliver) = try ModemPDU.decode(hex: pdu).tpdu else { Issue.record("not a DELIVER"); continue }
            let concatenation = try #require(deliver.userDataHeader?.concatenation)
            if concatenation.part == 1 { references[deliver.originator.description, default: []].append(concatenation.reference) }
        }
        let pooled = try #require(references[Self.pooled])
        #expect(pooled.count == 2 && pooled[1] == (pooled[0] + 1) & 0xFF, "\(pooled)")
        #expect(references[Self.single] == [pooled[0]], "another sender's first long message starts its own count")
    }

    @Test func scheduledReportsGoToEveryAuthorisedModem() throws {
        let reporter = VirtualTrackerConfiguration(
            number: "+639170000003", model: .tk103, authorised: [Self.first, Self.second], position: Self.position,
            reportEvery: .milliseconds(20))
        let world = try World(extraTrackers: [reporter])
        let one = try world.client(Self.first)
        let two = try world.client(Self.second)
        #expect(SimulationTests.cmtiIndex(in: one) != nil)
        #expect(SimulationTests.cmtiIndex(in: two) != nil)
        #expect(world.simulation.storedMessages(modem: Self.first)?.contains { $0.sender == reporter.number } == true)
        #expect(world.simulation.storedMessages(modem: Self.second)?.contains { $0.sender == reporter.number } == true)
    }

    @Test func aTrackerAnswersOnTheModemThatAsked() throws {
        let world = try World()
        _ = try world.client(Self.first)
        let two = try world.client(Self.second)
        let tpdu = try SMSSubmit.parts(to: PhoneAddress(parsing: Self.pooled), text: "smslink123456", concatenationReference: 0)[0].encode()
        two.send("AT+CMGS=\(tpdu.count)")
        try #require(two.read(until: "> ") != nil)
        two.send(ModemPDU.hex(smsc: nil, tpdu: tpdu) + "\u{1A}")
        try #require(two.read(until: "\r\nOK\r\n")?.contains("+CMGS:") == true)
        let reply = try SimulationTests.readDeliver(two, index: try #require(SimulationTests.cmtiIndex(in: two)))
        #expect(reply.originator.description == Self.pooled)
        #expect(world.simulation.storedMessages(modem: Self.first) == [])
        let control = try world.control()
        #expect(control.request(["op": "sent", "modem": .string(Self.second)])?["parts"] == 1)
        #expect(control.request(["op": "sent", "modem": .string(Self.first)])?["parts"] == 0)
    }

    @Test func theSingleModemAPIMeansTheFirstModem() throws {
        let world = try World()
        let simulation = world.simulation
        #expect(simulation.modem === simulation.modems[0])
        #expect(simulation.modem(number: "15550001112") === simulation.modems[1])
        #expect(simulation.modem(number: "+15550009999") == nil)
        #expect(simulation.linkPath == simulation.configuration.modems[0].linkPath)
        try simulation.send(from: Self.phone, text: "no modem named")
        #expect(pollBlocking { simulation.storedMessages().count == 1 })
        #expect(simulation.storedMessages() == simulation.storedMessages(modem: Self.first))
        let control = try world.control()
        #expect(control.request(["op": "stats"])?["modem"] == .string(Self.first))
        #expect(control.request(["op": "storage"])?["modem"] == .string(Self.first))
    }

    @Test func theModemsOpListsEveryModem() throws {
        let world = try World()
        let modems = try #require(try world.control().request(["op": "modems"])?["modems"]?.arrayValue)
        #expect(modems.map { $0["number"] } == [.string(Self.first), .string(Self.second)])
        #expect(modems.map { $0["profile"] } == ["generic", "ec25"])
        #expect(modems.map { $0["preferred"]?["receive"] } == ["SM", "ME"])
        #expect(modems.allSatisfy { $0["device"]?.stringValue?.hasPrefix("/dev/pts/") == true })
    }

    @Test func anUnknownModemIsRefusedByName() throws {
        let world = try World()
        #expect(throws: SimulationError.self) { try world.simulation.send(from: Self.phone, text: "x", to: "+15550009999") }
        #expect(throws: SimulationError.self) { try world.simulation.inject(.storageFull, modem: "+15550009999") }
        let reply = try world.control().request(["op": "fault", "kind": "storage-full", "modem": "+15550009999"])
        #expect(reply?["ok"] == false)
        #expect(reply?["error"]?.stringValue?.contains("no modem with that number") == true)
    }

    /// Rows: two modem slots that cannot share a network, and what the refusal says.
    @Test(arguments: [
        ("same", "+15550001111", "same", "+15550001112", "two modems on one link"),
        ("a", "+15550001111", "b", "15550001111", "two modems with one number"),
        ("a", "+15550001111", "b", "modem", "not a phone number"),
    ])
    func modemsThatCannotShareANetworkAreRefusedAtStart(
        linkA: String, numberA: String, linkB: String, numberB: String, detail: String
    ) throws {
        let directory = try TemporaryDirectory(prefix: "multimodem")
        let simulation = Simulation(configuration: SimulationConfiguration(
            modems: [
                SimulatedModem(linkPath: directory.appending(linkA).path, number: numberA),
                SimulatedModem(linkPath: directory.appending(linkB).path, number: numberB),
            ],
            logLevel: .critical))
        defer { simulation.stop() }
        do {
            try simulation.start()
            Issue.record("started")
        } catch {
            #expect(error.detail == detail)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appending(linkA).path))
    }
}
