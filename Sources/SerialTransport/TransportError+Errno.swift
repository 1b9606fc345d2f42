#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension TransportError {
    /// Classifies an `errno` left by a failed system call on `device`.
    ///
    /// POSIX.1-2017 §2.3 — error numbers. The kinds are what an operator can act on:
    /// a missing device, one another program holds, a permission to grant, or a device gone.
    static func fromErrno(
        _ code: Int32, device: String, operation: String, context: String = ""
    ) -> TransportError {
        let kind: Kind
        switch code {
        case ENOENT, ENXIO, ENODEV: kind = .notFound
        case EBUSY: kind = .busy
        case EACCES, EPERM: kind = .permissionDenied
        case ENOTTY: kind = .notATerminal
        case EIO, EPIPE, EBADF: kind = .closed
        default: kind = .system(errno: code)
        }
        let words = String(cString: strerror(code))
        return TransportError(
            device: device, kind: kind, operation: operation,
            detail: context.isEmpty ? words : "\(context): \(words)")
    }
}

extension String {
    /// Decodes a C string held in a buffer, up to its first NUL (or its end).
    init(cChars: some Collection<CChar>) {
        self.init(decoding: cChars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
