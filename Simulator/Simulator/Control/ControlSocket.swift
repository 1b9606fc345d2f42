#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The simulator's control socket: a Unix-domain stream socket speaking JSON lines.
///
/// Each request is one line of JSON; each gets exactly one reply line, in order. The socket file
/// is created with mode 0600 (only the owner may drive the simulator) and removed on `stop()`.
/// A stale socket file left by a killed simulator is replaced; any other file at the path is not.
/// One thread accepts, one thread serves each client; handling itself is the `handler`'s business.
public final class ControlSocket: @unchecked Sendable {
    /// The longest request line accepted; longer ones get an error and the connection is closed.
    public static let maximumLineLength = 1 << 20

    public let path: String
    private let handler: @Sendable (String) -> String
    private let lock = NSLock()
    // Guarded by `lock`.
    private var listeningFD: Int32 = -1
    private var clientFDs: Set<Int32> = []
    private var stopped = false

    /// Binds and listens at `path`; `handler` turns one request line into one reply line.
    public init(path: String, handler: @escaping @Sendable (String) -> String) throws(SimulationError) {
        self.path = path
        self.handler = handler
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw SimulationError(path: path, operation: "bind control socket", detail: "path longer than \(capacity - 1) bytes")
        }
        try Self.removeStaleSocket(at: path)
        #if canImport(Glibc) || canImport(Musl)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SimulationError(path: path, operation: "create control socket", errno: errno) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw SimulationError(path: path, operation: "bind control socket", errno: code)
        }
        // Nobody can connect before listen(), so tightening the mode here leaves no window.
        guard chmod(path, 0o600) == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            throw SimulationError(path: path, operation: "listen on control socket", errno: code)
        }
        listeningFD = fd
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "trackersim-control"
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting, disconnects every client and removes the socket file; idempotent.
    public func stop() {
        lock.lock()
        guard !stopped else {
            lock.unlock()
            return
        }
        stopped = true
        let listener = listeningFD
        let clients = clientFDs
        lock.unlock()
        // An init that threw never bound: the file at `path` is not ours to remove.
        guard listener >= 0 else { return }
        // shutdown() wakes the threads blocked in accept()/read(); they close their own descriptors.
        shutdown(listener, Int32(SHUT_RDWR))
        for client in clients { shutdown(client, Int32(SHUT_RDWR)) }
        unlink(path)
    }

    private func acceptLoop(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            lock.lock()
            if stopped {
                lock.unlock()
                close(client)
                break
            }
            clientFDs.insert(client)
            lock.unlock()
            let thread = Thread { [self] in serve(client) }
            thread.name = "trackersim-control-client"
            thread.start()
        }
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer {
            lock.lock()
            clientFDs.remove(client)
            lock.unlock()
            close(client)
        }
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if line.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
                let reply = handler(String(decoding: line, as: UTF8.self))
                guard writeAll(client, Array((reply + "\n").utf8)) else { return }
            }
            if pending.count > Self.maximumLineLength {
                let reply = JSONValue.object(["ok": false, "error": .string("request line longer than \(Self.maximumLineLength) bytes")])
                _ = writeAll(client, Array((reply.jsonLine + "\n").utf8))
                return
            }
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Removes a socket file left behind by a simulator that was killed; refuses to remove anything else.
    private static func removeStaleSocket(at path: String) throws(SimulationError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard (status.st_mode & S_IFMT) == S_IFSOCK else {
            throw SimulationError(path: path, operation: "bind control socket", detail: "a file that is not a socket is in the way")
        }
        guard !someoneListens(at: path) else {
            throw SimulationError(path: path, operation: "bind control socket", detail: "another simulator is listening there")
        }
        unlink(path)
    }

    /// Whether a live process accepts connections at `path` (a stale file refuses them).
    private static func someoneListens(at path: String) -> Bool {
        #if canImport(Glibc) || canImport(Musl)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return connected == 0
    }
}
