import Foundation
import Simulator
import Synchronization
import TestSupport

/// One receive mode's soak: a fresh registry made by the CLI, the simulator, the daemon, the
/// plan's reports, faults and stops on three threads, then the wait for the relay to settle.
///
/// Threads, not tasks: the supervisor and the watcher block (waitpid polling, socket reads),
/// and the cooperative pool has only as many threads as the machine has cores.
struct ModeRun {
    let options: SoakOptions
    let mode: ReceiveMode
    let plan: SoakPlan
    let root: URL

    private var data: URL { root.appendingPathComponent("d", isDirectory: true) }
    private var log: URL { root.appendingPathComponent("daemon.log") }

    /// The reports some consenting phone still lacked when the daemon was stopped, per stop.
    final class InFlight: Sendable {
        let stops = Mutex<[(signal: SoakPlan.Signal, reports: Set<Int>)]>([])
    }

    func run() throws -> ModeResult {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try plan.describe().write(to: root.appendingPathComponent("plan.txt"), atomically: true, encoding: .utf8)
        let cast = plan.cast
        try cast.fillRegistry(data)
        let simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: root.appendingPathComponent("m").path, modemNumber: SoakCast.gateway, pin: SoakOptions.pin,
            radioDelay: .milliseconds(options.radioDelayMs), logLevel: .critical, phones: cast.allPhones))
        try simulation.start()
        defer { simulation.stop() }

        let progress = SendProgress()
        let events = EventLog(url: root.appendingPathComponent("events.txt"), progress: progress)
        let supervisor = DaemonSupervisor(arguments: daemonArguments(link: simulation.linkPath), log: log,
                                          controlPath: data.appendingPathComponent("control.sock").path, progress: progress)
        let index = Dictionary(plan.reports.map { ($0.body.text, $0.index) }, uniquingKeysWith: { first, _ in first })
        let started = ContinuousClock.now
        try supervisor.ensureRunning()
        defer { supervisor.stop(.kill9, planned: false) }
        try waitUntilReady(supervisor)
        try optOut(cast.stoppedPhone, simulation: simulation)

        let watching = Flag()
        let watcher = Self.thread("watcher") {
            var tick = 0
            while watching.isSet {
                supervisor.watch()
                if tick % 10 == 0 { supervisor.queryStatus() }
                tick += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
        }

        progress.begin()
        let inFlight = InFlight()
        let lifecycle = Self.thread("supervisor") { [plan] in
            for event in plan.lifecycle {
                progress.sleep(until: event.at)
                let unfinished = SoakTally(plan: plan, sent: progress.sent, simulation: simulation, index: index).incomplete
                inFlight.stops.withLock { $0.append((event.signal, unfinished)) }
                supervisor.stop(event.signal)
                events.note("\(event.signal.rawValue) (\(unfinished.count) reports in flight); restart in \(event.restartAfter.milliseconds) ms", show: true)
                Thread.sleep(forTimeInterval: event.restartAfter.seconds)
                do { try supervisor.ensureRunning() } catch { events.note("restart failed: \(error)", show: true) }
            }
        }

        let sendErrors = sendReportsAndFaults(simulation: simulation, progress: progress, events: events, index: index)
        let trafficEnded = ContinuousClock.now
        lifecycle.wait()
        simulation.liftStorageFull()  // a lift the plan placed after the last report

        let (settledBy, final, leftovers) = settle(simulation: simulation, supervisor: supervisor, progress: progress, index: index)
        let settled = ContinuousClock.now
        supervisor.queryStatus()
        let finalModemState = supervisor.modemState ?? "not running"
        supervisor.stop(.terminate, planned: false)
        watching.clear()
        watcher.wait()

        let stored = simulation.storedMessages()
        let leaks = LeakScan(plan: plan, log: log, data: data)
        try SoakFindings(plan: plan, tally: final, stored: stored).text()
            .write(to: root.appendingPathComponent("findings.txt"), atomically: true, encoding: .utf8)
        return ModeResult(
            mode: mode, seed: options.seed, plan: plan, tally: final, sendErrors: sendErrors, storedAtEnd: stored.count,
            pendingAtEnd: simulation.statistics.pendingDeliveries, refusedDeliveries: simulation.statistics.refusedDeliveries,
            daemon: supervisor.summary, stops: inFlight.stops.withLock { $0 }, leaks: leaks, settledBy: settledBy, leftovers: leftovers,
            finalModemState: finalModemState, trafficSeconds: (trafficEnded - started).seconds,
            settleSeconds: (settled - trafficEnded).seconds, wallSeconds: (ContinuousClock.now - started).seconds, root: root)
    }

    private func daemonArguments(link: String) -> [String] {
        [
            "run", "--data-dir", data.path, "--device", link, "--own-number", SoakCast.gateway,
            "--receive", mode.rawValue, "--pin", SoakOptions.pin, "--log-level", options.logLevel,
            "--health-probe-seconds", String(options.healthProbeSeconds),
            // 20 reports a second from a handful of trackers is far above the per-tracker limits an
            // operator sets; the soak is about faults, not about the rate limiter.
            "--tracker-per-hour", "100000000", "--tracker-burst", "1000000",
            "--phone-per-hour", "100000000", "--phone-burst", "1000000",
        ]
    }

    private func waitUntilReady(_ supervisor: DaemonSupervisor) throws {
        let ready = pollBlocking(timeout: .seconds(60), every: .milliseconds(200)) {
            supervisor.queryStatus()
            return supervisor.modemState == "ready"
        }
        guard ready else {
            let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(3000)
            throw HarnessError("\(mode) mode: the daemon never reported a ready modem; log:\n\(tail)")
        }
    }

    /// The stopped phone texts STOP and waits for the daemon's answer, before any fault.
    private func optOut(_ phone: String, simulation: Simulation) throws {
        try simulation.send(from: phone, text: "STOP")
        guard pollBlocking(timeout: .seconds(30), { (simulation.inbox(of: phone)?.count ?? 0) >= 1 }) else {
            throw HarnessError("\(mode) mode: no answer to STOP within 30 s; log:\n\(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(3000))")
        }
    }

    /// The reports and the modem faults, each at its planned time, on this thread.
    private func sendReportsAndFaults(simulation: Simulation, progress: SendProgress, events: EventLog, index: [String: Int]) -> Int {
        enum Item { case report(SoakPlan.Report), modem(SoakPlan.ModemEvent) }
        let timeline = (plan.reports.map { (at: $0.at, order: 1, item: Item.report($0)) }
            + plan.modemEvents.map { (at: $0.at, order: 0, item: Item.modem($0)) })
            .sorted { ($0.at, $0.order) < ($1.at, $1.order) }
        var errors = 0
        var nextProgress = Duration.seconds(10)
        for entry in timeline {
            progress.sleep(until: entry.at)
            switch entry.item {
            case .report(let report):
                do {
                    try simulation.send(from: plan.cast.trackers[report.tracker].number, text: report.body.text, ucs2: report.body.ucs2)
                } catch {
                    errors += 1
                    events.note("report \(report.index) not sent: \(error)", show: true)
                }
                progress.didSend()
            case .modem(let event):
                switch event.action {
                case .fault(let fault): simulation.inject(fault)
                case .liftStorageFull: simulation.liftStorageFull()
                }
                events.note(event.name)
            }
            if progress.elapsed >= nextProgress {
                nextProgress += .seconds(10)
                printProgress(simulation: simulation, progress: progress, index: index)
            }
        }
        return errors
    }

    private func printProgress(simulation: Simulation, progress: SendProgress, index: [String: Int]) {
        let tally = SoakTally(plan: plan, sent: progress.sent, simulation: simulation, index: index)
        print(String(format: "   t+%5.0f s: sent %d, complete %d, incomplete %d, on SIM %d, network holds %d",
                     progress.elapsed.seconds, progress.sent, tally.complete.count, tally.incomplete.count,
                     simulation.storedMessages().count, simulation.statistics.pendingDeliveries))
        fflush(nil)  // all streams: progress shows when piped
    }

    /// Waits until every consenting phone has every report and nothing is left on the SIM or in
    /// the network, or nothing changed for `quietSeconds`, or `settleSeconds` passed.
    ///
    /// Once every report has arrived, what is still on the SIM can only be a part whose message
    /// was relayed from its other parts (a delete that failed, or a kill -9 between two deletes):
    /// the reassembler gives up on it after its maximum age (600 s, looked at every 150 s) and
    /// deletes it, so that wait is `orphanSeconds`, not `quietSeconds`.
    private func settle(simulation: Simulation, supervisor: DaemonSupervisor, progress: SendProgress,
                        index: [String: Int]) -> (String, SoakTally, SoakLeftovers) {
        let begun = ContinuousClock.now
        var lastChange = begun
        var signature: [Int] = []
        var nextProgress = begun + .seconds(15)
        var leftovers = SoakLeftovers()
        while true {
            let tally = SoakTally(plan: plan, sent: plan.reports.count, simulation: simulation, index: index)
            let stored = simulation.storedMessages().count
            let pending = simulation.statistics.pendingDeliveries
            let now = ContinuousClock.now
            let delivered = tally.incomplete.isEmpty && pending == 0
            if delivered, leftovers.deliveredAt == nil {
                leftovers.deliveredAt = now
                leftovers.countThen = stored
            }
            if delivered && stored == 0 {
                leftovers.clearedAfter = leftovers.deliveredAt.map { (now - $0).seconds }
                return ("everything delivered", tally, leftovers)
            }
            let current = [tally.inboxTotal, stored, pending]
            if current != signature {
                signature = current
                lastChange = now
            }
            if let deliveredAt = leftovers.deliveredAt, delivered {
                if now - deliveredAt >= .seconds(options.orphanSeconds) {
                    return ("delivered; \(stored) still on the SIM \(options.orphanSeconds) s later", tally, leftovers)
                }
            } else if now - lastChange >= .seconds(options.quietSeconds) {
                return (String(format: "nothing changed for %d s", options.quietSeconds), tally, leftovers)
            }
            if now - begun >= .seconds(options.settleSeconds) { return ("gave up after \(options.settleSeconds) s", tally, leftovers) }
            if now >= nextProgress {
                nextProgress = now + .seconds(15)
                print(String(format: "   settling %3.0f s: incomplete %d, on SIM %d, network holds %d, modem ",
                             (now - begun).seconds, tally.incomplete.count, stored, pending) + (supervisor.modemState ?? "down"))
                fflush(nil)  // all streams: progress shows when piped
            }
            Thread.sleep(forTimeInterval: 1)
        }
    }

    /// Runs `body` on a new thread; `wait()` on the result joins it.
    static func thread(_ name: String, _ body: @escaping @Sendable () -> Void) -> Joinable {
        let done = Joinable()
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = "soak.\(name)"
        thread.start()
        return done
    }

    /// What was on the SIM once every report had arrived, and how long it took to go.
    struct SoakLeftovers: Sendable {
        var deliveredAt: ContinuousClock.Instant?
        var countThen = 0
        var clearedAfter: Double?
    }

    final class Flag: Sendable {
        private let value = Atomic<Bool>(true)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func clear() { value.store(false, ordering: .releasing) }
    }

    final class Joinable: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func signal() { semaphore.signal() }
        func wait() { semaphore.wait() }
    }
}
