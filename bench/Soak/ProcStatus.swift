import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The fields of /proc/PID/status the soak watches: `VmHWM` (peak resident set, KiB) and `Threads`.
struct ProcStatus: Sendable {
    var peakResidentKiB: Int
    var threads: Int

    /// Now, for `pid`; nil once the process is gone (or a zombie without memory).
    init?(pid: Int32) {
        guard let text = Self.read("/proc/\(pid)/status") else { return nil }
        var fields: [Substring: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            guard key == "VmHWM" || key == "Threads" else { continue }
            fields[key] = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        guard let peak = fields["VmHWM"], let threads = fields["Threads"] else { return nil }
        peakResidentKiB = peak
        self.threads = threads
    }

    /// A /proc file to its end: they report size 0, so no length is trusted (Foundation's readers
    /// trust it and return nothing).
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
