import GatewayDaemon
import ATModem
import ArgumentParser
import Foundation
import Logging
import Simulator
import TrackerGateway

extension Trackerd {
    /// `trackerd demo` — the whole gateway against the bundled simulator, step by step.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo",
            abstract: "Run the gateway against the bundled simulator and show what each phone receives.",
            discussion: """
            Starts the simulator in-process (a virtual modem on a pseudo-terminal and a virtual \
            network), a temporary data directory with one customer, two phones and two trackers \
            of different models, and the real daemon on the simulator's link. A tracker reports, \
            a phone sends LOCATE, the other sends STOP, the tracker reports again. Everything is \
            removed afterwards.

            Examples:
              trackerd demo
              trackerd demo --radio-delay-ms 1500 --verbose
            """
        )

        @Option(help: ArgumentHelp("Simulated network delay per submitted SMS.", valueName: "ms"))
        var radioDelayMs: Int = 20

        @Option(help: ArgumentHelp("Use this receive mode: storage or direct.", valueName: "mode"))
        var receive: String = "storage"

        @Flag(help: "Show the daemon's own (metadata-only) log on stderr.")
        var verbose = false

        func validate() throws {
            guard radioDelayMs >= 0 else { throw ValidationError("--radio-delay-ms must not be negative") }
            guard ModemConfiguration.ReceiveMode(rawValue: receive) != nil else { throw ValidationError("--receive must be storage or direct") }
        }

        func run() async throws {
            let level: Logger.Level = verbose ? .info : .warning
            LoggingSystem.bootstrap { label in
                var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
                handler.logLevel = level
                return handler
            }
            let workspace = try DemoWorkspace()
            defer { workspace.remove() }
            let script = DemoScript(
                workspace: workspace,
                radioDelay: .milliseconds(radioDelayMs),
                receiveMode: ModemConfiguration.ReceiveMode(rawValue: receive) ?? .storage
            )
            // The last line is the verdict, so a reader (or a script) need not scan the story.
            do {
                let verdict = try await script.run()
                print("\ndemo passed: \(verdict)")
            } catch let failure as CommandFailure {
                print("\ndemo FAILED: \(failure.message)")
                throw ExitCode(failure.exitCode.rawValue)
            } catch {
                print("\ndemo FAILED: \(error)")
                throw ExitCode(SysExit.software.rawValue)
            }
        }
    }
}

/// A private temporary directory for the demo's data directory and the simulator's link.
struct DemoWorkspace {
    let root: URL

