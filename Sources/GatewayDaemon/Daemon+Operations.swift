import Foundation
import Logging
import ServiceLifecycle

/// What `trackerd run` adds to the daemon for operating it: the Prometheus endpoint, the
/// sd_notify service and, in tests only, the wedge hook. Tests and `trackerd demo` that build
/// the daemon in-process pass nothing and get none of them.
public struct OperationsConfiguration: Sendable {
    /// Nil: no metrics endpoint.
    public var metricsListen: ListenAddress?
    /// Where `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `TRACKERD_TEST_HOOKS` are read.
    public var environment: [String: String]

    public init(metricsListen: ListenAddress? = nil, environment: [String: String] = [:]) {
        self.metricsListen = metricsListen
        self.environment = environment
    }

    public static let none = OperationsConfiguration()
}

extension Daemon {
    /// The services for `operations`, with the metrics address already bound (so a bad address
    /// stops start-up before any modem is opened). They go last in the group: graceful shutdown
    /// runs in reverse, so `STOPPING=1` is said first.
    func operationsServices(_ operations: OperationsConfiguration) async throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let address = operations.metricsListen {
            let exporter = MetricsExporter()
            let server = try await MetricsServer.bind(address, logger: logger) { [self] in exporter.scrape(await status()) }
            logger.info("metrics endpoint listening", metadata: ["address": "\(server.address.host):\(server.boundPort)"])
            services.append(.init(service: MetricsService(server: server), serviceName: "metrics"))
        }
        if WedgeTestHook.isEnabled(operations.environment) {
            services.append(.init(service: WedgeTestHook(executor: modems[0].executor, logger: logger), serviceName: "test-hooks"))
        }
        if let notifier = SystemdNotifier(environment: operations.environment) {
            let watchdog = WatchdogSettings(environment: operations.environment)
            services.append(.init(service: SystemdService(notifier: notifier, watchdog: watchdog, daemon: self, logger: logger), serviceName: "systemd"))
        }
        return services
    }
}
