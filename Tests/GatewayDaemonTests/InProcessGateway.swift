import ATModem
import Foundation
import GatewayDaemon
import Logging
import Simulator
import TestSupport
import TrackerGateway

/// The daemon built in this process from the library, on a real pty of the in-process simulator
/// and a real SQLite registry, with the modem threads on a manual time source: the tests move
/// time and look at what the daemon did, without sleeping out a timeout on the wall clock.
final class InProcessGateway: @unchecked Sendable {
    static let gateway = "+15550001111"
    static let phone = "+15550002001"
    static let tracker = "+15550003001"

    let directory: TemporaryDirectory
    let simulation: Simulation
    let time = ManualTimeSource()
    let registry: Registry
    let daemon: Daemon
    private var task: Task<Void, any Error>?

    init(healthProbe: Duration = .seconds(240)) throws {
        directory = try TemporaryDirectory(prefix: "tdg")
        simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: directory.path + "/m", modemNumber: Self.gateway, radioDelay: .zero, logLevel: .critical,
            phones: [Self.phone],
            trackers: [VirtualTrackerConfiguration(number: Self.tracker, model: .tk103, password: "123456", authorised: [Self.gateway],
                                                   position: TrackerPosition(latitude: 52.520008, longitude: 13.404954))]))
        try simulation.start()
        let data = directory.appending("d")
        registry = try Registry.initialise(dataDirectory: data, gatewayNumber: Self.gateway).registry
        let customer = try registry.addCustomer(NewCustomer(name: "Ada Example", address: "1 Road", email: "ada@example.org", phones: [Self.phone], adultAttested: true))
        _ = try registry.addTracker(NewTracker(customerID: customer, number: Self.tracker, model: .tk103, password: "123456", label: "car"))
        var configuration = DaemonConfiguration(
            modems: [ModemSetup(device: directory.path + "/m", number: Self.gateway)],
            dataDirectory: data, relay: RelayConfiguration(ownNumber: Self.gateway), healthProbeInterval: healthProbe)
        configuration.time = time
        var logger = Logger(label: "trackerd.test")
        logger.logLevel = .critical
        daemon = try Daemon(configuration: configuration, registry: registry, logger: logger)
    }

    deinit {
        task?.cancel()
        simulation.stop()
    }

    func start() async throws {
        let daemon = self.daemon
        task = Task { try await daemon.run(shutdownSignals: []) }
        guard await poll(timeout: .seconds(20), { await self.modem().state == .ready }) else {
            throw HarnessError("the in-process daemon never reported a ready modem: \(await modem())")
        }
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
        task = nil
    }

    func modem() async -> ModemSnapshot {
        await daemon.status().modems[0]
    }

    /// Moves the modem thread's time on in steps, letting the real I/O each step starts finish.
    func advance(by total: Duration, step: Duration = .seconds(5), until done: (() async -> Bool)? = nil) async -> Duration {
        var elapsed = Duration.zero
        while elapsed < total {
            time.advance(by: step)
            elapsed += step
            // The probe a step fires is real I/O over the pty: let it finish before time moves on,
            // or its timeout (on this same manual time) would pass with the answer still on its way.
            try? await Task.sleep(for: .milliseconds(2))
            _ = await poll(timeout: .seconds(1), every: .milliseconds(2)) { await self.daemon.modems[0].isQuiet }
            if let done, await done() { return elapsed }
        }
        return elapsed
    }
}
