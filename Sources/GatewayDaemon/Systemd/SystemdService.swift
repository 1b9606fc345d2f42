import ATModem
import Foundation
import LineSocket
import Logging
import ServiceLifecycle
import Synchronization

/// The daemon's side of `Type=notify`: `READY=1` once it serves, `STATUS=` and `WATCHDOG=1`
/// while every modem thread turns, `STOPPING=1` at shutdown.
///
/// Issue 12; sd_notify(3), sd_watchdog_enabled(3). READY means the control socket answers and
/// every modem service has started its thread (each thread ran a job posted to it) — not that
/// every modem is on the network: a modem may be unplugged or its SIM slow, and the daemon takes
/// it up whenever it comes, so `systemctl start` must not wait for hardware (STATUS says how many
/// are ready). The watchdog posts a no-op to each modem thread every half timeout and pings only
/// when all of them ran it in that time, so a thread stuck in a blocking call stops the pings and
/// systemd restarts the daemon; a relay is never delayed by this, the no-op queues behind it.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let watchdog: WatchdogSettings?
    let daemon: Daemon
    let logger: Logger
    /// How often `STATUS=` is refreshed when systemd set no watchdog.
    var statusInterval: Duration = .seconds(30)

    func run() async {
        let gate = Gate(notifier: notifier)
        await withGracefulShutdownHandler {
            do {
                try await cancelWhenGracefulShutdown {
                    try await waitUntilServing()
                    var line = StatusLine()
                    gate.send(["READY=1", "STATUS=" + (await statusText(&line))])
                    logger.debug("told the service manager READY=1", metadata: ["watchdog": "\(watchdog.map { "\($0.timeout)" } ?? "off")"])
                    try await superviseModemThreads(line: line, gate: gate)
                }
            } catch {
                // Only cancellation ends the loops: the group is shutting down, which is no failure.
            }
        } onGracefulShutdown: {
            gate.stop()
        }
    }

    /// Sends until shutdown began; after `STOPPING=1` nothing else goes out, not even a ping
    /// that was being prepared when SIGTERM came.
    final class Gate: Sendable {
        private let notifier: SystemdNotifier
        private let stopped = Mutex(false)

        init(notifier: SystemdNotifier) { self.notifier = notifier }

        func send(_ assignments: [String]) {
            stopped.withLock { stopped in
                if !stopped { notifier.notify(assignments) }
            }
        }

        func stop() {
            stopped.withLock { stopped in
                if !stopped { notifier.notify(["STOPPING=1", "STATUS=stopping"]) }
                stopped = true
            }
        }
    }

    /// Until the control socket answers a status request and every modem thread runs a job.
    private func waitUntilServing() async throws {
        let clock = ContinuousClock()
        let executors = daemon.modems.map(\.executor)
        while true {
            try Task.checkCancellation()
            let answered = (try? LineSocketClient(path: daemon.configuration.controlSocketPath, timeout: .seconds(2)).request(#"{"op":"status"}"#)) != nil
            if answered, await ExecutorLiveness.stuck(executors, deadline: clock.now.advanced(by: .seconds(2)), clock: clock).isEmpty {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Every half watchdog timeout (or `statusInterval`): check the threads, ping, refresh STATUS.
    private func superviseModemThreads(line: StatusLine, gate: Gate) async throws {
        var line = line
        let clock = ContinuousClock()
        let executors = daemon.modems.map(\.executor)
        let interval = watchdog?.pingInterval ?? statusInterval
        var withheld: [Int] = []
        while true {
            let start = clock.now
            let stuck = await ExecutorLiveness.stuck(executors, deadline: start.advanced(by: interval), clock: clock)
            try Task.checkCancellation()
            if stuck.isEmpty {
                if !withheld.isEmpty { logger.notice("every modem thread turns again; watchdog pings resumed") }
                withheld = []
                let status = await statusText(&line)
                gate.send((watchdog == nil ? [] : ["WATCHDOG=1"]) + ["STATUS=" + status])
            } else {
                if stuck != withheld {
                    logger.critical("ALARM: a modem thread does not turn; watchdog pings withheld", metadata: ["modems": "\(stuck.map { $0 + 1 })"])
                }
                withheld = stuck
                gate.send(["STATUS=" + StatusLine.stuck(stuck)])
            }
            try await clock.sleep(until: start.advanced(by: interval), tolerance: nil)
        }
    }

    private func statusText(_ line: inout StatusLine) async -> String {
        let status = await daemon.status()
        return line.text(modemsReady: status.pool.ready, modems: status.pool.modems, relayedSinceStart: status.relay.relayed, now: Date())
    }
}
