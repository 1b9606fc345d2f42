#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TrackerGateway

/// One daemon per data directory: an exclusive `flock(2)` on `daemon.lock` (0600) held for the
/// daemon's life, with its pid in it for the message the next one gives. The kernel drops the
/// lock when the process dies, `kill -9` included, so a stale file never blocks a restart.
final class DaemonLock: Sendable {
    static let fileName = "daemon.lock"
    private let fd: Int32

    init(dataDirectory: URL) throws {
        let path = dataDirectory.appendingPathComponent(Self.fileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw GatewayError.io(path: path, operation: "open", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            let pid = count > 0 ? Int32(String(decoding: bytes.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            close(descriptor)
            throw DaemonAlreadyRunning(dataDirectory: dataDirectory.path, pid: pid)
        }
        fchmod(descriptor, 0o600)
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        fd = descriptor
    }

    deinit { close(fd) }
}

/// Another daemon holds the data directory's lock.
public struct DaemonAlreadyRunning: Error, CustomStringConvertible {
    public var dataDirectory: String
    public var pid: Int32?
    public var description: String {
        "another trackerd already runs on \(dataDirectory)" + (pid.map { " (pid \($0))" } ?? "") + "; stop it first (its control socket answers `trackerd status`)"
    }
}

