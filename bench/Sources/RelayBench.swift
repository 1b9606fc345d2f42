import Foundation
import Logging
import Simulator
import TrackerGateway

/// Figures 1–4: the real daemon on the in-process simulator (0 ms radio delay) — throughput,
/// sequential latency, relay overhead, peak RSS, CPU per relay, idle CPU and AT traffic.
///
/// Two daemons, one per receive mode. `storage` (the default mode) gets the sequential runs and
/// the idle period, and a windowed run that reports how far it gets (see "lost +CMTI" in the
/// report); `direct` gets the windowed throughput run whose CPU and RSS are reported.
struct RelayBench {
    let options: BenchOptions
    let workspace: URL

    struct Result {
        var storage = ModeResult()
        var direct = ModeResult()
        var idleSeconds = 0.0
        var idleCPU = Duration.zero
        var idleCPUTicks = Duration.zero
        var idleCommands = 0
        var idleCommandNames: [String: Int] = [:]
        var overhead = Samples()
    }

    struct ModeResult {
        var relaysPerSecond = 0.0
        var throughputRelayed = 0
        var throughputElapsed = Duration.zero
        /// Set when the windowed run stopped making progress: the relays done until then.
        var stalledAfter: Int?
        var stallNote = ""
        var refusedDeliveries = 0
        var latency = Samples()
        var peakRSSKiB = 0
        var anonymousKiB = 0
        var cpuPerRelay = Duration.zero
        var cpuPerRelayScheduled = Duration.zero
        var threads = 0
    }

    func run() async throws -> Result {
        let dataDirectory = workspace.appendingPathComponent("data-small", isDirectory: true)
        // `--relay-registry postgres://…`: the same figures with the registry on PostgreSQL, in a
        // fresh schema of their own (issue #11: relays/s with the registry on PostgreSQL).
        var registryURL: String?
        let registry: Registry
        if let base = options.relayRegistry {
            let text = BenchRegistry.url(base, schema: "bench_relay", unique: true)
            registry = try Registry.initialise(dataDirectory: dataDirectory, registry: try PostgresRegistryURL(parsing: text),
                                               join: false, gatewayNumber: BenchRegistry.gateway).registry
            registryURL = text
        } else {
            registry = try Registry.open(dataDirectory: dataDirectory, create: true)
        }
        try BenchRegistry.fill(registry, customers: 0..<options.pairs)
        try registry.close()

        var result = Result()
        do {
            let rig = try Rig(options: options, workspace: workspace, dataDirectory: dataDirectory, receive: "storage", registry: registryURL)
            defer { rig.stop() }
            try await rig.warmUp()
            rig.recorder.startRecording()
            result.storage.latency = try await rig.sequential(options.latencyMessages)
            let (stored, submitted) = rig.recorder.stopRecording()
            if stored.count == submitted.count {
                for (at, issued) in zip(stored, submitted) { result.overhead.add(issued - at) }
            } else {
                print("   note: \(stored.count) +CMTI but \(submitted.count) AT+CMGS in the sequential run; overhead not paired")
            }
            try await idle(rig, into: &result)
            print("   storage mode, windowed run …")
            fflush(nil)
            result.storage = try await rig.windowed(options.messages, keeping: result.storage)
        }
        do {
            let rig = try Rig(options: options, workspace: workspace, dataDirectory: dataDirectory, receive: "direct", registry: registryURL)
            defer { rig.stop() }
            try await rig.warmUp()
            result.direct.latency = try await rig.sequential(options.latencyMessages)
            print("   direct mode, windowed run …")
            fflush(nil)
            result.direct = try await rig.windowed(options.messages, keeping: result.direct)
        }
        return result
    }

    /// 4. Idle: nothing sent; the daemon should only wait (and probe health once a minute).
    private func idle(_ rig: Rig, into result: inout Result) async throws {
        print("   idle for \(options.idleSeconds) s …")
        fflush(nil)
        let probe = rig.daemon.probe
        let commandsBefore = rig.recorder.commandLineCount
        let namesBefore = rig.recorder.commandsByName
        let threadsBefore = probe.threadRunTimes()
        let ticksBefore = probe.cpuTicksNanoseconds() ?? 0
        let start = ContinuousClock.now
        try await Task.sleep(for: .seconds(options.idleSeconds))
        result.idleSeconds = (ContinuousClock.now - start).seconds
        result.idleCPU = .nanoseconds(ProcessProbe.runTimeDelta(from: threadsBefore, to: probe.threadRunTimes()))
        result.idleCPUTicks = .nanoseconds((probe.cpuTicksNanoseconds() ?? 0) - ticksBefore)
        result.idleCommands = rig.recorder.commandLineCount - commandsBefore
        for (name, count) in rig.recorder.commandsByName where count != namesBefore[name, default: 0] {
            result.idleCommandNames[name] = count - namesBefore[name, default: 0]
        }
        guard rig.daemon.isRunning else { throw BenchFailure("the daemon exited; log:\n\(rig.daemon.logTail())") }
    }
}
