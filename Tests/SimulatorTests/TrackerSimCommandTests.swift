import Foundation
import TestSupport
import TrackerProfiles
import Testing

@testable import Simulator

/// `trackersim`'s own client subcommands, run as real processes against a simulator's real
/// control socket, and the server started the old way (no subcommand).
@Suite(.serialized) struct TrackerSimCommandTests {
    static let phone = "+15550002001"
    static let tracker = "+15550003001"

    final class World {
        let directory: TemporaryDirectory
        let simulation: Simulation
        var control: String { simulation.controlPath ?? "" }

        init() throws {
            directory = try TemporaryDirectory(prefix: "trackersim-cli")
            simulation = Simulation(configuration: SimulationConfiguration(
                linkPath: directory.appending("modem").path, controlPath: directory.appending("control.sock").path,
                radioDelay: .zero, logLevel: .critical, phones: [TrackerSimCommandTests.phone],
                trackers: [
                    VirtualTrackerConfiguration(
                        // Authorised to the phone too, so its alarms land straight in the phone's inbox.
                        number: TrackerSimCommandTests.tracker, model: .tk103,
                        authorised: ["+15550001111", TrackerSimCommandTests.phone],
                        position: TrackerPosition(latitude: 52.520008, longitude: 13.404954))
                ]))
            try simulation.start()
        }

        deinit { simulation.stop() }

        func trackersim(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessRunner.Result {
            try ProcessRunner.run("trackersim", arguments, environment: environment)
        }
    }

