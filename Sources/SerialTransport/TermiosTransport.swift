#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSerialPort

/// A transport over a terminal device configured with plain termios: pseudo-terminals (which
/// libserialport refuses) and any tty libserialport does not know.
///
/// POSIX.1-2017 §11 "General Terminal Interface" — raw mode (`cfmakeraw`), 8 data bits,
/// no parity, 1 stop bit, `CLOCAL` (ignore modem-status lines for opening), `CREAD`, and
/// optional RTS/CTS flow control (`CRTSCTS`). The descriptor is locked with `flock`, so a
/// second trackerd on the same device fails with `.busy` instead of stealing half the bytes.
public final class TermiosTransport: DescriptorTransport {
    public let path: String
    public let settings: SerialSettings
    /// How long one `write` may wait for the device to drain before it throws.
    public let writeTimeout: Duration

    let descriptor: PollingDescriptor

    /// Opens and configures `path`.
    /// - Throws: `.notFound`, `.permissionDenied`, `.busy`, `.notATerminal`,
    ///   `.unsupportedSetting` for a baud rate termios has no constant for.
    public init(
        path: String, settings: SerialSettings = SerialSettings(), writeTimeout: Duration = .seconds(10)
    ) throws(TransportError) {
        guard let speed = Self.speed(forBaudRate: settings.baudRate) else {
            throw TransportError(
                device: path, kind: .unsupportedSetting("baud rate \(settings.baudRate)"), operation: "configure")
        }
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .fromErrno(errno, device: path, operation: "open") }
        do throws(TransportError) {
            try Self.lockExclusively(fd, device: path)
            try Self.configure(fd, device: path, speed: speed, settings: settings)
        } catch {
            _ = Glibc.close(fd)
            throw error
        }
        self.path = path
        self.settings = settings
        self.writeTimeout = writeTimeout
        descriptor = try PollingDescriptor(fd: fd, device: path) { fd in _ = Glibc.close(fd) }
    }

    /// The baud rates termios can set, each with its `speed_t` constant.
    static func speed(forBaudRate rate: Int) -> speed_t? {
        switch rate {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19_200: speed_t(B19200)
        case 38_400: speed_t(B38400)
        case 57_600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        case 230_400: speed_t(B230400)
        #if os(Linux)
        case 460_800: speed_t(B460800)
        case 500_000: speed_t(B500000)
        case 576_000: speed_t(B576000)
        case 921_600: speed_t(B921600)
        case 1_000_000: speed_t(B1000000)
        case 1_152_000: speed_t(B1152000)
        case 1_500_000: speed_t(B1500000)
        case 2_000_000: speed_t(B2000000)
        case 2_500_000: speed_t(B2500000)
        case 3_000_000: speed_t(B3000000)
        case 3_500_000: speed_t(B3500000)
        case 4_000_000: speed_t(B4000000)
        #endif
        default: nil
        }
    }

    static func lockExclusively(_ fd: Int32, device: String) throws(TransportError) {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            if code == EWOULDBLOCK {
                throw TransportError(
                    device: device, kind: .busy, operation: "open", detail: "another process holds a lock on it")
            }
            throw .fromErrno(code, device: device, operation: "open", context: "flock")
        }
    }

    private static func configure(
        _ fd: Int32, device: String, speed: speed_t, settings: SerialSettings
    ) throws(TransportError) {
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else {
            throw .fromErrno(errno, device: device, operation: "configure", context: "tcgetattr")
        }
        cfmakeraw(&attributes)
        attributes.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        attributes.c_cflag &= ~tcflag_t(CSIZE | PARENB | CSTOPB)
        attributes.c_cflag |= tcflag_t(CS8 | CLOCAL | CREAD)
        if settings.flowControl == .rtsCts {
            attributes.c_cflag |= trackerd_crtscts()
        } else {
            attributes.c_cflag &= ~trackerd_crtscts()
        }
        guard cfsetispeed(&attributes, speed) == 0, cfsetospeed(&attributes, speed) == 0 else {
            throw TransportError(
                device: device, kind: .unsupportedSetting("baud rate \(settings.baudRate)"), operation: "configure")
        }
        guard tcsetattr(fd, TCSANOW, &attributes) == 0 else {
            throw .fromErrno(errno, device: device, operation: "configure", context: "tcsetattr")
        }
        // A pseudo-terminal has no modem-control lines and refuses the ioctl; that is expected.
        _ = trackerd_set_dtr(fd, settings.assertDTR ? 1 : 0)
    }
}
