import Foundation
import LineSocket
#if canImport(Glibc)
import Glibc
#endif
import Simulator
import TestSupport
import TrackerProfiles
import Testing

/// Who is who in every end-to-end test: the gateway, two customers, their phones and trackers.
///
/// Ada owns three phones and one tracker of each model (each with its own position, so a reply
/// shows which tracker sent it); Bob owns one phone and one tracker. Nobody else is registered.
enum Cast {
    static let gateway = "+15550001111"
    static let adaPhones = ["+15550002001", "+15550002002", "+15550002003"]
    static let bobPhone = "+15550002101"
    static let bobTracker = "+15550003101"
    static let stranger = "+15550009999"

    struct Tracker: Sendable, CustomStringConvertible {
        var number: String
        var model: TrackerModel
        var password: String
        var label: String
        var position: TrackerPosition
        var description: String { model.rawValue }
    }

    static let adaTrackers: [Tracker] = [
        Tracker(number: "+15550003001", model: .tk103, password: "123456", label: "car", position: TrackerPosition(latitude: 52.520008, longitude: 13.404954)),
        Tracker(number: "+15550003002", model: .xexun, password: "654321", label: "van", position: TrackerPosition(latitude: 48.137154, longitude: 11.576124)),
        Tracker(number: "+15550003003", model: .gt06, password: "000000", label: "bike", position: TrackerPosition(latitude: 50.110924, longitude: 8.682127)),
        Tracker(number: "+15550003004", model: .teltonika, password: "4321", label: "boat", position: TrackerPosition(latitude: 53.551086, longitude: 9.993682)),
    ]
    static let bob = Tracker(number: bobTracker, model: .tk103, password: "112233", label: "truck", position: TrackerPosition(latitude: 40.416775, longitude: -3.703790))

    static var adaCar: Tracker { adaTrackers[0] }
    static var allPhones: [String] { adaPhones + [bobPhone] }
    static var allTrackers: [Tracker] { adaTrackers + [bob] }

    /// The account PII the registry holds, for the scans that must not find it.
    static let adaName = "Augusta Ada Kingsbury"
    static let adaAddress = "12 St James's Square, London"
    static let adaEmail = "ada.kingsbury@example.org"
    static let bobName = "Roberto Bobadilla Quintana"
    static let bobAddress = "Calle de Alcala 48, Madrid"
    static let bobEmail = "roberto.quintana@example.net"

    static var simulatedTrackers: [VirtualTrackerConfiguration] {
        allTrackers.map {
            VirtualTrackerConfiguration(number: $0.number, model: $0.model, password: $0.password, authorised: [gateway], position: $0.position)
        }
    }
}

/// One end-to-end test's world: a private temp directory, the registry filled through the real
/// CLI, the simulator in this process and `trackerd run` as a child process.
///
/// Layout (short, so the control socket path stays far below the 108-byte limit):
/// `<root>/d` data directory, `<root>/m` the modem link, `<root>/daemon.log` the daemon's
/// stderr — outside the data directory, so a scan of the one does not see the other.
final class DaemonHarness: @unchecked Sendable {
    let root: URL
    let simulation: Simulation
    private(set) var daemon: DaemonProcess?
    private var lastExtraArguments: [String]?

    var dataDirectory: URL { root.appendingPathComponent("d", isDirectory: true) }
    var linkPath: String { root.appendingPathComponent("m").path }
    var logURL: URL { root.appendingPathComponent("daemon.log") }
    var controlSocketPath: String { dataDirectory.appendingPathComponent("control.sock").path }

    /// The gateway numbers of the pool's modems, the first being `Cast.gateway`.
    let gatewayNumbers: [String]

