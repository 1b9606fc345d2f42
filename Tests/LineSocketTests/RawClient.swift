#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

@testable import LineSocket

/// A client that writes any bytes, half lines included, and reads reply lines one at a time:
/// what a test needs to misbehave the way a broken or hostile client would.
final class RawClient {
    let fd: Int32
    private var reader: LineReader

    /// Connects; a reply that never comes ends a read after `receiveTimeout` instead of hanging the test.
    init(path: String, receiveTimeout: Duration = .seconds(10)) throws {
        fd = try LineSocketAddress.withAddress(path) { address, length throws(LineSocketError) -> Int32 in
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw LineSocketError(path: path, operation: "socket", errno: errno) }
            guard connect(fd, address, length) == 0 else {
                let code = errno
                close(fd)
                throw LineSocketError(path: path, operation: "connect", errno: code)
            }
            return fd
        }
        let (seconds, attoseconds) = receiveTimeout.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        reader = LineReader(fd: fd, maximumLineLength: 16 << 20)
    }

    deinit { close(fd) }

    /// Writes all of `text`; false when the server closed the connection first.
    @discardableResult
    func write(_ text: String) -> Bool { LineSocketIO.writeAll(fd, Array(text.utf8)) }

    /// The next reply line, or nil at the end of the stream (or after the receive timeout).
    func readLine() -> String? {
        guard case .line(let line) = reader.nextLine() else { return nil }
        return line
    }

    func request(_ line: String) -> String? {
        guard write(line + "\n") else { return nil }
        return readLine()
    }

    /// Says "no more requests" while still reading, as `nc -N` does.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

/// The threads of this process, from /proc/self/task.
enum ProcessThreads {
    static func ids() -> Set<Int> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(names.compactMap { Int($0) })
    }

    static func name(_ id: Int) -> String {
        let comm = (try? String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8)) ?? "?"
        return comm.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isAlive(_ id: Int) -> Bool { FileManager.default.fileExists(atPath: "/proc/self/task/\(id)") }
}

/// Raises this process's descriptor limit to at least `count`; a test that needs more
/// descriptors than the hard limit allows fails here rather than skipping.
func ensureDescriptorLimit(_ count: Int) throws {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw HarnessError("getrlimit: errno \(errno)") }
    guard limit.rlim_cur < rlim_t(count) else { return }
    guard limit.rlim_max >= rlim_t(count) else {
        throw HarnessError("needs \(count) descriptors; the hard limit is \(limit.rlim_max) (raise it with ulimit -Hn)")
    }
    limit.rlim_cur = rlim_t(count)
    guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw HarnessError("setrlimit: errno \(errno)") }
}
