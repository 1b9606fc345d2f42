import Foundation
import Logging
import Simulator
import TrackerGateway

/// Figures 1–4: the real daemon on the in-process simulator (0 ms radio delay) — throughput,
/// sequential latency, relay overhead, peak RSS, CPU per relay, idle CPU and AT traffic.
struct RelayBench {
    let options: BenchOptions
    let workspace: URL

    struct Result {
        var relaysPerSecond = 0.0
        var throughputMessages = 0
        var throughputElapsed = Duration.zero
        var refusedDeliveries = 0
        var latency = Samples()
        var overhead = Samples()
        var peakRSSKiB = 0
        var cpuPerRelay = Duration.zero
        var cpuPerRelayScheduled = Duration.zero
        var idleSeconds = 0.0
        var idleCPU = Duration.zero
        var idleCommands = 0
        var idleCommandNames: [String: Int] = [:]
        var threads = 0
    }

    func run() async throws -> Result {
        let dataDirectory = workspace.appendingPathComponent("data-small", isDirectory: true)
        let registry = try Registry.open(dataDirectory: dataDirectory, create: true)
        try BenchRegistry.fill(registry, customers: 0..<options.pairs)
        try registry.close()

        let recorder = ATTraceRecorder()
        let simulation = Simulation(
            configuration: SimulationConfiguration(
                linkPath: workspace.appendingPathComponent("modem-small.tty").path, modemNumber: BenchRegistry.gateway,
                radioDelay: .zero, logLevel: .debug, phones: (0..<options.pairs).map(BenchRegistry.phone)),
            logger: recorder.logger(label: "bench.sim"))
        try simulation.start()
        defer { simulation.stop() }

        let daemon = try DaemonProcess(
            executable: options.trackerd, dataDirectory: dataDirectory, device: simulation.linkPath,
            ownNumber: BenchRegistry.gateway, logLevel: options.logLevel,
            logPath: workspace.appendingPathComponent("trackerd-small.log").path)
        defer { daemon.stop() }

        var result = Result()
        var sent = Array(repeating: 0, count: options.pairs)  // messages sent to each pair so far
        var sequence = 0

        func send(pair: Int) throws {
            sequence += 1
            sent[pair] += 1
            // A distinct body each time: the duplicate filter must not drop two reports in the same second.
            try simulation.send(from: BenchRegistry.tracker(pair), text: "lat:52.520008 long:13.404954 speed:0.00 seq:\(sequence)")
        }
        func arrived(pair: Int, count: Int, timeout: Duration = .seconds(20)) async throws {
            let inbox = await simulation.waitForInbox(of: BenchRegistry.phone(pair), count: count, timeout: timeout)
            guard (inbox?.count ?? 0) >= count else {
                throw BenchFailure("phone \(pair) did not get message \(count) within \(timeout); daemon log:\n\(daemon.logTail())")
            }
        }

        // Warm-up: one relay per pair proves the daemon is up and warms its caches.
        for pair in 0..<options.pairs {
            try send(pair: pair)
            try await arrived(pair: pair, count: sent[pair], timeout: pair == 0 ? .seconds(30) : .seconds(20))
        }

        // 2. Sequential latency: one at a time, so nothing queues.
        recorder.startRecording()
        for i in 0..<options.latencyMessages {
            let pair = i % options.pairs
            let start = ContinuousClock.now
            try send(pair: pair)
            try await arrived(pair: pair, count: sent[pair])
            result.latency.add(.now - start)
        }
        let (stored, submitted) = recorder.stopRecording()
        for (at, issued) in zip(stored, submitted) { result.overhead.add(issued - at) }

        // 1 and 3. Throughput with at most `window` messages in flight; CPU delta over the run.
        await simulation.network.settle()
        let probe = daemon.probe
        let ticksBefore = probe.cpuTicksNanoseconds() ?? 0
        let scheduledBefore = probe.cpuScheduledNanoseconds() ?? 0
        let refusedBefore = simulation.statistics.refusedDeliveries
        let base = sent
        let start = ContinuousClock.now
        for k in 0..<options.messages {
            if k >= options.window {
                let j = k - options.window
                try await arrived(pair: j % options.pairs, count: base[j % options.pairs] + j / options.pairs + 1)
            }
            try send(pair: k % options.pairs)
        }
        for pair in 0..<options.pairs { try await arrived(pair: pair, count: sent[pair]) }
        result.throughputElapsed = .now - start
        result.throughputMessages = options.messages
        result.relaysPerSecond = Double(options.messages) / result.throughputElapsed.seconds
        // Let the deletes that follow the last relays land before reading CPU.
        try await Task.sleep(for: .milliseconds(300))
        let ticksAfter = probe.cpuTicksNanoseconds() ?? 0
        let scheduledAfter = probe.cpuScheduledNanoseconds() ?? 0
        result.cpuPerRelay = .nanoseconds((ticksAfter - ticksBefore) / Int64(options.messages))
        result.cpuPerRelayScheduled = .nanoseconds((scheduledAfter - scheduledBefore) / Int64(options.messages))
        result.refusedDeliveries = simulation.statistics.refusedDeliveries - refusedBefore
        result.peakRSSKiB = probe.statusKiB("VmHWM") ?? 0
        result.threads = probe.threadCount()
        let leftover = simulation.storedMessages().count
        if leftover > 0 { print("   note: \(leftover) messages still in modem storage after the throughput run") }

        // 4. Idle: nothing sent; the daemon should only wait (and probe health once a minute).
        print("   idle for \(options.idleSeconds) s …")
        fflush(stdout)
        let idleCommandsBefore = recorder.commandCount
        let namesBefore = recorder.commandsByName
        let idleScheduledBefore = probe.cpuScheduledNanoseconds() ?? 0
        let idleStart = ContinuousClock.now
        try await Task.sleep(for: .seconds(options.idleSeconds))
        result.idleSeconds = (ContinuousClock.now - idleStart).seconds
        result.idleCPU = .nanoseconds((probe.cpuScheduledNanoseconds() ?? 0) - idleScheduledBefore)
        result.idleCommands = recorder.commandCount - idleCommandsBefore
        for (name, count) in recorder.commandsByName where count != namesBefore[name, default: 0] {
            result.idleCommandNames[name] = count - namesBefore[name, default: 0]
        }
        guard daemon.isRunning else { throw BenchFailure("the daemon exited; log:\n\(daemon.logTail())") }
        return result
    }
}
