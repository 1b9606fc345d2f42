#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSerialPort

/// A transport over a real serial device (USB modem, UART) through libserialport.
///
/// libserialport 0.1.1 API — `sp_get_port_by_name`, `sp_open(SP_MODE_READ_WRITE)`, then
/// baud rate, 8 data bits, no parity, 1 stop bit, flow control none or RTS/CTS, and DTR,
/// which many modems need raised before they answer. Reading and writing go through the
/// port's own descriptor (`sp_get_port_handle`) with the same poll-and-wake code as
/// `TermiosTransport`, so `close()` from another thread ends a blocked read at once.
public final class SerialPortTransport: DescriptorTransport {
    public let path: String
    public let settings: SerialSettings
    /// How long one `write` may wait for the device to drain before it throws.
    public let writeTimeout: Duration

    let descriptor: PollingDescriptor

    /// Opens and configures `path`.
    /// - Throws: `.notFound`, `.busy`, `.permissionDenied`, `.notATerminal` for a device
    ///   libserialport does not know as a serial port, `.unsupportedSetting`.
    public init(
        path: String, settings: SerialSettings = SerialSettings(), writeTimeout: Duration = .seconds(10)
    ) throws(TransportError) {
        // libserialport on Linux looks the name up as /dev/<name> in sysfs, so a link such as
        // /dev/serial/by-id/… must be resolved first; resolving also finds a missing path.
        let resolved = try Transports.resolve(path)

        var found: OpaquePointer?
        try Self.check(
            sp_get_port_by_name(resolved, &found), device: path, operation: "open",
            step: "sp_get_port_by_name", otherwise: .notATerminal)
        guard let found else {
            throw TransportError(device: path, kind: .notATerminal, operation: "open", detail: "no port returned")
        }
        let port = SerialPortHandle(port: found)
        var opened = false
        var fd: Int32 = -1
        do throws(TransportError) {
            try Self.check(sp_open(found, SP_MODE_READ_WRITE), device: path, operation: "open", step: "sp_open")
            opened = true
            try Self.check(
                sp_get_port_handle(found, &fd), device: path, operation: "open", step: "sp_get_port_handle")
            try TermiosTransport.lockExclusively(fd, device: path)
            try Self.configure(found, device: path, settings: settings)
        } catch {
            port.closeAndFree(opened: opened)
            throw error
        }
        self.path = path
        self.settings = settings
        self.writeTimeout = writeTimeout
        // From here the descriptor owns the port and releases it, also if its initialiser throws.
        descriptor = try PollingDescriptor(fd: fd, device: path) { _ in port.closeAndFree(opened: true) }
    }

    private static func configure(
        _ port: OpaquePointer, device: String, settings: SerialSettings
    ) throws(TransportError) {
        let unsupported = { (what: String) in TransportError.Kind.unsupportedSetting(what) }
        try check(
            sp_set_baudrate(port, Int32(clamping: settings.baudRate)), device: device, operation: "configure",
            step: "sp_set_baudrate", otherwise: unsupported("baud rate \(settings.baudRate)"))
        try check(
            sp_set_bits(port, 8), device: device, operation: "configure", step: "sp_set_bits",
            otherwise: unsupported("8 data bits"))
        try check(
            sp_set_parity(port, SP_PARITY_NONE), device: device, operation: "configure", step: "sp_set_parity",
            otherwise: unsupported("no parity"))
        try check(
            sp_set_stopbits(port, 1), device: device, operation: "configure", step: "sp_set_stopbits",
            otherwise: unsupported("1 stop bit"))
        let flow = settings.flowControl == .rtsCts ? SP_FLOWCONTROL_RTSCTS : SP_FLOWCONTROL_NONE
        try check(
            sp_set_flowcontrol(port, flow), device: device, operation: "configure", step: "sp_set_flowcontrol",
            otherwise: unsupported("flow control \(settings.flowControl.rawValue)"))
        try check(
            sp_set_dtr(port, settings.assertDTR ? SP_DTR_ON : SP_DTR_OFF), device: device,
            operation: "configure", step: "sp_set_dtr", otherwise: unsupported("DTR"))
    }

    /// Turns a libserialport result into a `TransportError`.
    ///
    /// libserialport 0.1.1 "Errors" — only `SP_ERR_FAIL` leaves an OS error behind
    /// (`sp_last_error_code`, `sp_last_error_message`); the other codes mean the library
    /// rejected the request itself, which `otherwise` classifies.
    static func check(
        _ result: sp_return, device: String, operation: String, step: String,
        otherwise: TransportError.Kind = .system(errno: EINVAL)
    ) throws(TransportError) {
        guard result.rawValue < 0 else { return }
        switch result {
        case SP_ERR_FAIL:
            let code = sp_last_error_code()
            var words = ""
            if let message = sp_last_error_message() {
                words = String(cString: message).trimmingTrailingWhitespace()
                sp_free_error_message(message)
            }
            var error = TransportError.fromErrno(code, device: device, operation: operation, context: step)
            if !words.isEmpty { error.detail = "\(step): \(words)" }
            throw error
        case SP_ERR_MEM:
            throw TransportError(device: device, kind: .system(errno: ENOMEM), operation: operation, detail: step)
        case SP_ERR_SUPP:
            throw TransportError(device: device, kind: otherwise, operation: operation, detail: "\(step): not supported")
        default:
            throw TransportError(device: device, kind: otherwise, operation: operation, detail: "\(step): rejected")
        }
    }
}

/// Owns one libserialport port structure until `closeAndFree`.
///
/// `@unchecked Sendable`: the pointer is touched only by `closeAndFree`, which
/// `PollingDescriptor` calls exactly once, after every read and write has finished.
final class SerialPortHandle: @unchecked Sendable {
    private let port: OpaquePointer

    init(port: OpaquePointer) {
        self.port = port
    }

    func closeAndFree(opened: Bool) {
        if opened { _ = sp_close(port) }
        sp_free_port(port)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
