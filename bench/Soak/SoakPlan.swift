import Foundation
import Simulator
import TestSupport

/// Every fault the simulator has (`ModemFault`), by the name `trackersim fault` gives it.
enum ModemFaultKind: String, CaseIterable, Sendable {
    case drop, cmsError = "cms-error", hang, garble, urcNoise = "urc-noise", storageFull = "storage-full", pinLocked = "pin-locked"
}

/// What one soak does and when, drawn from the seed before anything starts.
///
/// Times are offsets from the first report. A step is the number of reports sent before an
/// event: "seed 7, direct mode, kill -9 at step 812" names the moment a finding came from.
struct SoakPlan: Sendable {
    struct Report: Sendable {
        var index: Int
        var at: Duration
        var tracker: Int
        var body: ReportText
    }

    /// Something done to the simulated modem.
    enum ModemAction: Sendable {
        case fault(ModemFault)
        case liftStorageFull
    }

    struct ModemEvent: Sendable {
        var at: Duration
        var step: Int
        var action: ModemAction
        var name: String
    }

    enum Signal: String, Sendable {
        case kill9 = "kill -9"
        case terminate = "SIGTERM"
    }

    /// Stop the daemon with `signal`, start it again `restartAfter` later.
    struct LifecycleEvent: Sendable {
        var at: Duration
        var step: Int
        var signal: Signal
        var restartAfter: Duration
    }

    let cast: SoakCast
    let reports: [Report]
    let modemEvents: [ModemEvent]
    let lifecycle: [LifecycleEvent]
    /// When the last report goes out.
    let duration: Duration

    init(options: SoakOptions, mode: ReceiveMode) {
        cast = SoakCast(customers: options.customers, trackersPerCustomer: options.trackersPerCustomer)
        // One stream per mode, so `--mode direct` replays exactly the direct half of `--mode both`.
        var generator = SeededGenerator(seed: options.seed &* 0x9E37_79B9 &+ (mode == .storage ? 1 : 2))
        var at = Duration.zero
        var reports: [Report] = []
        for index in 0..<options.reports {
            // Poisson arrivals: exponential gaps with mean 1/rate.
            let gap = -Foundation.log(1 - Double.random(in: 0..<1, using: &generator)) / options.rate
            at += .milliseconds(Int64(gap * 1000))
            let tracker = Int.random(in: 0..<cast.trackers.count, using: &generator)
            reports.append(Report(index: index, at: at, tracker: tracker,
                                  body: ReportText(index: index, tracker: cast.trackers[tracker], generator: &generator)))
        }
        self.reports = reports
        duration = at
        let span = max(1, Int64(at.seconds * 1000))

        func step(at time: Duration) -> Int { reports.partitionPoint { $0.at < time } }
        func randomTime(from low: Double, to high: Double) -> Duration {
            .milliseconds(Int64.random(in: Int64(Double(span) * low)...max(Int64(Double(span) * low), Int64(Double(span) * high)), using: &generator))
        }

        var kinds = ModemFaultKind.allCases.shuffled(using: &generator)
        while kinds.count < options.faultCount { kinds.append(ModemFaultKind.allCases.randomElement(using: &generator)!) }
        var modemEvents: [ModemEvent] = []
        for kind in kinds.prefix(options.faultCount) {
            let time = randomTime(from: 0.02, to: 0.95)
            let (fault, name) = Self.fault(kind, using: &generator)
            modemEvents.append(ModemEvent(at: time, step: step(at: time), action: .fault(fault), name: name))
            if kind == .storageFull {
                let lift = time + .milliseconds(Int64.random(in: 500...5_000, using: &generator))
                modemEvents.append(ModemEvent(at: lift, step: step(at: lift), action: .liftStorageFull, name: "storage-ok"))
            }
        }
        self.modemEvents = modemEvents.sorted { $0.at < $1.at }

        let signals = (Array(repeating: Signal.kill9, count: options.kills) + Array(repeating: .terminate, count: options.terms))
        self.lifecycle = signals.map { signal in
            let time = randomTime(from: 0.03, to: 0.97)
            let restart = Duration.milliseconds(Int64.random(in: 0...(signal == .kill9 ? 3_000 : 2_000), using: &generator))
            return LifecycleEvent(at: time, step: step(at: time), signal: signal, restartAfter: restart)
        }.sorted { $0.at < $1.at }
    }

    /// A fault of `kind` with random parameters in the ranges real modems show.
    static func fault(_ kind: ModemFaultKind, using generator: inout SeededGenerator) -> (ModemFault, String) {
        switch kind {
        case .drop:
            let reopen = Int64.random(in: 200...3_000, using: &generator)
            return (.drop(reopenAfter: .milliseconds(reopen)), "drop (reopen after \(reopen) ms)")
        case .cmsError:
            // Unknown error, SIM busy, invalid index, no network service, network timeout, not allowed.
            let code = [500, 314, 321, 331, 332, 302].randomElement(using: &generator)!
            let count = Int.random(in: 1...4, using: &generator)
            return (.cmsError(count: count, code: code), "cms-error \(code) ×\(count)")
        case .hang:
            let milliseconds = Int64.random(in: 500...6_000, using: &generator)
            return (.hang(.milliseconds(milliseconds)), "hang \(milliseconds) ms")
        case .garble:
            let count = Int.random(in: 1...8, using: &generator)
            return (.garble(count: count), "garble ×\(count)")
        case .urcNoise:
            let count = Int.random(in: 1...12, using: &generator)
            return (.urcNoise(count: count), "urc-noise ×\(count)")
        case .storageFull:
            return (.storageFull, "storage-full")
        case .pinLocked:
            return (.pinLocked, "pin-locked")
        }
    }

    var summary: String {
        let kinds = Dictionary(grouping: modemEvents.compactMap { event -> String? in
            guard case .fault = event.action else { return nil }
            return String(event.name.prefix { $0 != " " })
        }, by: { $0 }).mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        let kills = lifecycle.filter { $0.signal == .kill9 }.count
        return "\(reports.count) reports over \(Int(duration.seconds.rounded())) s from \(cast.trackers.count) trackers to "
            + "\(cast.allPhones.count) phones; faults \(kinds); \(kills) kill -9, \(lifecycle.count - kills) SIGTERM"
    }

    /// The plan as lines, for the plan file a finding is reproduced from.
    func describe() -> String {
        var lines = [summary]
        var events: [(Duration, String)] = modemEvents.map { ($0.at, "step \($0.step): \($0.name)") }
        events += lifecycle.map { ($0.at, "step \($0.step): \($0.signal.rawValue), restart after \($0.restartAfter.milliseconds) ms") }
        for (at, line) in events.sorted(by: { $0.0 < $1.0 }) { lines.append(String(format: "t+%8.3f s  ", at.seconds) + line) }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

extension Array {
    /// The first index whose element fails `belongs` (the array is partitioned by it).
    func partitionPoint(_ belongs: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