    /// A fresh world with the standard registry (a copy of one made once by the CLI).
    ///
    /// `poolNumbers` adds modems to the simulated network (links `<root>/m2`, `<root>/m3`, …),
    /// registers their numbers as gateway numbers, and has `startDaemon` run the pool with
    /// `--modem`. `trackers` overrides the cast's simulated trackers (their authorised numbers).
    init(radioDelay: Duration = .zero, pin: String? = nil, registry: Bool = true, profile: VirtualModemProfile = .generic,
         poolNumbers: [String] = [], trackers: [VirtualTrackerConfiguration]? = nil) throws {
        root = try TemporaryDirectory.make(prefix: "tde")
        gatewayNumbers = [Cast.gateway] + poolNumbers
        let data = root.appendingPathComponent("d", isDirectory: true)
        if registry {
            try RegistryTemplate.copy(to: data)
            for number in poolNumbers { try RegistryTemplate.cli(["gateway", "number", "add", number, "--data-dir", data.path]) }
        }
        let base = root
        let links = gatewayNumbers.indices.map { base.appendingPathComponent($0 == 0 ? "m" : "m\($0 + 1)").path }
        simulation = Simulation(configuration: SimulationConfiguration(
            modems: zip(links, gatewayNumbers).map { SimulatedModem(linkPath: $0, number: $1, pin: pin, profile: profile) },
            radioDelay: radioDelay,
            logLevel: .critical,
            phones: Cast.allPhones,
            trackers: trackers ?? Cast.simulatedTrackers
        ))
        try simulation.start()
    }

    /// The link of the pool's modem `index` (0: `linkPath`).
    func link(_ index: Int) -> String { root.appendingPathComponent(index == 0 ? "m" : "m\(index + 1)").path }

    deinit { shutDown() }

    /// Kills a daemon still running, stops the simulator and removes everything.
    func shutDown() {
        daemon?.kill(signal: SIGKILL)
        _ = daemon?.waitForExitBlocking(timeout: .seconds(10))
        daemon = nil
        simulation.stop()
        try? FileManager.default.removeItem(at: root)
    }

    // MARK: The daemon

    /// Starts `trackerd run` on the simulator's link and waits until the modem is ready.
    @discardableResult
    func startDaemon(_ extra: [String] = [], waitUntilReady: Bool = true, modemCount: Int? = nil, environment: [String: String] = [:],
                     device: String? = nil) async throws -> DaemonProcess {
        let count = modemCount ?? gatewayNumbers.count
        let modems = count == 1
            ? ["--device", device ?? linkPath, "--own-number", Cast.gateway]
            : (0..<count).flatMap { ["--modem", "\(link($0))=\(gatewayNumbers[$0])"] }
        let arguments = ["run"] + modems + ["--data-dir", dataDirectory.path, "--log-level", "debug"] + extra
        lastExtraArguments = extra
        let process = try DaemonProcess(arguments: arguments, log: logURL, environment: environment)
        daemon = process
        if waitUntilReady {
            let ready = await poll { [self] in ((try? status())?["pool"] as? [String: Any])?["ready"] as? Int == count }
            if !ready {
                throw HarnessError("daemon never reported a ready modem; log:\n\(log.suffix(3000))")
            }
        }
        return process
    }

    /// Starts the daemon again with the arguments of the last start.
    @discardableResult
    func restartDaemon() async throws -> DaemonProcess {
        guard let extra = lastExtraArguments else { throw HarnessError("restart needs an earlier start") }
        return try await startDaemon(extra)
    }

    /// The daemon's status over its control socket (what `trackerd status --json` prints).
    func status() throws -> [String: Any] {
        let reply = try LineSocketClient(path: controlSocketPath, timeout: .seconds(5)).request("{\"op\":\"status\"}")
        guard let object = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
              let status = object["status"] as? [String: Any]
        else { throw HarnessError("unreadable status reply") }
        return status
    }

    /// The first modem's part of the status.
    func modemStatus() throws -> [String: Any] {
        guard let modems = try status()["modems"] as? [[String: Any]], let first = modems.first else {
            throw HarnessError("status without modems")
        }
        return first
    }

    /// One relay counter (`relayed`, `unknownSenders`, `rateLimited`, …) from the status.
    func counter(_ name: String) -> Int? {
        ((try? status())?["relay"] as? [String: Any])?[name] as? Int
    }

    /// Waits until the relay counter reaches at least `value`.
    func waitForCounter(_ name: String, atLeast value: Int, timeout: Duration = .seconds(20)) async -> Bool {
        await poll(timeout: timeout) { [self] in (counter(name) ?? -1) >= value }
    }

    /// The daemon's captured stderr so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    // MARK: The network

