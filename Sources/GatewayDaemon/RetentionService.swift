import Foundation
import Logging
import ServiceLifecycle
import TrackerGateway

/// The daemon's retention sweeper: purges what is due at start and then every
/// `retention.sweep-interval`, reading the settings afresh each time (DESIGN.md invariant 5).
struct RetentionService: Service {
    let registry: Registry
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var interval = RetentionSettings.defaults.sweepInterval
            do {
                let settings = try registry.retentionSettings()
                interval = settings.sweepInterval
                let report = try registry.runSweep(policy: settings.policy)
                if !report.customerIDs.isEmpty || report.auditEntries > 0 {
                    logger.info("retention sweep", metadata: ["purgedCustomers": "\(report.customerIDs.count)", "purgedAuditEntries": "\(report.auditEntries)"])
                }
            } catch {
                // Metadata only: the error names a path or a rule, never PII.
                logger.error("retention sweep failed; retried next interval", metadata: ["error": "\(error)"])
            }
            let pause = Duration.seconds(interval)
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: pause)
                }
            } catch {
                return
            }
        }
    }
}
