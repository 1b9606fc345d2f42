import Foundation

/// The benchmark's knobs; defaults keep `make bench` to a few minutes on a small shared box.
struct BenchOptions {
    var trackerd = ".build/release/trackerd"
    /// Messages in the throughput run.
    var messages = 2_000
    /// Messages in the sequential latency run.
    var latencyMessages = 500
    /// Tracker/phone pairs (one customer each) in the relay runs.
    var pairs = 50
    /// Messages the network may have handed to the modem and not yet seen relayed: kept below
    /// the SIM's 30 slots so the benchmark measures the daemon, not the network's 500 ms redelivery.
    var window = 20
    var idleSeconds = 65
    var lookupCustomers = 100_000
    var lookups = 10_000
    /// Relays through the daemon started on the big registry, before its peak RSS is read.
    var bigRegistryRelays = 200
    var logLevel = "warning"
    var skipBigRegistry = false
    /// Where to keep the big registry between runs (filling it is the slow part); temporary if nil.
    var registryCache: String?
    /// `--lookup-registry postgres://…`: figure 5 on a PostgreSQL registry (issue #11), in a schema
    /// `bench_N` of its own (kept and reused with `--registry-cache`, else a fresh one per run).
    var lookupRegistry: String?
    /// `--relay-registry postgres://…`: figures 1–4 with the daemons' registry on PostgreSQL.
    var relayRegistry: String?
    /// Clients filling a PostgreSQL registry at once (each a connection of its own); SQLite fills with one.
    var fillWorkers = 4
    /// Where the data directories and links go: /dev/shm when there is one, because filling a big
    /// registry is one fsync'd transaction per add (ms each on a virtual disk), which would
    /// measure the disk, not trackerd.
    /// The pool figure: modem counts, radio delay per send, warm-up and measured window.
    var poolModems = [1, 2, 4]
    var poolRadioDelayMilliseconds = 1_500
    var poolWarmUpSeconds = 10
    var poolSeconds = 60
    var skipPool = false
    var workDirectory: String = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()

    static let usage = """
        usage: trackerd-bench [--trackerd PATH] [--messages N] [--latency-messages N] [--pairs N]
                              [--window N] [--idle-seconds S] [--lookup-customers N] [--lookups N]
                              [--big-registry-relays N] [--log-level LEVEL] [--registry-cache DIR]
                              [--lookup-registry postgres://USER@HOST/DB] [--fill-workers N]
                              [--relay-registry postgres://USER@HOST/DB]
                              [--workdir DIR] [--skip-big-registry] [--pool-modems 1,2,4]
                              [--pool-radio-delay-ms MS] [--pool-seconds S] [--skip-pool]
        """

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(_ name: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchFailure("\(name) needs a value\n\(usage)") }
            return next
        }
        func number(_ name: String, minimum: Int) throws -> Int {
            let text = try value(name)
            guard let parsed = Int(text.replacingOccurrences(of: "_", with: "")), parsed >= minimum else {
                throw BenchFailure("\(name) needs a whole number ≥ \(minimum), not '\(text)'")
            }
            return parsed
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--trackerd": options.trackerd = try value(argument)
            case "--messages": options.messages = try number(argument, minimum: 1)
            case "--latency-messages": options.latencyMessages = try number(argument, minimum: 1)
            case "--pairs": options.pairs = try number(argument, minimum: 1)
            case "--window": options.window = try number(argument, minimum: 1)
            case "--idle-seconds": options.idleSeconds = try number(argument, minimum: 1)
            case "--lookup-customers": options.lookupCustomers = try number(argument, minimum: 1)
            case "--lookups": options.lookups = try number(argument, minimum: 1)
            case "--big-registry-relays": options.bigRegistryRelays = try number(argument, minimum: 1)
            case "--log-level": options.logLevel = try value(argument)
            case "--registry-cache": options.registryCache = try value(argument)
            case "--lookup-registry": options.lookupRegistry = try value(argument)
            case "--relay-registry": options.relayRegistry = try value(argument)
            case "--fill-workers": options.fillWorkers = try number(argument, minimum: 1)
            case "--workdir": options.workDirectory = try value(argument)
            case "--skip-big-registry": options.skipBigRegistry = true
            case "--pool-modems":
                let text = try value(argument)
                let counts = text.split(separator: ",").compactMap { Int($0) }
                guard !counts.isEmpty, counts.allSatisfy({ $0 >= 1 && $0 <= 16 }) else { throw BenchFailure("--pool-modems needs counts such as 1,2,4, not '\(text)'") }
                options.poolModems = counts
            case "--pool-radio-delay-ms": options.poolRadioDelayMilliseconds = try number(argument, minimum: 0)
            case "--pool-seconds": options.poolSeconds = try number(argument, minimum: 5)
            case "--skip-pool": options.skipPool = true
            case "-h", "--help":
                print(usage)
                exit(0)
            default: throw BenchFailure("unknown argument '\(argument)'\n\(usage)")
            }
        }
        return options
    }
}

/// Why the benchmark could not finish; printed, exit status 1.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
