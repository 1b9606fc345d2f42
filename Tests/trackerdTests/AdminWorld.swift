import TestSupport
import Foundation
import LineSocket
import Simulator
#if canImport(Glibc)
import Glibc
#endif

/// A private data directory driven through the real `trackerd` CLI, for the administration tests.
///
/// Layout (short paths, so the control socket stays under the 108-byte limit): `<root>/d` data
/// directory, `<root>/m` the simulator's link, `<root>/daemon.log` the daemon's stderr.
final class AdminWorld: @unchecked Sendable {
    static let gateway = "+15550001111"

    let root: URL
    var dataDirectory: URL { root.appendingPathComponent("d", isDirectory: true) }
    var linkPath: String { root.appendingPathComponent("m").path }
    var logURL: URL { root.appendingPathComponent("daemon.log") }
    private var simulation: Simulation?
    private var daemon: Process?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A new world with `trackerd init` done (own number set, calling code 49 not set).
    init() throws {
        var template = Array((NSTemporaryDirectory() + "/tda-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "mkdtemp failed")
        }
        root = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        let result = try trackerd(["init", "--own-number", Self.gateway])
        guard result.status == 0 else { throw Failure(description: "init failed: \(result.stderr)") }
    }

    deinit {
        stopDaemon()
        simulation?.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs the CLI on this world's data directory. Notices' e-mail goes to `cat`, an MTA that
    /// accepts everything (the e-mail half is tested against a real MTA in RightsMailTests).
    @discardableResult
    func trackerd(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessRunner.Result {
        let base = ["TRACKERD_DATA_DIR": dataDirectory.path, "TRACKERD_MAIL_FROM": "privacy@example.org", "TRACKERD_MAIL_SENDMAIL": "/bin/cat"]
        return try ProcessRunner.run("trackerd", arguments, environment: base.merging(environment) { $1 })
    }

    /// Runs the CLI and returns its trimmed stdout; throws on a non-zero exit.
    func ok(_ arguments: [String]) throws -> String {
        let result = try trackerd(arguments)
        guard result.status == 0 else {
            throw Failure(description: "trackerd \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The database and its write-ahead log, as they are on disk now.
    func databaseBytes() -> [Data] {
        ["registry.sqlite", "registry.sqlite-wal"].map {
            (try? Data(contentsOf: dataDirectory.appendingPathComponent($0))) ?? Data()
        }
    }

    /// Adds a customer with one phone and returns its id.
    func addCustomer(name: String = "Ada Kingsbury", email: String = "ada@example.org", phone: String) throws -> Int {
        let id = try ok(["customer", "add", "--name", name, "--address", "12 St James's Square, London", "--email", email,
                         "--phone", phone, "--adult", "--card-token", "tok_ada_visa", "--card-last4", "4242"])
        guard let value = Int(id) else { throw Failure(description: "customer add printed \(id)") }
        return value
    }

    // MARK: Simulator and daemon

    /// Starts the simulator in this process and `trackerd run` as a child, and waits for a ready modem.
    func startGateway(phones: [String], trackers: [VirtualTrackerConfiguration], extraArguments: [String] = []) async throws -> Simulation {
        let simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: linkPath, modemNumber: Self.gateway, radioDelay: .zero, logLevel: .critical, phones: phones, trackers: trackers))
        try simulation.start()
        self.simulation = simulation
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = ProcessRunner.executable("trackerd")
        process.arguments = ["run", "--device", linkPath, "--own-number", Self.gateway, "--data-dir", dataDirectory.path] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        daemon = process
        let socket = dataDirectory.appendingPathComponent("control.sock").path
        for _ in 0..<400 {
            if let reply = try? LineSocketClient(path: socket, timeout: .seconds(2)).request("{\"op\":\"status\"}"),
               reply.contains("\"state\":\"ready\"") {
                return simulation
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "the daemon never reported a ready modem: \(daemonLog.suffix(2000))")
    }

    var daemonLog: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// SIGTERM, then SIGKILL if the daemon has not exited within ten seconds (its shutdown is
    /// tested elsewhere; here it must only never outlive the test).
    func stopDaemon() {
        guard let daemon, daemon.isRunning else { return }
        kill(daemon.processIdentifier, SIGTERM)
        for _ in 0..<200 where daemon.isRunning {
            usleep(50_000)
        }
        if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
        daemon.waitUntilExit()
    }
}
