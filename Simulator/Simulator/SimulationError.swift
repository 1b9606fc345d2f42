#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the simulation could not start or a request on it failed; names the path or number involved.
public struct SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, socket or subscriber number concerned.
    public var path: String
    /// What we were doing: "bind control socket", "add tracker", "start modem".
    public var operation: String
    /// The operating system's words or our own.
    public var detail: String
    /// The errno, when the operating system refused.
    public var errno: Int32?

    public init(path: String, operation: String, detail: String) {
        self.path = path
        self.operation = operation
        self.detail = detail
        self.errno = nil
    }

    public init(path: String, operation: String, errno code: Int32) {
        self.path = path
        self.operation = operation
        self.detail = String(cString: strerror(code))
        self.errno = code
    }

    public var description: String { "\(path): \(operation): \(detail)" }
}
