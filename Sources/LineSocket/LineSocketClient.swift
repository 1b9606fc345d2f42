#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation

/// A client for a `LineSocketServer`: connect, send request lines, read one reply line each.
public final class LineSocketClient {
    /// The longest reply line read; replies (a status with many modems) may outgrow a request.
    public static let maximumReplyLength = 1 << 20

    public let path: String
    private let fd: Int32
    private var reader: LineReader

    /// Connects to the socket at `path`; a missing socket or a refused connection throws.
    public init(path: String, timeout: Duration = .seconds(30)) throws(LineSocketError) {
        self.path = path
        let fd = try LineSocketAddress.withAddress(path) { address, length throws(LineSocketError) -> Int32 in
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw LineSocketError(path: path, operation: "socket", errno: errno) }
            guard connect(fd, address, length) == 0 else {
                let code = errno
                close(fd)
                throw LineSocketError(path: path, operation: "connect", errno: code)
            }
            return fd
        }
        let (seconds, attoseconds) = timeout.components
        var interval = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        self.reader = LineReader(fd: fd, maximumLineLength: Self.maximumReplyLength)
    }

    deinit { close(fd) }

    /// Sends one request line and returns the reply line.
    public func request(_ line: String) throws(LineSocketError) -> String {
        guard LineSocketIO.writeAll(fd, Array((line + "\n").utf8)) else {
            throw LineSocketError(path: path, operation: "write", errno: errno)
        }
        switch reader.nextLine() {
        case .line(let reply): return reply
        case .tooLong: throw LineSocketError(path: path, operation: "read", detail: "reply too long")
        case .end: throw LineSocketError(path: path, operation: "read", detail: "no reply (connection closed or timed out)")
        }
    }
}

/// Why a control socket could not be served or reached; names the socket.
public struct LineSocketError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var errno: Int32?
    public var detail: String

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
        self.detail = String(cString: strerror(errno))
    }

    public init(path: String, operation: String, detail: String) {
        self.path = path
        self.operation = operation
        self.errno = nil
        self.detail = detail
    }

    /// Nobody is listening: the socket file is missing or its process is gone.
    public var isNotListening: Bool { errno == ENOENT || errno == ECONNREFUSED }

    public var description: String { "\(path): \(operation): \(detail)" }
}

/// Reads newline-terminated lines from a descriptor.
struct LineReader {
    enum Next {
        case line(String)
        case tooLong
        case end
    }

    let fd: Int32
    let maximumLineLength: Int
    private var pending: [UInt8] = []

    init(fd: Int32, maximumLineLength: Int) {
        self.fd = fd
        self.maximumLineLength = maximumLineLength
    }

    mutating func nextLine() -> Next {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if pending.count > maximumLineLength { return .tooLong }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .end }
            pending.append(contentsOf: buffer[0..<count])
        }
    }
}

enum LineSocketIO {
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

enum LineSocketAddress {
    /// Calls `body` with a `sockaddr_un` for `path`; a path too long for it throws.
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(LineSocketError) -> T) throws(LineSocketError) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw LineSocketError(path: path, operation: "address", detail: "path longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let result: Result<T, LineSocketError> = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                do throws(LineSocketError) {
                    return .success(try body(raw, socklen_t(MemoryLayout<sockaddr_un>.size)))
                } catch {
                    return .failure(error)
                }
            }
        }
        return try result.get()
    }
}
