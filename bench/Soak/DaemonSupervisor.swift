import Foundation
import LineSocket
import Synchronization
import TestSupport

/// The release `trackerd run` as a child process that the soak stops and starts again, and that
/// it watches: peak memory and threads of every run, its relay counters, and exits nobody asked for.
///
/// Every start appends to one log file, so the leak scan at the end sees every run's output.
final class DaemonSupervisor: Sendable {
    /// One daemon process from start to exit.
    struct Run: Sendable {
        var pid: Int32
        var startedAt: String
        var peakResidentKiB = 0
        var peakThreads = 0
        /// The relay counters of its last status reply (counts since that run started).
        var counters: [String: Int] = [:]
        var modemState = "?"
        /// How it ended: `kill -9`, `SIGTERM (0.21 s)`, `crashed: …`, or nil while running.
        var ended: String?
    }

    /// An exit the soak did not cause: a crash, with when it was noticed.
    struct Crash: Sendable {
        var when: String
        var pid: Int32
        var status: String
        var logTail: String
    }

    private struct State: Sendable {
        var process: DaemonProcess?
        var expectingExit = false
        var crashRestartDue: ContinuousClock.Instant?
        var runs: [Run] = []
        var crashes: [Crash] = []
        var kills = 0
        var terms = 0
        var termSeconds: [Double] = []
        /// SIGTERMs the daemon did not obey within 20 s (then it was killed).
        var hungTerms: [String] = []
        /// Stops planned while the daemon was down after a crash.
        var skippedStops = 0
        var statusFailures = 0
    }

    let arguments: [String]
    let log: URL
    let controlPath: String
    let progress: SendProgress
    private let state = Mutex(State())

    init(arguments: [String], log: URL, controlPath: String, progress: SendProgress) {
        self.arguments = arguments
        self.log = log
        self.controlPath = controlPath
        self.progress = progress
    }

    /// Starts a daemon unless one is running.
    func ensureRunning() throws {
        try state.withLock { state in
            guard state.process == nil else { return }
            let process = try DaemonProcess(arguments: arguments, log: log)
            state.process = process
            state.expectingExit = false
            state.crashRestartDue = nil
            state.runs.append(Run(pid: process.pid, startedAt: progress.stamp))
        }
    }

    /// Stops the running daemon with `signal`, waits for it to exit, and records how it ended;
    /// `planned: false` is the soak's own final stop, not counted as a restart.
    func stop(_ signal: SoakPlan.Signal, planned: Bool = true) {
        let process: DaemonProcess? = state.withLock { state in
            guard let process = state.process, process.isRunning else {
                if planned { state.skippedStops += 1 }
                return nil
            }
            state.expectingExit = true
            Self.sample(process, into: &state)
            if planned, signal == .kill9 { state.kills += 1 }
            if planned, signal == .terminate { state.terms += 1 }
            return process
        }
        guard let process else { return }
        let begun = ContinuousClock.now
        var ending: String
        switch signal {
        case .kill9:
            process.kill(signal: SIGKILL)
            _ = process.waitForExitBlocking(timeout: .seconds(10))
            ending = "kill -9"
        case .terminate:
            process.kill(signal: SIGTERM)
            if let status = process.waitForExitBlocking(timeout: .seconds(20)) {
                let took = (ContinuousClock.now - begun).seconds
                if planned { state.withLock { $0.termSeconds.append(took) } }
                ending = String(format: "SIGTERM (exit %d after %.2f s)", status, took)
            } else {
                state.withLock { $0.hungTerms.append(progress.stamp) }
                process.kill(signal: SIGKILL)
                _ = process.waitForExitBlocking(timeout: .seconds(10))
                ending = "SIGTERM ignored for 20 s, then kill -9"
            }
        }
        state.withLock { state in
            if !state.runs.isEmpty { state.runs[state.runs.count - 1].ended = ending }
            state.process = nil
            state.expectingExit = false
        }
    }

    /// One look at the daemon: its memory and threads, and whether it exited on its own (then it
    /// is recorded as a crash and started again a second later, as systemd would).
    func watch() {
        let restart: Bool = state.withLock { state in
            if let process = state.process {
                if process.isRunning {
                    Self.sample(process, into: &state)
                } else if !state.expectingExit {
                    let status = process.wasKilledBySignal ? "killed by signal \(process.process.terminationStatus)" : "exit \(process.process.terminationStatus)"
                    let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(12).joined(separator: "\n")
                    state.crashes.append(Crash(when: progress.stamp, pid: process.pid, status: status, logTail: tail))
                    if !state.runs.isEmpty { state.runs[state.runs.count - 1].ended = "crashed: \(status)" }
                    state.process = nil
                    state.crashRestartDue = .now + .seconds(1)
                    print("   \(progress.stamp): daemon pid \(process.pid) \(status) — not caused by the soak")
                    fflush(nil)
                }
            }
            guard state.process == nil, let due = state.crashRestartDue, ContinuousClock.now >= due else { return false }
            return true
        }
        if restart { try? ensureRunning() }
    }

    /// Asks the running daemon for its status and keeps its relay counters and modem state.
    func queryStatus() {
        guard let pid = state.withLock({ $0.process?.pid }) else { return }
        do {
            let reply = try LineSocketClient(path: controlPath, timeout: .milliseconds(500)).request("{\"op\":\"status\"}")
            guard let object = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
                let status = object["status"] as? [String: Any]
            else { throw HarnessError("unreadable status reply") }
            let counters = (status["relay"] as? [String: Any] ?? [:]).compactMapValues { $0 as? Int }
            let modem = ((status["modems"] as? [[String: Any]])?.first?["state"] as? String) ?? "?"
            state.withLock { state in
                guard let index = state.runs.lastIndex(where: { $0.pid == pid }) else { return }
                state.runs[index].counters = counters
                state.runs[index].modemState = modem
            }
        } catch {
            state.withLock { $0.statusFailures += 1 }
        }
    }

    /// The modem state the running daemon reported last ("ready", "reopening", …).
    var modemState: String? { state.withLock { $0.process == nil ? nil : $0.runs.last?.modemState } }

    var isRunning: Bool { state.withLock { $0.process?.isRunning ?? false } }

    private static func sample(_ process: DaemonProcess, into state: inout State) {
        guard let status = ProcStatus(pid: process.pid), let index = state.runs.lastIndex(where: { $0.pid == process.pid }) else { return }
        state.runs[index].peakResidentKiB = max(state.runs[index].peakResidentKiB, status.peakResidentKiB)
        state.runs[index].peakThreads = max(state.runs[index].peakThreads, status.threads)
    }

    /// What happened to the daemon over the whole soak.
    struct Summary: Sendable {
        var runs: [Run]
        var crashes: [Crash]
        var kills: Int
        var terms: Int
        var termSeconds: [Double]
        var hungTerms: [String]
        var skippedStops: Int
        var statusFailures: Int

        var peakResidentKiB: Int { runs.map(\.peakResidentKiB).max() ?? 0 }
        var peakThreads: Int { runs.map(\.peakThreads).max() ?? 0 }
        /// A counter summed over every run's last status (a lower bound: a run's last second is missed).
        func total(_ counter: String) -> Int { runs.reduce(0) { $0 + ($1.counters[counter] ?? 0) } }
    }

    var summary: Summary {
        state.withLock { state in
            Summary(runs: state.runs, crashes: state.crashes, kills: state.kills, terms: state.terms, termSeconds: state.termSeconds,
                    hungTerms: state.hungTerms, skippedStops: state.skippedStops, statusFailures: state.statusFailures)
        }
    }
}
