import Foundation
import Logging
import Simulator
import TrackerGateway

/// Figure 5: a registry of many customers — how long filling takes, sender lookup time, and the
/// daemon's peak RSS when it runs on it.
struct LookupBench {
    let options: BenchOptions
    let workspace: URL

    struct Result {
        var customers = 0
        var fillSeconds: Double?
        var lookups = Samples()
        var misses = Samples()
        /// Through the relay's route cache, trackers of a working set reporting again and again.
        var cachedLookups = Samples()
        var cacheHits = 0
        var peakRSSKiB = 0
        var anonymousKiB = 0
        var relays = 0
        var databaseBytes: Int64 = 0
        /// The PostgreSQL registry's URL with its schema, when the figure ran on one.
        var postgresSchema: String?
    }

    func run() async throws -> Result {
        var result = Result()
        result.customers = options.lookupCustomers
        let dataDirectory: URL
        if let cache = options.registryCache {
            dataDirectory = URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("registry-\(options.lookupCustomers)", isDirectory: true)
        } else {
            dataDirectory = workspace.appendingPathComponent("data-big", isDirectory: true)
        }
        let database = dataDirectory.appendingPathComponent(Registry.databaseFileName).path
        let registry: Registry
        if let url = options.lookupRegistry {
            (registry, result.postgresSchema) = try openPostgres(url, dataDirectory: dataDirectory, result: &result)
        } else if FileManager.default.fileExists(atPath: database) {
            print("   reusing the registry of \(options.lookupCustomers) customers in \(dataDirectory.path)")
            registry = try Registry.open(dataDirectory: dataDirectory, create: false)
        } else {
            if options.registryCache != nil {
                try FileManager.default.createDirectory(at: dataDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            print("   filling a registry with \(options.lookupCustomers) customers (1 phone + 1 tracker each) …")
            fflush(nil)  // all streams: progress shows when piped
            registry = try Registry.open(dataDirectory: dataDirectory, create: true)
            let start = ContinuousClock.now
            try BenchRegistry.fill(registry, customers: 0..<options.lookupCustomers, progress: true)
            result.fillSeconds = (ContinuousClock.now - start).seconds
        }
        for suffix in ["", "-wal"] where options.lookupRegistry == nil {
            let size = (try? FileManager.default.attributesOfItem(atPath: database + suffix)[.size] as? Int64) ?? nil
            result.databaseBytes += size ?? 0
        }

        // Sender lookups: half trackers, half phones, uniformly over the registry; then misses.
        var generator = SystemRandomNumberGenerator()
        for i in 0..<min(1_000, options.lookups) {  // warm the page cache and statement cache
            _ = try registry.roleNow(of: BenchRegistry.tracker(i % options.lookupCustomers))
        }
        for i in 0..<options.lookups {
            let customer = Int.random(in: 0..<options.lookupCustomers, using: &generator)
            let number = i % 2 == 0 ? BenchRegistry.tracker(customer) : BenchRegistry.phone(customer)
            let start = ContinuousClock.now
            let role = try registry.roleNow(of: number)
            result.lookups.add(.now - start)
            if case .unknown = role { throw BenchFailure("registered number \(customer) looked up as unknown") }
        }
        for _ in 0..<min(options.lookups, 2_000) {
            let number = "+1557" + String(Int.random(in: 2_000_000..<3_000_000, using: &generator))
            let start = ContinuousClock.now
            _ = try registry.roleNow(of: number)
            result.misses.add(.now - start)
        }
        // The relay's own path: the route cache in front of the registry, a working set of
        // trackers reporting again and again (each first look-up goes to the registry).
        let cache = RouteCache(registry)
        let workingSet = (0..<min(2_000, options.lookupCustomers)).map { _ in Int.random(in: 0..<options.lookupCustomers, using: &generator) }
        for customer in workingSet { _ = try cache.role(of: BenchRegistry.tracker(customer)) }
        for i in 0..<options.lookups {
            let number = BenchRegistry.tracker(workingSet[i % workingSet.count])
            let start = ContinuousClock.now
            _ = try cache.role(of: number)
            result.cachedLookups.add(.now - start)
        }
        result.cacheHits = cache.statistics.hits
        try registry.close()

        // The daemon on this registry: relays from random trackers, then its peak RSS.
        let sample = (0..<options.bigRegistryRelays).map { _ in Int.random(in: 0..<options.lookupCustomers, using: &generator) }
        let phones = Array(Set(sample.map(BenchRegistry.phone)))
        let simulation = Simulation(configuration: SimulationConfiguration(
            linkPath: workspace.appendingPathComponent("modem-big.tty").path, modemNumber: BenchRegistry.gateway,
            radioDelay: .zero, logLevel: .critical, phones: phones))
        try simulation.start()
        defer { simulation.stop() }
        let daemon = try DaemonProcess(
            executable: options.trackerd, dataDirectory: dataDirectory, device: simulation.linkPath,
            ownNumber: BenchRegistry.gateway, receive: "storage", logLevel: options.logLevel,
            logPath: workspace.appendingPathComponent("trackerd-big.log").path, registry: result.postgresSchema)
        defer { daemon.stop() }
        var expected: [String: Int] = [:]
        for (i, customer) in sample.enumerated() {
            let phone = BenchRegistry.phone(customer)
            expected[phone, default: simulation.inbox(of: phone)?.count ?? 0] += 1
            try simulation.send(from: BenchRegistry.tracker(customer), text: "lat:48.137154 long:11.576124 speed:0.00 seq:\(i)")
            let inbox = await simulation.waitForInbox(of: phone, count: expected[phone]!, timeout: i == 0 ? .seconds(30) : .seconds(20))
            guard (inbox?.count ?? 0) >= expected[phone]! else {
                throw BenchFailure("big registry: relay \(i) did not arrive; daemon log:\n\(daemon.logTail())")
            }
            result.relays += 1
            // Storage mode: each relay starts from an empty SIM, as in Rig.storageEmptied().
            let deadline = ContinuousClock.now + .seconds(10)
            while !simulation.storedMessages().isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .microseconds(200))
            }
        }
        result.peakRSSKiB = daemon.probe.statusKiB("VmHWM") ?? 0
        result.anonymousKiB = daemon.probe.statusKiB("RssAnon") ?? 0
        return result
    }

