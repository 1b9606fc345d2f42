import Foundation
import Simulator

/// One simulator and one daemon on it, and the ways the benchmark drives them.
final class Rig {
    let options: BenchOptions
    let receive: String
    let recorder = ATTraceRecorder()
    let simulation: Simulation
    let daemon: DaemonProcess
    private var sent: [Int]
    private var sequence = 0

    init(options: BenchOptions, workspace: URL, dataDirectory: URL, receive: String, registry: String? = nil) throws {
        self.options = options
        self.receive = receive
        sent = Array(repeating: 0, count: options.pairs)
        simulation = Simulation(
            configuration: SimulationConfiguration(
                linkPath: workspace.appendingPathComponent("modem-\(receive).tty").path, modemNumber: BenchRegistry.gateway,
                radioDelay: .zero, logLevel: .debug, phones: (0..<options.pairs).map(BenchRegistry.phone)),
            logger: recorder.logger(label: "bench.sim"))
        try simulation.start()
        do {
            daemon = try DaemonProcess(
                executable: options.trackerd, dataDirectory: dataDirectory, device: simulation.linkPath,
                ownNumber: BenchRegistry.gateway, receive: receive, logLevel: options.logLevel,
                logPath: workspace.appendingPathComponent("trackerd-\(receive).log").path, registry: registry)
        } catch {
            simulation.stop()
            throw error
        }
    }

    func stop() {
        daemon.stop()
        simulation.stop()
    }

    private func send(pair: Int) throws {
        sequence += 1
        sent[pair] += 1
        // A distinct body each time: the duplicate filter must not drop two reports in the same second.
        try simulation.send(from: BenchRegistry.tracker(pair), text: "lat:52.520008 long:13.404954 speed:0.00 seq:\(sequence)")
    }

    /// Waits for the phone's `count`th message; false on timeout.
    private func arrived(pair: Int, count: Int, timeout: Duration) async -> Bool {
        let inbox = await simulation.waitForInbox(of: BenchRegistry.phone(pair), count: count, timeout: timeout)
        return (inbox?.count ?? 0) >= count
    }

    private func stall(_ what: String) -> BenchFailure {
        let tracePath = NSTemporaryDirectory() + "/trackerd-bench-stall-trace.log"
        try? recorder.recentTrace.joined(separator: "\n").write(toFile: tracePath, atomically: true, encoding: .utf8)
        return BenchFailure("""
            \(receive) mode: \(what); modem holds \(simulation.storedMessages().count), network: \(simulation.statistics)
            modem trace (names, lengths, results; more in \(tracePath)):
            \(recorder.recentTrace.suffix(12).joined(separator: "\n"))
            daemon log:
            \(daemon.logTail())
            """)
    }

    /// In storage mode, waits until the daemon deleted what it relayed, so each sequential sample
    /// starts from an empty SIM (the daemon itself copes with a `+CMTI` that overtakes a delete).
    private func storageEmptied() async throws {
        guard receive == "storage" else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        while !simulation.storedMessages().isEmpty {
            guard ContinuousClock.now < deadline else { throw stall("storage not emptied after a relay") }
            try await Task.sleep(for: .microseconds(200))
        }
    }

    /// One relay per pair: proves the daemon is up and warms its caches.
    func warmUp() async throws {
        for pair in 0..<options.pairs {
            try send(pair: pair)
            guard await arrived(pair: pair, count: sent[pair], timeout: .seconds(pair == 0 ? 30 : 20)) else {
                throw stall("warm-up relay \(pair) did not arrive")
            }
            try await storageEmptied()
        }
    }

    /// 2. Sequential latency: send one, wait for it in the inbox, next — nothing queues.
    func sequential(_ count: Int) async throws -> Samples {
        var latency = Samples()
        for i in 0..<count {
            let pair = i % options.pairs
            let start = ContinuousClock.now
            try send(pair: pair)
            guard await arrived(pair: pair, count: sent[pair], timeout: .seconds(20)) else {
                throw stall("sequential relay \(i) did not arrive")
            }
            latency.add(.now - start)
            try await storageEmptied()
        }
        return latency
    }

    /// 1 and 3. Throughput with at most `window` messages in flight; CPU delta over the run. A run
    /// that makes no progress for 5 s is reported as stalled, not failed.
    func windowed(_ messages: Int, keeping previous: RelayBench.ModeResult) async throws -> RelayBench.ModeResult {
        var result = previous
        await simulation.network.settle()
        let probe = daemon.probe
        let ticksBefore = probe.cpuTicksNanoseconds() ?? 0
        let scheduledBefore = probe.cpuScheduledNanoseconds() ?? 0
        let refusedBefore = simulation.statistics.refusedDeliveries
        let pairs = options.pairs
        let base = sent
        let start = ContinuousClock.now
        var relayed = 0
        var stalled = false
        send: for k in 0..<messages {
            if k >= options.window {
                let j = k - options.window
                guard await arrived(pair: j % pairs, count: base[j % pairs] + j / pairs + 1, timeout: .seconds(5)) else {
                    stalled = true
                    break send
                }
                relayed = j + 1
            }
            try send(pair: k % pairs)
        }
        if !stalled {
            for j in max(0, messages - options.window)..<messages {
                guard await arrived(pair: j % pairs, count: base[j % pairs] + j / pairs + 1, timeout: .seconds(5)) else {
                    stalled = true
                    break
                }
                relayed = j + 1
            }
        }
        let end = ContinuousClock.now
        if stalled {
            // Count what did arrive; the stall itself is not part of the rate.
            relayed = (0..<pairs).reduce(0) { $0 + (simulation.inbox(of: BenchRegistry.phone($1))?.count ?? 0) - base[$1] }
            result.stalledAfter = relayed
            result.stallNote = "modem holds \(simulation.storedMessages().count) unrelayed; trace tail: "
                + recorder.recentTrace.suffix(6).joined(separator: " | ")
            result.throughputElapsed = end - start - .seconds(5)
        } else {
            result.throughputElapsed = end - start
        }
        result.throughputRelayed = relayed
        result.relaysPerSecond = Double(relayed) / max(result.throughputElapsed.seconds, 0.000_001)
        // Let the deletes that follow the last relays land before reading CPU.
        try await Task.sleep(for: .milliseconds(300))
        let ticksAfter = probe.cpuTicksNanoseconds() ?? 0
        let scheduledAfter = probe.cpuScheduledNanoseconds() ?? 0
        if relayed > 0 {
            result.cpuPerRelay = .nanoseconds((ticksAfter - ticksBefore) / Int64(relayed))
            result.cpuPerRelayScheduled = .nanoseconds((scheduledAfter - scheduledBefore) / Int64(relayed))
        }
        result.refusedDeliveries = simulation.statistics.refusedDeliveries - refusedBefore
        result.peakRSSKiB = probe.statusKiB("VmHWM") ?? 0
        result.anonymousKiB = probe.statusKiB("RssAnon") ?? 0
        result.threads = probe.threadCount()
        return result
    }
}
