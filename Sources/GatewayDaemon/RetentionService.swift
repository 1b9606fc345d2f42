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
                        // A hand-edited interval below the CLI's floor is taken, but never below a
                        // second: 0 would sweep in a tight loop.
                        interval = max(settings.sweepInterval, 1)
                        // Once across the gateways of a shared registry: the one holding the
                        // job's lock sweeps, the others skip this turn (issue #11).
                        let swept = try registry.exclusively(job: "retention") {
                            (try registry.runSweep(policy: settings.policy), try registry.purgeRelayClaims())
                        }
                        if let (report, claims) = swept {
                            if !report.customerIDs.isEmpty || report.auditEntries > 0 || claims > 0 {
                                logger.info("retention sweep", metadata: [
                                    "purgedCustomers": "\(report.customerIDs.count)", "purgedAuditEntries": "\(report.auditEntries)",
                                    "expiredRelayClaims": "\(claims)",
                                ])
                            } else {
                                logger.debug("retention sweep found nothing due")
                            }
                        } else {
                            logger.debug("retention sweep left to the gateway running it now")
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