    init() throws {
        let temporary = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
        var template = Array((temporary + "trackerd-demo-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CommandFailure(exitCode: .ioError, message: "cannot create a temporary directory")
        }
        root = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    var dataDirectory: URL { root.appendingPathComponent("data", isDirectory: true) }
    var linkPath: String { root.appendingPathComponent("modem.tty").path }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

/// The demo's story: who is who, and what happens in which order.
struct DemoScript {
    static let gateway = "+15550001111"
    static let phoneA = "+15550002001"
    static let phoneB = "+15550002002"
    static let car = "+15550003001"
    static let van = "+15550003002"

    let workspace: DemoWorkspace
    let radioDelay: Duration
    let receiveMode: ModemConfiguration.ReceiveMode

    /// Plays the story; returns what was shown, or throws what went wrong.
    func run() async throws -> String {
        let simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: workspace.linkPath,
            modemNumber: Self.gateway,
            radioDelay: radioDelay,
            logLevel: .warning,
            phones: [Self.phoneA, Self.phoneB],
            trackers: [
                VirtualTrackerConfiguration(number: Self.car, model: .tk103, password: "123456", authorised: [Self.gateway], position: TrackerPosition(latitude: 52.520008, longitude: 13.404954)),
                VirtualTrackerConfiguration(number: Self.van, model: .gt06, password: "", authorised: [Self.gateway], position: TrackerPosition(latitude: 48.137154, longitude: 11.576124)),
            ]
        ))
        do { try simulation.start() } catch {
            throw CommandFailure(exitCode: .ioError, message: "simulator: \(error)")
        }
        defer { simulation.stop() }

        let registry = try CLIError.reporting { try Registry.initialise(dataDirectory: workspace.dataDirectory, gatewayNumber: Self.gateway).registry }
        let customer = try CLIError.reporting {
            try registry.addCustomer(NewCustomer(name: "Ada Example", address: "1 Demo Street, Springfield", email: "ada@example.org", phones: [Self.phoneA, Self.phoneB], adultAttested: true))
        }
        _ = try CLIError.reporting { try registry.addTracker(NewTracker(customerID: customer, number: Self.car, model: .tk103, password: "123456", label: "car")) }
        _ = try CLIError.reporting { try registry.addTracker(NewTracker(customerID: customer, number: Self.van, model: .gt06, password: "", label: "van")) }

        print("trackerd demo — simulator modem at \(workspace.linkPath), data in \(workspace.dataDirectory.path)")
        print("the gateway's own number (its modem's SIM) is \(Self.gateway): trackers report to it, phones text it")
        print("customer #\(customer) with phones A \(Self.phoneA) and B \(Self.phoneB); trackers 'car' (tk103) \(Self.car) and 'van' (gt06) \(Self.van)")

        var configuration = DaemonConfiguration(
            modems: [ModemSetup(device: workspace.linkPath, number: Self.gateway, modem: ModemConfiguration(receiveMode: receiveMode))],
            dataDirectory: workspace.dataDirectory,
            relay: RelayConfiguration(ownNumber: Self.gateway)
        )
        configuration.logLevel = .warning
        let daemon = try CLIError.reporting { try Daemon(configuration: configuration, registry: registry, logger: Logger(label: "trackerd")) }
        let daemonTask = Task { try await daemon.run(shutdownSignals: []) }
        defer { daemonTask.cancel() }

        var step = 0
        func show(_ title: String) { step += 1; print("\n\(step). \(title)") }

        show("The car's tracker sends an SOS report to the gateway.")
        try simulation.raiseAlarm(tracker: Self.car, kind: "help me!")
        try await expect(simulation, phone: Self.phoneA, count: 1)
        try await expect(simulation, phone: Self.phoneB, count: 1)

        show("Phone A texts \"LOCATE van\"; the gateway asks the van's tracker (WHERE#), which answers; the answer is relayed.")
        try simulation.send(from: Self.phoneA, text: "LOCATE van")
        try await expect(simulation, phone: Self.phoneA, count: 2)
        try await expect(simulation, phone: Self.phoneB, count: 2)

        show("Phone B texts \"STOP\".")
        try simulation.send(from: Self.phoneB, text: "STOP")
        try await expect(simulation, phone: Self.phoneB, count: 3)

        show("The car's tracker reports again: only phone A gets it now.")
        try simulation.moveTracker(Self.car, to: TrackerPosition(latitude: 52.516275, longitude: 13.377704))
        try simulation.sendReport(tracker: Self.car)
        try await expect(simulation, phone: Self.phoneA, count: 3)
        try await Task.sleep(for: .milliseconds(300))
        let lateB = simulation.inbox(of: Self.phoneB)?.count ?? 0
        print("   phone B still has \(lateB) messages (it sent STOP)")

        // Wait for the deletes that follow the last relay, then check that nothing is left.
        var stored = simulation.storedMessages()
        for _ in 0..<50 where !stored.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            stored = simulation.storedMessages()
        }
        let leftovers = try DemoScript.filesContaining(["52.520008", "48.137154", "52.516275", "help me!"], under: workspace.dataDirectory)
        print("\nmodem storage now holds \(stored.count) messages; files in the data directory holding a reported coordinate: \(leftovers.count)")
        guard stored.isEmpty else {
            throw CommandFailure(exitCode: .software, message: "modem storage still holds \(stored.count) messages")
        }
        guard lateB == 3 else {
            throw CommandFailure(exitCode: .software, message: "phone B has \(lateB) messages after STOP, not 3")
        }
        guard leftovers.isEmpty else {
            throw CommandFailure(exitCode: .software, message: "a reported coordinate is in \(leftovers.joined(separator: ", "))")
        }
        return "both phones got the SOS and the van's position, phone B nothing after STOP, modem storage empty, no coordinate in the data directory"
    }

    /// Every file under `directory` whose bytes contain one of `needles` (invariant 1, checked).
    static func filesContaining(_ needles: [String], under directory: URL) throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard let data = try? Data(contentsOf: url) else { continue }
            if needles.contains(where: { data.range(of: Data($0.utf8)) != nil }) { found.append(url.lastPathComponent) }
        }
        return found
    }

    private func expect(_ simulation: Simulation, phone: String, count: Int) async throws {
        guard let inbox = await simulation.waitForInbox(of: phone, count: count, timeout: .seconds(20)), inbox.count >= count else {
            throw CommandFailure(exitCode: .software, message: "phone \(phone) did not receive message \(count) in time")
        }
        let message = inbox[count - 1]
        let name = phone == Self.phoneA ? "A" : "B"
        let sender = message.from == Self.gateway ? "\(message.from) (the gateway)," : message.from
        let time = Date().formatted(.dateTime.hour(.twoDigits(amPM: .omitted)).minute(.twoDigits).second(.twoDigits))
        print("   \(time) phone \(name) received from \(sender) \(message.parts) part\(message.parts == 1 ? "" : "s"):")
        for line in message.text.split(separator: "\n", omittingEmptySubsequences: false) {
            print("     | \(line)")
        }
    }
}