    /// The registry on PostgreSQL: schema `bench_N` (with `--registry-cache`, kept for the next run
    /// with its key in the cache directory), else `bench_N_<random>`, filled when new.
    func openPostgres(_ base: String, dataDirectory: URL, result: inout Result) throws -> (Registry, String) {
        let text = BenchRegistry.url(base, schema: "bench_\(options.lookupCustomers)", unique: options.registryCache == nil)
        let url = try PostgresRegistryURL(parsing: text)
        let key = dataDirectory.appendingPathComponent(Registry.masterKeyFileName).path
        if FileManager.default.fileExists(atPath: key) {
            print("   reusing the PostgreSQL registry of \(options.lookupCustomers) customers (\(url))")
            return (try Registry.open(dataDirectory: dataDirectory, location: .postgres(url)), text)
        }
        try FileManager.default.createDirectory(at: dataDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
        print("   filling a PostgreSQL registry (\(url)) with \(options.lookupCustomers) customers …")
        fflush(nil)
        let registry = try Registry.initialise(dataDirectory: dataDirectory, registry: url, join: false, gatewayNumber: BenchRegistry.gateway).registry
        let start = ContinuousClock.now
        try BenchRegistry.fill(registry, customers: 0..<options.lookupCustomers, progress: true, workers: options.fillWorkers) {
            try Registry.open(dataDirectory: dataDirectory, location: .postgres(url))
        }
        result.fillSeconds = (ContinuousClock.now - start).seconds
        return (registry, text)
    }
}
