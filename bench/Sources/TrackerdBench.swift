import Foundation

/// `trackerd-bench` — prints the DESIGN.md "Performance targets" figures; asserts nothing.
///
/// Runs the release `trackerd run` as a child process on the in-process simulator's pty link
/// (0 ms radio delay), then a large registry for lookups and memory. See bench/run.sh.
@main
struct TrackerdBench {
    static func main() async {
        do {
            let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
            try await run(options)
        } catch {
            FileHandle.standardError.write(Data("trackerd-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchOptions) async throws {
        guard FileManager.default.isExecutableFile(atPath: options.trackerd) else {
            throw BenchFailure("no trackerd executable at \(options.trackerd) (build it with swift build -c release)")
        }
        let workspace = try temporaryDirectory(in: options.workDirectory)
        defer { try? FileManager.default.removeItem(at: workspace) }
        print("trackerd-bench: \(options.trackerd), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, load \(loadAverage()), data in \(workspace.path)")
        print("1–4. daemon on the simulator, 0 ms radio delay: \(options.pairs) trackers → \(options.pairs) phones, "
            + "\(options.latencyMessages) sequential + \(options.messages) windowed (≤ \(options.window) in flight) relays"
            + (options.relayRegistry == nil ? "" : ", the registry on PostgreSQL"))
        fflush(nil)  // all streams: progress shows when piped
        let relay = try await RelayBench(options: options, workspace: workspace).run()

        var lookup: LookupBench.Result?
        if !options.skipBigRegistry {
            print("5. registry of \(options.lookupCustomers) customers")
            fflush(nil)  // all streams: progress shows when piped
            lookup = try await LookupBench(options: options, workspace: workspace).run()
        }

        var pool: [PoolBench.Figure] = []
        if !options.skipPool {
            print("6. a pool of modems at \(options.poolRadioDelayMilliseconds) ms radio delay a send: \(options.poolModems.map(String.init).joined(separator: ", ")) modems, \(options.poolSeconds) s each")
            fflush(nil)
            pool = try await PoolBench(options: options, workspace: workspace).run()
        }

        var report = BenchReport()
        let on = options.relayRegistry == nil ? "" : ", PostgreSQL registry"
        for (mode, figures) in [("direct", relay.direct), ("storage", relay.storage)] {
            if let stalled = figures.stalledAfter {
                report.add("relays/s, \(mode) mode\(on) (\(options.messages) msgs)", "STALLED after \(stalled) relays", target: "≥ 2000 /s", met: false)
            } else {
                report.add("relays/s, \(mode) mode\(on) (\(figures.throughputRelayed) msgs)",
                           String(format: "%.0f /s (%.2f s)", figures.relaysPerSecond, figures.throughputElapsed.seconds),
                           target: "≥ 2000 /s", met: figures.relaysPerSecond >= 2000)
            }
        }
        for (mode, figures) in [("storage", relay.storage), ("direct", relay.direct)] {
            report.add("send→inbox p50, \(mode) (sequential)", BenchReport.ms(figures.latency.percentile(50)), target: "≤ 1 ms",
                       met: figures.latency.percentile(50).map { $0 <= .milliseconds(1) })
            report.add("send→inbox p99, \(mode) (sequential)", BenchReport.ms(figures.latency.percentile(99)), target: "—", met: nil)
        }
        report.add("relay overhead +CMTI→AT+CMGS p50", BenchReport.ms(relay.overhead.percentile(50)), target: "≤ 0.25 ms", met: relay.overhead.percentile(50).map { $0 <= .microseconds(250) })
        report.add("relay overhead +CMTI→AT+CMGS p99", BenchReport.ms(relay.overhead.percentile(99)), target: "≤ 0.5 ms", met: relay.overhead.percentile(99).map { $0 <= .microseconds(500) })
        let direct = relay.direct
        report.add("daemon peak RSS (VmHWM), \(options.pairs) customers", BenchReport.mib(direct.peakRSSKiB) + " (anon \(BenchReport.mib(direct.anonymousKiB)))", target: "(≤ 12 MiB at 100k)", met: nil)
        report.add("CPU per relay, direct (schedstat)", BenchReport.ms(direct.cpuPerRelayScheduled), target: "≤ 0.15 ms", met: direct.cpuPerRelayScheduled <= .microseconds(150))
        report.add("CPU per relay, direct (utime+stime)", BenchReport.ms(direct.cpuPerRelay), target: "≤ 0.15 ms", met: direct.cpuPerRelay <= .microseconds(150))
        if relay.storage.stalledAfter == nil {
            report.add("CPU per relay, storage (schedstat)", BenchReport.ms(relay.storage.cpuPerRelayScheduled), target: "≤ 0.15 ms", met: relay.storage.cpuPerRelayScheduled <= .microseconds(150))
        }
        let idlePerMinute = relay.idleCPU.milliseconds * 60 / max(relay.idleSeconds, 0.001)
        report.add(String(format: "idle CPU/min, surviving threads (%.0f s)", relay.idleSeconds), String(format: "%.2f ms (lower bound)", idlePerMinute), target: "≤ 5 ms", met: nil)
        let idleTicksPerMinute = relay.idleCPUTicks.milliseconds * 60 / max(relay.idleSeconds, 0.001)
        report.add("idle CPU per minute (utime+stime, 10 ms ticks)", String(format: "%.0f ms", idleTicksPerMinute), target: "≤ 5 ms", met: idleTicksPerMinute <= 5)
        let names = relay.idleCommandNames.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        let linesPerMinute = Double(relay.idleCommands) * 60 / max(relay.idleSeconds, 0.001)
        report.add(String(format: "AT command lines while idle (%.0f s)", relay.idleSeconds),
                   String(format: "%d (%.2f a minute)", relay.idleCommands, linesPerMinute) + (names.isEmpty ? "" : " (named: \(names))"),
                   target: "≤ 1 a minute", met: linesPerMinute <= 1)
        if let lookup {
            let k = (lookup.customers >= 1000 ? "\(lookup.customers / 1000)k" : "\(lookup.customers)") + (lookup.postgresSchema == nil ? "" : " on PostgreSQL")
            report.add("registry fill, \(k) customers", lookup.fillSeconds.map { String(format: "%.1f s (%.0f /s)", $0, Double(lookup.customers) / $0) } ?? "reused",
                       target: "—", met: nil)
            if lookup.postgresSchema == nil {
                report.add("database size, \(k) customers", String(format: "%.1f MiB", Double(lookup.databaseBytes) / 1_048_576), target: "—", met: nil)
            }
            let atMillion = lookup.customers >= 1_000_000
            report.add("sender lookup mean, \(k) (roleNow)", BenchReport.us(lookup.lookups.mean), target: atMillion ? "≤ 50 µs" : "(≤ 50 µs at 1M)",
                       met: atMillion ? lookup.lookups.mean.map { $0 <= .microseconds(50) } : nil)
            report.add("sender lookup p99, \(k)", BenchReport.us(lookup.lookups.percentile(99)), target: atMillion ? "≤ 50 µs" : "(≤ 50 µs at 1M)",
                       met: atMillion ? lookup.lookups.percentile(99).map { $0 <= .microseconds(50) } : nil)
            report.add("sender lookup p50, \(k)", BenchReport.us(lookup.lookups.percentile(50)), target: "—", met: nil)
            report.add("sender lookup miss mean, \(k)", BenchReport.us(lookup.misses.mean), target: "—", met: nil)
            report.add("sender lookup miss p50 / p99, \(k)", BenchReport.us(lookup.misses.percentile(50)) + " / " + BenchReport.us(lookup.misses.percentile(99)), target: "—", met: nil)
            report.add("sender lookup p50 via the route cache, \(k)", BenchReport.us(lookup.cachedLookups.percentile(50)), target: "—", met: nil)
            report.add("sender lookup p99 via the route cache, \(k)", BenchReport.us(lookup.cachedLookups.percentile(99)) + " (\(lookup.cacheHits) hits)",
                       target: "≤ 50 µs", met: lookup.cachedLookups.percentile(99).map { $0 <= .microseconds(50) })
            report.add("daemon peak RSS, \(k) customers (\(lookup.relays) relays)", BenchReport.mib(lookup.peakRSSKiB) + " (anon \(BenchReport.mib(lookup.anonymousKiB)))",
                       target: lookup.customers >= 100_000 ? "≤ 12 MiB" : "(≤ 12 MiB at 100k)",
                       met: lookup.customers >= 100_000 ? lookup.peakRSSKiB <= 12 * 1024 : nil)
        }
        if let one = pool.first(where: { $0.modems == 1 }) {
            for figure in pool {
                let scale = figure.relaysPerMinute / max(one.relaysPerMinute, 0.001)
                report.add("pool of \(figure.modems), relays/min at \(options.poolRadioDelayMilliseconds) ms a send",
                           String(format: "%.1f (%.2f× one modem)", figure.relaysPerMinute, scale),
                           target: figure.modems == 1 ? "—" : String(format: "≥ %.1f×", 0.9 * Double(figure.modems)),
                           met: figure.modems == 1 ? nil : scale >= 0.9 * Double(figure.modems))
            }
        }
        print("")
        print(report.printed())
        print("")
        print("notes: modem refused \(direct.refusedDeliveries) deliveries in the direct run, \(relay.storage.refusedDeliveries) in the storage run "
            + "(each stalls 500 ms); daemon threads: \(direct.threads); load after: \(loadAverage())")
        if relay.storage.stalledAfter != nil { print("storage-mode stall: \(relay.storage.stallNote)") }
    }

    static func temporaryDirectory(in directory: String) throws -> URL {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        var template = Array((base + "trackerd-bench-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchFailure("cannot create a temporary directory")
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    static func loadAverage() -> String {
        (ProcessProbe.read("/proc/loadavg") ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}
