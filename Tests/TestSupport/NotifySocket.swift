import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plays systemd's side of sd_notify(3): a bound `AF_UNIX` datagram socket that keeps every
/// message it receives, in order, read on its own thread.
public final class NotifySocket: @unchecked Sendable {
    /// What goes into `NOTIFY_SOCKET`: the path, or `@name` for an abstract socket.
    public let address: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var closed = false
    private var reader: Thread?

    /// Binds `path`, or the abstract name `@…` when `path` starts with `@`.
    public init(path: String) throws {
        address = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: errno \(errno)") }
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw HarnessError("bind \(path): errno \(code)")
        }
        let thread = Thread { [weak self] in self?.readLoop() }
        thread.name = "notify-socket"
        reader = thread
        thread.start()
    }

    deinit { close() }

    /// Every message so far, oldest first.
    public var messages: [String] { lock.withLock { received } }

    /// Each message's assignments (`READY=1`, `STATUS=…`), flattened, oldest first.
    public var assignments: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    /// Stops reading and closes the socket (and removes a path socket's file).
    public func close() {
        let wasOpen: Bool = lock.withLock {
            defer { closed = true }
            return !closed
        }
        guard wasOpen else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
        if !address.hasPrefix("@") { unlink(address) }
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if lock.withLock({ closed }) { return }
            guard ready > 0 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                lock.withLock { received.append(message) }
            }
        }
    }
}
