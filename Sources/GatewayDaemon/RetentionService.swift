import ATModem
import Foundation
import Logging
import ServiceLifecycle
import TrackerGateway

/// The daemon's retention sweeper: purges what is due at start and then every
/// `retention.sweep-interval`, reading the settings afresh each time (DESIGN.md invariant 5).
///
/// Its work is posted to a modem thread (the first), and it waits on that thread's timers: no
/// thread or timer of its own, nothing shared with the modem but the registry (which the sender
/// look-up reads in WAL mode, never waiting for the sweep's write).
struct RetentionService: Service {
    let registry: Registry
    let executor: ModemExecutor
    let logger: Logger

    func run() async throws {
        // Shutdown cancels the wait; that is the end of the service, not an error.
        try? await cancelWhenGracefulShutdown {
            try await withTaskExecutorPreference(executor) {
                while !Task.isCancelled {
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
                    try await executor.sleep(for: .seconds(interval))
                }
            }
        }
    }
}
