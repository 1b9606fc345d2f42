import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What /proc says about one process: CPU time used and resident memory.
struct ProcessProbe {
    let pid: Int32

    /// utime + stime from /proc/PID/stat, in nanoseconds (clock-tick resolution, usually 10 ms;
    /// includes threads that already exited).
    func cpuTicksNanoseconds() -> Int64? {
        guard let text = Self.read("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name start at field 3 (state); utime is field 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Int64(fields[11]), let stime = Int64(fields[12]) else { return nil }
        let ticksPerSecond = Int64(sysconf(Int32(_SC_CLK_TCK)))
        return (utime + stime) * 1_000_000_000 / max(ticksPerSecond, 1)
    }

    /// The sum of every live thread's run time from /proc/PID/task/*/schedstat, in nanoseconds:
    /// nanosecond resolution, for the idle figure where ticks are too coarse.
    func cpuScheduledNanoseconds() -> Int64? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return nil }
        var total: Int64 = 0
        for task in tasks {
            guard let text = Self.read("/proc/\(pid)/task/\(task)/schedstat"),
                let first = text.split(separator: " ").first, let value = Int64(first)
            else { continue }
            total += value
        }
        return total
    }

    /// Run time per live thread (tid → ns) from /proc/PID/task/*/schedstat.
    func threadRunTimes() -> [String: Int64] {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return [:] }
        var times: [String: Int64] = [:]
        for task in tasks {
            if let text = Self.read("/proc/\(pid)/task/\(task)/schedstat"),
                let first = text.split(separator: " ").first, let value = Int64(first)
            {
                times[task] = value
            }
        }
        return times
    }

    /// CPU used between two `threadRunTimes()` snapshots by the threads alive at the second one: a
    /// lower bound (a thread that exited in between takes its time with it), nanosecond-exact.
    static func runTimeDelta(from before: [String: Int64], to after: [String: Int64]) -> Int64 {
        after.reduce(0) { $0 + $1.value - (before[$1.key] ?? 0) }
    }

    /// Threads now.
    func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 0
    }

    /// A `Vm…:` line of /proc/PID/status, in KiB (VmHWM: peak resident set; VmRSS: now).
    func statusKiB(_ field: String) -> Int? {
        guard let text = Self.read("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// Reads a /proc file to its end (their size reads as 0, so no length is trusted).
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
