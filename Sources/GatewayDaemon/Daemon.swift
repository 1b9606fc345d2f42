import ATModem
import Foundation
import Logging
import ServiceLifecycle
import TrackerGateway
import UnixSignals

/// The gateway daemon, built from configuration: one service per modem (each on its own
/// thread), the relay they share, the control socket and the retention sweeper, in one service
/// group that shuts down gracefully on SIGTERM/SIGINT. `trackerd run`, `trackerd demo` and the
/// tests build the same daemon.
public final class Daemon: Sendable {

    public let configuration: DaemonConfiguration
    public let registry: Registry
    public let relay: Relay
    public let modems: [ModemService]
    public let pool: ModemPool
    let logger: Logger
    let startedAt = Date()
    /// Held for the daemon's life: a second one on the same data directory is refused.
    let lock: DaemonLock

    /// Refuses a modem whose number the registry does not hold as a gateway number (the registry
    /// is the one source of truth for them: `trackerd gateway number add`), then builds the parts;
    /// nothing is opened until `run()`.
    public init(configuration: DaemonConfiguration, registry: Registry, logger: Logger) throws {
        precondition(!configuration.modems.isEmpty, "a daemon needs at least one modem")
        // First, before anything in the data directory is touched (the crash journal, the socket).
        lock = try DaemonLock(dataDirectory: configuration.dataDirectory)
        let numbers = try configuration.modems.map { try registry.requireGatewayNumber($0.number) }
        var relayConfiguration = configuration.relay
        // Every gateway number the registry holds, not only the pool's: nothing is relayed to one.
        let registered = (try? registry.gatewayNumbers()) ?? []
        relayConfiguration.gatewayNumbers = numbers + (registered + relayConfiguration.gatewayNumbers).filter { !$0.isEmpty && !numbers.contains($0) }
        let executors = configuration.modems.map { ModemExecutor(name: "modem \($0.device)", time: configuration.time) }
        // The relay's sleeps run on the modem thread that asks for them; the first is the fallback.
        // The relay's sender look-ups go through a bounded route cache the registry's change
        // token invalidates (RouteCache says what it holds).
        let relay = Relay(configuration: relayConfiguration, directory: RouteCache(registry), clock: ExecutorClock(fallback: executors[0]), logger: logger)
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        self.relay = relay
        let pool = ModemPool(numbers: numbers)
        let journal: CrashJournal
        do {
            journal = try CrashJournal(dataDirectory: configuration.dataDirectory)
        } catch {
            throw GatewayError.io(path: configuration.dataDirectory.appendingPathComponent(CrashJournal.fileName).path, operation: "open", errno: EIO)
        }
        modems = configuration.modems.indices.map { index in
            ModemService(setup: configuration.modems[index], index: index, pool: pool, executor: executors[index],
                         configuration: configuration, relay: relay, journal: journal,
                         fingerprint: { [registry] in registry.messageFingerprint($0) }, logger: logger)
        }
        pool.attach(modems)
        self.pool = pool
    }

    /// What `trackerd status` shows.
    public func status() async -> DaemonStatus {
        var snapshots: [ModemSnapshot] = []
        for modem in modems { snapshots.append(await modem.snapshot) }
        return DaemonStatus(pid: getpid(), startedAt: startedAt, modems: snapshots, relay: relay.counters)
    }

    /// Runs until SIGTERM/SIGINT (or, with no signals, until the task is cancelled); then every
    /// modem thread has ended. `operations` adds the metrics endpoint and sd_notify (`trackerd run`).
    public func run(shutdownSignals: [UnixSignal] = [.sigterm, .sigint], operations: OperationsConfiguration = .none) async throws {
        let provisioner = Provisioner(daemon: self, logger: logger)
        let control = ControlService(path: configuration.controlSocketPath, daemon: self, provisioner: provisioner, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: control, serviceName: "control"),
            .init(service: RetentionService(registry: registry, executor: modems[0].executor, logger: logger), serviceName: "retention"),
        ]
        for (number, modem) in modems.enumerated() {
            // Named, because ServiceLifecycle otherwise logs each service's full description at
            // debug level — the configuration with the gateway's number and the SIM PIN.
            services.append(.init(service: ModemLifecycle(modem: modem, relay: number == 0 ? relay : nil),
                                  successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "modem \(number + 1)"))
        }
        services += try await operationsServices(operations)
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: shutdownSignals, logger: logger))
        logger.info("trackerd starting", metadata: ["modems": "\(modems.count)", "pid": "\(getpid())"])
        try await group.run()
        for modem in modems { modem.executor.shutdown() }
        logger.info("trackerd stopped")
    }
}

/// A modem service as a ServiceLifecycle `Service`: runs the connection loop on the modem's
/// thread, and on graceful shutdown closes the modem (the first one also shuts the relay down).
struct ModemLifecycle: Service {
    let modem: ModemService
    let relay: Relay?

    func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await modem.run()
            } onGracefulShutdown: {
                Task { await modem.shutdown() }
            }
        } onCancel: {
            Task { await modem.shutdown() }
        }
        await relay?.shutdown()
    }
}
