#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSerialPort

/// Opens the right transport for a device path.
///
/// libserialport finds a port's details in sysfs and so refuses pseudo-terminals; those,
/// and any terminal it does not know, go through plain termios. Everything above the
/// transport is the same code either way.
public enum Transports {
    /// What a device path turned out to be.
    public enum DeviceKind: String, Sendable, Equatable {
        /// A Unix98 pseudo-terminal slave (`/dev/pts/N`): the simulator, or a test.
        case pseudoTerminal = "pty"
        /// A character device libserialport knows as a serial port (USB modem, UART).
        case serialPort = "serial"
        /// Some other character device; opened with termios, which refuses a non-terminal.
        case otherCharacterDevice = "char"
    }

    /// Unix98 pseudo-terminal slaves: Linux `Documentation/admin-guide/devices.txt`,
    /// majors 136–143 ("Unix98 PTY slaves").
    static let pseudoTerminalSlaveMajors: ClosedRange<UInt32> = 136...143

    /// Opens `path` with the transport its device kind needs.
    /// - Throws: `.notFound` naming `path` when nothing is there, `.notATerminal` for a
    ///   regular file, directory or socket, or whatever opening the device throws.
    public static func open(path: String, settings: SerialSettings) throws(TransportError) -> any Transport {
        switch try kind(of: path) {
        case .pseudoTerminal, .otherCharacterDevice:
            return try TermiosTransport(path: path, settings: settings)
        case .serialPort:
            return try SerialPortTransport(path: path, settings: settings)
        }
    }

    /// Resolves symbolic links in `path` and tells what device is behind it.
    public static func kind(of path: String) throws(TransportError) -> DeviceKind {
        let resolved = try resolve(path)
        var info = stat()
        guard stat(resolved, &info) == 0 else { throw .fromErrno(errno, device: path, operation: "open") }
        guard info.st_mode & S_IFMT == S_IFCHR else {
            throw TransportError(
                device: path, kind: .notATerminal, operation: "open",
                detail: "\(resolved) is \(describe(mode: info.st_mode)), not a character device")
        }
        if pseudoTerminalSlaveMajors.contains(trackerd_major(info.st_rdev)) || resolved.hasPrefix("/dev/pts/") {
            return .pseudoTerminal
        }
        var port: OpaquePointer?
        if sp_get_port_by_name(resolved, &port) == SP_OK, let port {
            sp_free_port(port)
            return .serialPort
        }
        return .otherCharacterDevice
    }

    /// The path with every symbolic link resolved.
    static func resolve(_ path: String) throws(TransportError) -> String {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            var error = TransportError.fromErrno(code, device: path, operation: "open")
            if code == ENOENT { error.detail = "\(path) does not exist (or is a link to nothing)" }
            throw error
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func describe(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFSOCK: "a socket"
        case S_IFIFO: "a FIFO"
        case S_IFBLK: "a block device"
        default: "not a device"
        }
    }
}