    @Test func sendReachesTheModemAndSaysHowManyParts() throws {
        let world = try World()
        let result = try world.trackersim(["send", "--control", world.control, "--from", Self.tracker, "--text", "help me!\nlat:1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "sent: 1 part from \(Self.tracker)\n")
        #expect(world.simulation.storedMessages().map(\.sender) == [Self.tracker])
    }

    @Test func inboxPrintsEachMessageWithItsLines() async throws {
        let world = try World()
        try world.simulation.raiseAlarm(tracker: Self.tracker, kind: "help me!")
        let inbox = try #require(await world.simulation.waitForInbox(of: Self.phone, count: 1))
        let text = try #require(inbox.first?.text)
        #expect(text.hasPrefix("help me!\nlat:52.520008\n"))
        let result = try world.trackersim(["inbox", Self.phone], environment: ["TRACKERSIM_CONTROL": world.control])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { "   | \($0)\n" }.joined()
        #expect(result.stdout == "1. from \(Self.tracker) (1 part):\n" + lines)
    }

    @Test func faultIsInjectedAndStatsCountIt() throws {
        let world = try World()
        let fault = try world.trackersim(["fault", "--control", world.control, "storage-full"])
        #expect(fault.status == 0, "\(fault.stderr)")
        _ = try world.trackersim(["send", "--control", world.control, "--from", Self.tracker, "--text", "x"])
        #expect(pollBlocking { world.simulation.statistics.refusedDeliveries > 0 })
        let stats = try world.trackersim(["stats", "--control", world.control, "--json"])
        #expect(stats.status == 0)
        let reply = try #require(JSONValue(parsing: stats.stdout))
        #expect((reply["refused_deliveries"]?.intValue ?? 0) > 0)
        #expect(reply["command_lines"] == 0)
    }

    /// Rows: arguments, the exit status (sysexits) and a word the one stderr line must hold.
    @Test(arguments: [
        (["inbox", "+15550009999"], Int32(65), "not a registered phone"),
        (["fault", "melt"], 65, "unknown fault kind"),
        (["send", "--from", "12", "--text", "x"], 65, "not a phone number"),
        (["stats", "--control", "/nonexistent/control.sock"], 69, "connect to control socket"),
    ])
    func refusalsAreOneLineAndASysexitsCode(arguments: [String], status: Int32, words: String) throws {
        let world = try World()
        let result = try world.trackersim(arguments, environment: ["TRACKERSIM_CONTROL": world.control])
        #expect(result.status == status)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains(words), "\(result.stderr)")
    }

    @Test func withoutASocketItSaysHowToGiveOne() throws {
        let result = try ProcessRunner.run("trackersim", ["stats"], environment: ["TRACKERSIM_CONTROL": ""])
        #expect(result.status == 64)
        #expect(result.stderr.contains("TRACKERSIM_CONTROL"))
    }

    /// Starts `trackersim` with these arguments; returns the process and its output file.
    static func serve(_ arguments: [String], in directory: TemporaryDirectory) throws -> (Process, URL) {
        let output = directory.appending("out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let server = Process()
        server.executableURL = ProcessRunner.executable("trackersim")
        server.arguments = arguments
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        return (server, output)
    }

    @Test func severalModemsFromTheCommandLine() throws {
        let directory = try TemporaryDirectory(prefix: "trackersim-pool")
        let control = directory.appending("control.sock").path
        let (server, output) = try Self.serve([
            "--modem", directory.appending("m1").path + "=+15550001111",
            "--modem", directory.appending("m2").path + "=+15550001112,profile=ec25",
            "--control", control, "--phone", Self.phone,
        ], in: directory)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        #expect(pollBlocking { (try? String(contentsOf: output, encoding: .utf8))?.contains("control: \(control)") == true })
        let announced = try String(contentsOf: output, encoding: .utf8)
        #expect(announced.contains("link: \(directory.appending("m1").path)\nlink: \(directory.appending("m2").path)\n"))
        let modems = try ProcessRunner.run("trackersim", ["modems", "--control", control])
        #expect(modems.stdout.split(separator: "\n").count == 2)
        #expect(modems.stdout.contains("+15550001112  \(directory.appending("m2").path)  profile ec25  storage ME/ME/ME"))
        let sent = try ProcessRunner.run(
            "trackersim", ["send", "--control", control, "--from", Self.tracker, "--text", "x", "--to", "+15550001112"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(pollBlocking {
            (try? ProcessRunner.run("trackersim", ["storage", "--control", control, "--modem", "+15550001112"]))?
                .stdout.contains("  ME 1  REC UNREAD  \(Self.tracker)") == true
        })
        let first = try ProcessRunner.run("trackersim", ["storage", "--control", control])
        #expect(first.stdout.contains("0 messages stored"))
    }

    @Test(arguments: [
        ["--modem", "/tmp/x"],
        ["--modem", "/tmp/x=12345"],
        ["--modem", "/tmp/x=+15550001111,profile=nokia"],
        ["--modem", "/tmp/x=+15550001111,pin=12"],
        ["--modem", "/tmp/x=+15550001111,colour=red"],
        ["--control", "/tmp/nothing.sock"],
        ["--modem", "/tmp/x=+15550001111", "--modem", "/tmp/y=+15550001111"],
        ["--link", "/tmp/x", "--modem", "/tmp/x=+15550001112"],
    ])
    func aBadModemListIsAUsageError(arguments: [String]) throws {
        let result = try ProcessRunner.run("trackersim", arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--modem") || result.stderr.contains("--link"), "\(result.stderr)")
    }

    @Test func theOldInvocationStillServesAndTheClientReadsIt() throws {
        let directory = try TemporaryDirectory(prefix: "trackersim-serve")
        let link = directory.appending("modem").path
        let control = directory.appending("control.sock").path
        let (server, output) = try Self.serve(
            ["--link", link, "--control", control, "--profile", "ec25", "--phone", Self.phone], in: directory)
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        #expect(pollBlocking { (try? String(contentsOf: output, encoding: .utf8))?.contains("control: \(control)") == true })
        let sent = try ProcessRunner.run("trackersim", ["send", "--control", control, "--from", Self.tracker, "--text", "Door alarm!"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let storage = try ProcessRunner.run("trackersim", ["storage", "--control", control])
        #expect(storage.stdout.contains("selected: read ME, write ME, receive ME"))
        #expect(storage.stdout.contains("  ME 1  REC UNREAD  \(Self.tracker)"))
    }
}
