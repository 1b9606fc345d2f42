import ATModem
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// A test hook, present only with `TRACKERD_TEST_HOOKS=1`: SIGUSR2 wedges the first modem's
/// thread with a job that never returns, so a test can see the watchdog pings stop.
///
/// Issue 12's watchdog test. Nothing else can make a modem thread hang on demand from outside
/// the process; without the variable the signal keeps its default action (the process ends).
struct WedgeTestHook: Service {
    static let variable = "TRACKERD_TEST_HOOKS"

    let executor: ModemExecutor
    let logger: Logger

    static func isEnabled(_ environment: [String: String]) -> Bool { environment[variable] == "1" }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigusr2)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.warning("test hook: wedging the first modem's thread")
            executor.execute {
                // Blocks this modem thread for good: the state a stuck driver call leaves it in.
                DispatchSemaphore(value: 0).wait()
            }
        }
    }
}
