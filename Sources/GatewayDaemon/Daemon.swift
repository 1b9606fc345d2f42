import ATModem
import Foundation
import Logging
import ServiceLifecycle
import TrackerGateway
import UnixSignals

/// The gateway daemon, built from configuration: modem service, relay and control socket in one
/// service group that shuts down gracefully on SIGTERM/SIGINT. `trackerd run` and `trackerd demo`
/// build the same daemon.
public struct Daemon: Sendable {
    let configuration: DaemonConfiguration
    let registry: Registry
    let logger: Logger
    let link = ModemLink()
    let status: StatusBoard
    let relay: Relay<ContinuousClock>

    public init(configuration: DaemonConfiguration, registry: Registry, logger: Logger) throws {
        self.configuration = configuration
        self.registry = registry
        self.logger = logger
        // The own number is kept apart from every phone and tracker (and refused if it is one).
        _ = try registry.requireGatewayNumber(configuration.ownNumber)
        self.status = StatusBoard(receiveMode: configuration.modem.receiveMode)
        self.relay = Relay(
            configuration: configuration.relay,
            directory: registry,
            modem: link,
            clock: ContinuousClock(),
            logger: logger
        )
    }

    /// Runs until SIGTERM/SIGINT (or `signals` empty and the task is cancelled).
    public func run(shutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let modemService = ModemService(configuration: configuration, link: link, relay: relay, status: status, logger: logger)
        let provisioner = Provisioner(registry: registry, relay: relay, link: link, ownNumber: configuration.ownNumber, logger: logger)
        let control = ControlService(path: configuration.controlSocketPath, status: status, relay: relay, link: link, logger: logger, provisioner: provisioner)
        let group = ServiceGroup(
            configuration: .init(
                // Named, because ServiceLifecycle otherwise logs each service's full description at
                // debug level — the configuration with the gateway's own number and the SIM PIN.
                services: [
                    .init(service: control, serviceName: "control"),
                    .init(service: RetentionService(registry: registry, logger: logger), serviceName: "retention"),
                    .init(service: modemService, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "modem"),
                ],
                gracefulShutdownSignals: shutdownSignals,
                logger: logger
            )
        )
        logger.info("trackerd starting", metadata: ["device": "\(configuration.devicePath)", "pid": "\(getpid())"])
        try await group.run()
        logger.info("trackerd stopped")
    }
}
