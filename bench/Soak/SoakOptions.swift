import ArgumentParser
import Foundation
import TestSupport

/// The receive modes one soak covers.
enum ModeChoice: String, CaseIterable, ExpressibleByArgument {
    case storage, direct, both

    var modes: [ReceiveMode] {
        switch self {
        case .storage: [.storage]
        case .direct: [.direct]
        case .both: [.storage, .direct]
        }
    }
}

/// `trackerd run --receive …`.
enum ReceiveMode: String, Sendable, CaseIterable {
    case storage, direct
}

/// The soak's knobs. Defaults: 2,000 reports at 20/s (about 100 s of traffic per mode), a fault
/// every ~40 reports, 8 `kill -9` and 3 SIGTERM per mode.
struct SoakOptions: ParsableArguments {
    @Option(help: "Tracker reports per mode.")
    var reports = 2_000

    @Option(help: "Reports per second on average (Poisson arrivals).")
    var rate = 20.0

    @Option(help: "Seed of the plan: report times, senders, faults, kills.")
    var seed: UInt64 = 1

    @Option(help: "Receive modes: storage, direct or both.")
    var mode: ModeChoice = .both

    @Option(help: "Customers, each with two phones.")
    var customers = 4

    @Option(help: "Trackers per customer.")
    var trackersPerCustomer = 2

    @Option(help: "Modem faults per mode (default: one per 40 reports); every kind at least once.")
    var faults: Int?

    @Option(help: "kill -9 of the daemon per mode, each followed by a restart.")
    var kills = 8

    @Option(help: "SIGTERM of the daemon per mode, each followed by a restart.")
    var terms = 3

    @Option(help: "The simulated network's delay per submitted SMS, in milliseconds.")
    var radioDelayMs = 10

    @Option(help: "The daemon's --health-probe-seconds (its default is 240; a PIN lock while nothing is in flight waits for it).")
    var healthProbeSeconds = 30

    @Option(help: "After the last report: stop waiting once nothing changed for this many seconds (the relay's retries back off to 120 s).")
    var quietSeconds = 150

    @Option(help: "Once every report arrived: how long to wait for parts left on the SIM to go (the reassembler deletes a lone part after 600 s).")
    var orphanSeconds = 780

    @Option(help: "After the last report: stop waiting after this many seconds in any case.")
    var settleSeconds = 1_200

    @Option(help: "The daemon's --log-level.")
    var logLevel = "warning"

    @Option(help: "Where the work directory goes (short: the control socket path must stay below 108 bytes).")
    var workdir = "/tmp"

    @Flag(help: "Keep the work directory (daemon logs, plans, data directories) even when the soak passes.")
    var keep = false

    /// The SIM's PIN: the simulated SIM asks for it at every power-up and after a `pin-locked` fault.
    static let pin = "2468"

    var faultCount: Int { faults ?? max(ModemFaultKind.allCases.count, reports / 40) }

    func validate() throws {
        guard reports >= 1, rate > 0, customers >= 1, trackersPerCustomer >= 1 else {
            throw ValidationError("--reports, --rate, --customers and --trackers-per-customer must be positive")
        }
        guard kills >= 0, terms >= 0, (faults ?? 0) >= 0, radioDelayMs >= 0, healthProbeSeconds >= 1 else {
            throw ValidationError("--kills, --terms, --faults and --radio-delay-ms must not be negative; --health-probe-seconds ≥ 1")
        }
        guard customers * trackersPerCustomer <= 9_999, customers <= 4_999 else {
            throw ValidationError("at most 9,999 trackers and 4,999 customers")
        }
    }

    /// A fresh directory for this soak's data directories, links, logs and plans.
    func workDirectory() throws -> URL {
        var template = Array((workdir.hasSuffix("/") ? workdir : workdir + "/").appending("soak-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("cannot create a work directory in \(workdir): errno \(errno)")
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }
}
