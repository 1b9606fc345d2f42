#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// A Unix-domain stream socket that answers each request line with exactly one reply line.
///
/// The control channel of both the daemon and the simulator. The socket file is made with mode
/// 0600 before anyone can connect; a stale socket left by a killed process is replaced, any
/// other file at the path is refused. One thread serves every connection (`LineSocketLoop`,
/// issue #9.4) within `LineSocketLimits`; each connection's replies keep the order of its lines.
public final class LineSocketServer: Sendable {
    /// The longest request line accepted by default (`LineSocketLimits.maximumLineLength`).
    public static let maximumLineLength = LineSocketLimits().maximumLineLength

    public let path: String
    public let limits: LineSocketLimits
    private let loop: LineSocketLoop

    /// Binds and listens at `path`; `handler` turns one request line into one reply line on the
    /// server's thread, so it must answer at once (every other connection waits meanwhile).
    public convenience init(
        path: String, limits: LineSocketLimits = LineSocketLimits(), handler: @escaping @Sendable (String) -> String
    ) throws(LineSocketError) {
        try self.init(path: path, limits: limits, handler: .direct(handler))
    }

    /// Binds and listens at `path`; `handler` turns one request line into one reply line as a
    /// task on the cooperative pool, and may take as long as it needs (its connection waits,
    /// no other does; the read timeout does not run meanwhile).
    public convenience init(
        path: String, limits: LineSocketLimits = LineSocketLimits(), asyncHandler: @escaping @Sendable (String) async -> String
    ) throws(LineSocketError) {
        try self.init(path: path, limits: limits, handler: .async(asyncHandler))
    }

    private init(path: String, limits: LineSocketLimits, handler: LineSocketLoop.Handler) throws(LineSocketError) {
        self.path = path
        self.limits = limits
        let fd = try LineSocketAddress.withAddress(path) { address, length throws(LineSocketError) -> Int32 in
            try Self.removeStaleSocket(at: path)
            let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            let fd = socket(AF_UNIX, type, 0)
            guard fd >= 0 else { throw LineSocketError(path: path, operation: "socket", errno: errno) }
            guard bind(fd, address, length) == 0 else {
                let code = errno
                close(fd)
                throw LineSocketError(path: path, operation: "bind", errno: code)
            }
            return fd
        }
        // Nobody can connect before listen(), so tightening the mode here leaves no window.
        guard chmod(path, 0o600) == 0, listen(fd, SOMAXCONN) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw LineSocketError(path: path, operation: "listen", errno: code)
        }
        do {
            loop = try LineSocketLoop(path: path, listener: fd, limits: limits, handler: handler)
            try loop.start()
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
    }

    deinit { loop.stop() }

    /// Stops accepting, closes every connection, removes the socket file and returns once the
    /// server's thread has ended; idempotent. A reply still being computed is discarded.
    public func stop() {
        loop.stop()
    }

    /// Removes a socket left behind by a killed process; refuses to remove anything else,
    /// and refuses to take over a socket another live process still listens on.
    private static func removeStaleSocket(at path: String) throws(LineSocketError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw LineSocketError(path: path, operation: "bind", detail: "a file that is not a socket is in the way")
        }
        if (try? LineSocketClient(path: path, timeout: .seconds(1))) != nil {
            throw LineSocketError(path: path, operation: "bind", detail: "another process is listening there")
        }
        unlink(path)
    }
}
