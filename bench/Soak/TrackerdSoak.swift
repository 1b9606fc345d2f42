import ArgumentParser
import Foundation
import TestSupport

/// `trackerd-soak` — issue #9 "Prove it stays fixed": the release `trackerd run` against the
/// in-process simulator for a few thousand tracker reports, with every fault the simulator has,
/// `kill -9` and SIGTERM restarts, all drawn from one seed; then what was lost, duplicated and
/// left behind, per receive mode. Not part of `make test`: run by `bench/soak.sh` (`make soak`).
///
/// DESIGN.md "Receiving and relaying": in storage mode a crash loses nothing (lost must be 0);
/// in direct mode a message the daemon held at a `kill -9` may be lost, and the soak says which.
@main
struct TrackerdSoak: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trackerd-soak",
        abstract: "Tracker reports through the real daemon under random faults and kills; prints what was lost.",
        discussion: """
            Runs .build/release/trackerd (next to this executable) as a child process on the
            in-process simulator. The plan (report times, faults, kills) comes from --seed, so a
            finding is reproduced with the same seed and mode; each event's step (reports sent
            before it) is in the plan file. Exits 1 when storage mode lost a report, a report went
            to a phone it must not reach, the daemon crashed or hung, or its log holds a body.
            """)

    @OptionGroup var options: SoakOptions

    func run() throws {
        let work = try options.workDirectory()
        let trackerd = ProcessRunner.executable("trackerd")
        guard FileManager.default.isExecutableFile(atPath: trackerd.path) else {
            throw ValidationError("no trackerd next to trackerd-soak (\(trackerd.path)): swift build -c release --product trackerd")
        }
        print("trackerd-soak: \(trackerd.path); seed \(options.seed); \(options.reports) reports at \(options.rate)/s; "
            + "\(ProcessInfo.processInfo.activeProcessorCount) CPUs, load \(Self.loadAverage()); work in \(work.path)")
        var results: [ModeResult] = []
        for mode in options.mode.modes {
            let plan = SoakPlan(options: options, mode: mode)
            print("\n== \(mode) mode: \(plan.summary)")
            fflush(nil)  // all streams: progress shows when piped
            let run = ModeRun(options: options, mode: mode, plan: plan, root: work.appendingPathComponent(mode.rawValue, isDirectory: true))
            results.append(try run.run())
        }
        print("")
        print(SoakReport(results: results, options: options).printed())
        print("load after: \(Self.loadAverage())")
        let failures = results.flatMap { result in result.failures.map { "\(result.mode): \($0)" } }
        if failures.isEmpty {
            print("soak passed: nothing lost in storage mode, no crash, no hang, no body in a log")
            if !options.keep { try? FileManager.default.removeItem(at: work) }
        } else {
            print("soak FAILED (work directory kept: \(work.path)):")
            for failure in failures { print("  - \(failure)") }
            throw ExitCode(1)
        }
    }

    static func loadAverage() -> String {
        let text = ProcStatus.read("/proc/loadavg") ?? "?"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
