import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells the service manager how the daemon is doing: one datagram per message to `$NOTIFY_SOCKET`.
///
/// sd_notify(3) — the notification protocol: newline-separated `VARIABLE=value` assignments in
/// one `AF_UNIX` datagram to the socket systemd names in `NOTIFY_SOCKET`, a path, or an abstract
/// socket written with a leading `@`. No libsystemd: the protocol is one `sendto(2)`, and
/// systemd documents it as stable for exactly this use.
public struct SystemdNotifier: Sendable {
    public static let socketVariable = "NOTIFY_SOCKET"

    /// The socket as the environment gave it (`/run/systemd/notify` or `@name`).
    public let socketPath: String

    /// Nil when the daemon does not run under a service manager that listens.
    public init?(environment: [String: String]) {
        guard let path = environment[Self.socketVariable], path.hasPrefix("/") || (path.hasPrefix("@") && path.count > 1) else { return nil }
        self.socketPath = path
    }

    /// Sends `assignments` (`READY=1`, `STATUS=…`, `WATCHDOG=1`, joined by newlines); false when
    /// the datagram could not be sent (the daemon goes on: a service manager that went away is not ours to mend).
    @discardableResult
    public func notify(_ assignments: [String]) -> Bool {
        let message = Array(assignments.joined(separator: "\n").utf8)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        // An abstract name starts with a NUL byte and is exactly as long as given (no terminator).
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path)
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count + (abstract ? 0 : 1)
        let sent = message.withUnsafeBytes { bytes in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, socklen_t(length))
                }
            }
        }
        return sent == message.count
    }

    public func notify(_ assignment: String) -> Bool { notify([assignment]) }
}

/// `$WATCHDOG_USEC` (and `$WATCHDOG_PID`): how often systemd wants to hear `WATCHDOG=1`.
///
/// sd_watchdog_enabled(3): the daemon pings at half the timeout, and only when `WATCHDOG_PID`
/// is unset or names this process (a child that inherited the variables must not ping).
public struct WatchdogSettings: Sendable, Equatable {
    public static let usecVariable = "WATCHDOG_USEC"
    public static let pidVariable = "WATCHDOG_PID"

    /// systemd's timeout.
    public let timeout: Duration

    public init?(environment: [String: String], pid: Int32 = getpid()) {
        guard let text = environment[Self.usecVariable], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let owner = environment[Self.pidVariable], Int32(owner) != pid { return nil }
        timeout = .microseconds(microseconds)
    }

    /// Half the timeout, as sd_watchdog_enabled(3) advises.
    public var pingInterval: Duration { timeout / 2 }
}
