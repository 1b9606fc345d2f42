import Foundation
import LineSocket
import Synchronization
import Simulator
import TestSupport
import Testing
import TrackerProfiles

#if canImport(Glibc)
import Glibc
#endif

/// Issue #11 end to end: two `trackerd run` processes, two data directories, one PostgreSQL
/// registry, each gateway on its own simulated modem of one network, and a tracker authorised to
/// both gateway numbers, so every report reaches both gateways.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct TwoGatewayTests {
    static let gatewayA = "+15550001111"
    static let gatewayB = "+15550001112"
    static let phones = ["+447700900123", "+447700900124"]
    static let tracker = "+639170000001"

    final class World: @unchecked Sendable {
        let root: TemporaryDirectory
        let url: String
        let simulation: Simulation
        var daemons: [String: DaemonProcess] = [:]

        init() throws {
            root = try TemporaryDirectory(prefix: "t2g")
            url = try TestPostgres.freshSchemaURL()
            simulation = Simulation(configuration: SimulationConfiguration(
                modems: [
                    SimulatedModem(linkPath: root.appending("ma").path, number: TwoGatewayTests.gatewayA),
                    SimulatedModem(linkPath: root.appending("mb").path, number: TwoGatewayTests.gatewayB),
                ],
                radioDelay: .zero, logLevel: .critical, phones: TwoGatewayTests.phones,
                trackers: [VirtualTrackerConfiguration(
                    number: TwoGatewayTests.tracker, model: .tk103, authorised: [TwoGatewayTests.gatewayA, TwoGatewayTests.gatewayB],
                    position: TrackerPosition(latitude: 51.507351, longitude: -0.127758))]))
            try cli(["init", "--registry", url, "--own-number", TwoGatewayTests.gatewayA], in: "a")
            let key = root.appending("copy.key").path
            guard let master = FileManager.default.contents(atPath: directory("a") + "/master.key") else { throw HarnessError("init made no master key") }
            try writePrivateFile(key, Array(master))
            try cli(["init", "--join", "--registry", url, "--key-file", key, "--own-number", TwoGatewayTests.gatewayB], in: "b")
            let customer = try cli(["customer", "add", "--registry", url, "--name", "Ada Kingsbury", "--address", "12 St James's Square, London",
                                    "--email", "ada@example.org", "--adult"] + TwoGatewayTests.phones.flatMap { ["--phone", $0] }, in: "a")
            try cli(["tracker", "add", "--registry", url, "--customer", customer, "--number", TwoGatewayTests.tracker,
                     "--model", "tk103", "--password", "123456", "--label", "car"], in: "a")
            try simulation.start()
        }

        deinit {
            for daemon in daemons.values {
                daemon.kill(signal: SIGKILL)
                _ = daemon.waitForExitBlocking(timeout: .seconds(10))
            }
            simulation.stop()
            for name in ["a", "b"] { try? FileManager.default.copyItem(atPath: root.appending("\(name).log").path, toPath: "/tmp/t2g-\(name).log") }
        }

        func directory(_ name: String) -> String { root.appending(name).path }

        /// Gateway `name`'s host as its operator has it: its data directory and the shared registry.
        func environment(in name: String) -> [String: String] {
            ["TRACKERD_DATA_DIR": directory(name), "TRACKERD_REGISTRY": url]
        }

        /// Runs the CLI on gateway `name`'s host.
        func trackerd(_ arguments: [String], in name: String, environment extra: [String: String] = [:]) throws -> ProcessRunner.Result {
            try ProcessRunner.run("trackerd", arguments, environment: environment(in: name).merging(extra) { $1 })
        }

        /// Runs the CLI on gateway `name`'s host and returns its trimmed stdout; throws on a non-zero exit.
        @discardableResult
        func cli(_ arguments: [String], in name: String) throws -> String {
            let result = try trackerd(arguments, in: name)
            guard result.status == 0 else { throw HarnessError("trackerd \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Starts gateway `name` ("a" or "b") on its modem and waits until the modem is ready.
        func start(_ name: String, extra: [String] = []) async throws {
            let (link, number) = name == "a" ? ("ma", TwoGatewayTests.gatewayA) : ("mb", TwoGatewayTests.gatewayB)
            daemons[name] = try DaemonProcess(
                arguments: ["run", "--device", root.appending(link).path, "--own-number", number, "--data-dir", directory(name),
                            "--registry", url, "--log-level", "debug"] + extra,
                log: root.appending("\(name).log"))
            let socket = directory(name) + "/control.sock"
            let ready = await poll {
                guard let reply = try? LineSocketClient(path: socket, timeout: .seconds(2)).request("{\"op\":\"status\"}") else { return false }
                return reply.contains("\"ready\":1")
            }
            if !ready { throw HarnessError("gateway \(name) never reported a ready modem: \(log(name).suffix(2000))") }
        }

        func kill(_ name: String) async {
            daemons[name]?.kill(signal: SIGKILL)
            _ = await daemons[name]?.waitForExit(timeout: .seconds(10))
            daemons[name] = nil
        }

        func log(_ name: String) -> String {
            (try? String(contentsOfFile: root.appending("\(name).log").path, encoding: .utf8)) ?? ""
        }

        func copies(of text: String, on phone: String) -> Int {
            (simulation.inbox(of: phone) ?? []).filter { $0.text.hasPrefix(text) }.count
        }

        /// Waits for `text` on each of `phones`, then a little longer, and returns how many copies each got.
        func delivered(_ text: String, to phones: [String]) async -> [Int] {
            _ = await poll { phones.allSatisfy { self.copies(of: text, on: $0) > 0 } }
            try? await Task.sleep(for: .seconds(2))
            return phones.map { copies(of: text, on: $0) }
        }
    }

    @Test func aReportToBothGatewaysRelaysOnceAStopOnOneHoldsOnTheOtherAndASurvivorRelaysAlone() async throws {
        let world = try World()
        try await world.start("a")
        try await world.start("b")

        // One alarm, delivered to both gateways' modems as the same PDU: each phone gets it once.
        try world.simulation.raiseAlarm(tracker: Self.tracker, kind: "first alarm")
        #expect(await world.delivered("first alarm", to: Self.phones) == [1, 1])
        #expect(await poll {
            world.simulation.storedMessages(modem: Self.gatewayA)?.isEmpty == true && world.simulation.storedMessages(modem: Self.gatewayB)?.isEmpty == true
        }, "both gateways delete their copy")

        // 20 administration writes at once from both gateways' hosts while both relay: none fails.
        try world.simulation.raiseAlarm(tracker: Self.tracker, kind: "busy alarm")
        let statuses = Mutex<[Int32]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { index in
            let result = try? ProcessRunner.run("trackerd", [
                "customer", "add", "--registry", world.url, "--data-dir", world.directory(index % 2 == 0 ? "a" : "b"),
                "--name", "Writer \(index)", "--address", "\(index) Concurrent Lane", "--email", "w\(index)@example.org",
                "--phone", "+4477009\(String(format: "%05d", index))", "--adult",
            ])
            statuses.withLock { $0.append(result?.status ?? -1) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 0, count: 20), "every concurrent write succeeded")
        let listed = try ProcessRunner.run("trackerd", ["customer", "list", "--json", "--registry", world.url, "--data-dir", world.directory("b")])
        #expect(listed.stdout.components(separatedBy: "Writer ").count - 1 == 20, "all 20 customers are there: \(listed.stdout.prefix(300))")
        #expect(await world.delivered("busy alarm", to: Self.phones) == [1, 1])

        // STOP to gateway A; the next alarm, relayed by whichever gateway claims it, skips that phone.
        try world.simulation.send(from: Self.phones[1], text: "STOP", to: Self.gatewayA)
        #expect(await poll { (world.simulation.inbox(of: Self.phones[1]) ?? []).contains { !$0.text.contains("alarm") } }, "STOP is answered")
        try world.simulation.raiseAlarm(tracker: Self.tracker, kind: "second alarm")
        #expect(await world.delivered("second alarm", to: [Self.phones[0]]) == [1])
        #expect(world.copies(of: "second alarm", on: Self.phones[1]) == 0, "the STOP given to A holds on B at once")

        // Gateway A dies: B relays alone. A comes back and finds its copy was relayed: deleted, not sent again.
        await world.kill("a")
        try world.simulation.raiseAlarm(tracker: Self.tracker, kind: "third alarm")
        #expect(await world.delivered("third alarm", to: [Self.phones[0]]) == [1])
        #expect(world.simulation.storedMessages(modem: Self.gatewayA)?.count == 1, "A's copy waits on A's SIM")
        // A report only A's number got while A was down waits on A's SIM too, for A to relay it.
        let onlyToA = "lat:51.500729 long:-0.124625 speed:0.00 only to A"
        try world.simulation.send(from: Self.tracker, text: onlyToA, to: Self.gatewayA)
        #expect(await poll { world.simulation.storedMessages(modem: Self.gatewayA)?.count == 2 }, "the report waits on A's SIM")
        try await world.start("a")
        #expect(await poll { world.simulation.storedMessages(modem: Self.gatewayA)?.isEmpty == true }, "A deletes the copy B relayed")
        #expect(world.copies(of: "third alarm", on: Self.phones[0]) == 1)
        #expect(await world.delivered(onlyToA, to: [Self.phones[0]]) == [1], "A, back, relays what it alone received")
        #expect(world.copies(of: onlyToA, on: Self.phones[1]) == 0)

        // Nothing of a report reached PostgreSQL's files or its write-ahead log.
        try await Task.sleep(for: .seconds(1))
        let files = ByteScan.files(under: try TestPostgres.dataDirectory())
        #expect(files.contains { $0.path.contains("/pg_wal/") }, "the scan covers the write-ahead log")
        let hits = ByteScan.hits(of: ["first alarm", "busy alarm", "third alarm", "51.507351", "-0.127758"], in: files)
        #expect(hits.isEmpty, "\(hits.map { "\($0.file): \($0.needle)" })")

        // Nothing of a report reached either log.
        for name in ["a", "b"] {
            #expect(!world.log(name).contains("alarm") && !world.log(name).contains("51.507351"), "gateway \(name)'s log holds a report")
        }
    }

    /// PostgreSQL goes away under a running gateway: the report waits on the SIM (nothing relayed
    /// blind, nothing lost) and is relayed once the server is back.
    @Test func aReportWaitsOnTheSIMWhileTheRegistryIsAwayAndIsRelayedWhenItReturns() async throws {
        let world = try World()
        try await world.start("a", extra: ["--health-probe-seconds", "2"])
        try world.simulation.send(from: Self.tracker, text: "before the outage lat:51.507351", to: Self.gatewayA)
        #expect(await world.delivered("before the outage", to: [Self.phones[0]]) == [1])

        try TestPostgres.pause()
        var paused = true
        defer { if paused { try? TestPostgres.resume() } }
        try world.simulation.send(from: Self.tracker, text: "during the outage lat:51.507351", to: Self.gatewayA)
        #expect(await poll { world.log("a").contains("left for later") }, "the gateway says the registry failed")
        #expect(world.copies(of: "during the outage", on: Self.phones[0]) == 0)
        #expect(world.simulation.storedMessages(modem: Self.gatewayA)?.count == 1, "left on the SIM")

        try TestPostgres.resume()
        paused = false
        #expect(await world.delivered("during the outage", to: [Self.phones[0]]) == [1])
        #expect(await poll { world.simulation.storedMessages(modem: Self.gatewayA)?.isEmpty == true })
        #expect(!world.log("a").contains("51.507351"), "the log holds a report")
    }
}