    /// Waits until `phone` holds `count` messages; returns its inbox (possibly shorter on timeout).
    func inbox(of phone: String, count: Int, timeout: Duration = .seconds(20)) async -> [InboxMessage] {
        await simulation.waitForInbox(of: phone, count: count, timeout: timeout) ?? []
    }

    func inbox(of phone: String) -> [InboxMessage] { simulation.inbox(of: phone) ?? [] }

    /// Waits until `phone` has received every one of `texts` (at-least-once: repeats allowed);
    /// returns the distinct texts it holds then.
    func texts(of phone: String, including texts: Set<String>, timeout: Duration = .seconds(20)) async -> Set<String> {
        _ = await poll(timeout: timeout) { [self] in Set(inbox(of: phone).map(\.text)).isSuperset(of: texts) }
        return Set(inbox(of: phone).map(\.text))
    }

    /// Waits until the modem's storage is empty.
    func waitForEmptyStorage(timeout: Duration = .seconds(20)) async -> Bool {
        await poll(timeout: timeout) { [self] in simulation.storedMessages().isEmpty }
    }

    /// Waits until the daemon has read a stored message (`+CMGR` marks it `REC READ`).
    func waitForReadMessage(timeout: Duration = .seconds(20)) async -> Bool {
        await poll(timeout: timeout, every: .milliseconds(5)) { [self] in
            simulation.storedMessages().contains { $0.status == "REC READ" }
        }
    }
}

/// The standard registry, made once per test run with the real CLI and copied into each test.
enum RegistryTemplate {
    /// The template's data directory, or why it could not be made.
    static let built: Result<URL, HarnessError> = {
        do {
            let root = try TemporaryDirectory.make(prefix: "tdt")
            templateRoot = root.path
            // Removed when the test process ends; every test only copies it.
            atexit { templateRoot.map { _ = try? FileManager.default.removeItem(atPath: $0) } }
            let data = root.appendingPathComponent("d", isDirectory: true)
            try fill(data)
            return .success(data)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(HarnessError("\(error)"))
        }
    }()

    /// Runs `trackerd init`, `customer add` and `tracker add` for the whole cast.
    static func fill(_ data: URL) throws {
        let dir = ["--data-dir", data.path]
        try cli(["init"] + dir + ["--own-number", Cast.gateway])
        let ada = try cli(["customer", "add"] + dir + [
            "--name", Cast.adaName, "--address", Cast.adaAddress, "--email", Cast.adaEmail, "--adult",
        ] + Cast.adaPhones.flatMap { ["--phone", $0] })
        for tracker in Cast.adaTrackers {
            try cli(["tracker", "add"] + dir + ["--customer", ada, "--number", tracker.number, "--model", tracker.model.rawValue, "--password", tracker.password, "--label", tracker.label])
        }
        let bob = try cli(["customer", "add"] + dir + [
            "--name", Cast.bobName, "--address", Cast.bobAddress, "--email", Cast.bobEmail, "--adult", "--phone", Cast.bobPhone,
        ])
        let b = Cast.bob
        try cli(["tracker", "add"] + dir + ["--customer", bob, "--number", b.number, "--model", b.model.rawValue, "--password", b.password, "--label", b.label])
    }

    /// Runs one CLI command that must succeed; returns its trimmed stdout.
    @discardableResult
    static func cli(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("trackerd", arguments)
        guard result.status == 0 else {
            throw HarnessError("trackerd \(arguments.prefix(2).joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Copies the template's files into `destination` with the modes the CLI gave them.
    static func copy(to destination: URL) throws {
        let source = try built.get()
        let manager = FileManager.default
        try manager.createDirectory(at: destination, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        for name in try manager.contentsOfDirectory(atPath: source.path) {
            let from = source.appendingPathComponent(name)
            let to = destination.appendingPathComponent(name)
            try manager.copyItem(at: from, to: to)
            let mode = (try manager.attributesOfItem(atPath: from.path)[.posixPermissions] as? Int) ?? 0o600
            try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: to.path)
        }
    }
}

/// Where the template lives, for the clean-up at exit. Written once, inside the one-time
/// initialisation of `RegistryTemplate.built`, before the exit handler that reads it exists.
nonisolated(unsafe) private var templateRoot: String?

