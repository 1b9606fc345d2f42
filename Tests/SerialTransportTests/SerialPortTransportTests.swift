#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSerialPort
import TestSupport
import Testing
@testable import SerialTransport

/// libserialport needs a real serial device to open; the machine running tests has none,
/// so these cover how its failures come back: kind, device path and libserialport's words.
@Suite("SerialPortTransport")
struct SerialPortTransportTests {
    @Test func aMissingDeviceIsNotFoundNamingThePath() {
        let error = #expect(throws: TransportError.self) {
            _ = try SerialPortTransport(path: "/dev/ttyUSB-nonexistent")
        }
        #expect(error?.kind == .notFound)
        #expect(error?.device == "/dev/ttyUSB-nonexistent")
        #expect(error?.operation == "open")
        #expect(error?.description.hasPrefix("/dev/ttyUSB-nonexistent: open: no such device") == true)
    }

    @Test func libserialportRefusesAPseudoTerminal() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let error = #expect(throws: TransportError.self) { _ = try SerialPortTransport(path: pty.slavePath) }
        #expect(error?.kind == .notATerminal)
        #expect(error?.device == pty.slavePath)
    }

    @Test func aRegularFileIsNotATerminal() throws {
        let directory = try TransportTestDirectory()
        let file = directory.path + "/not-a-port"
        let fd = open(file, O_CREAT | O_WRONLY, 0o600)
        try #require(fd >= 0)
        _ = Glibc.close(fd)
        let error = #expect(throws: TransportError.self) { _ = try SerialPortTransport(path: file) }
        #expect(error?.kind == .notATerminal)
    }

    struct ResultRow: Sendable, CustomTestStringConvertible {
        let result: sp_return
        let expected: TransportError.Kind
        var testDescription: String { "\(result.rawValue) → \(expected)" }
    }

    @Test(arguments: [
        ResultRow(result: SP_ERR_ARG, expected: .unsupportedSetting("x")),
        ResultRow(result: SP_ERR_SUPP, expected: .unsupportedSetting("x")),
        ResultRow(result: SP_ERR_MEM, expected: .system(errno: ENOMEM)),
    ])
    func libraryRejectionsMapToTheCallersKind(row: ResultRow) {
        let error = #expect(throws: TransportError.self) {
            try SerialPortTransport.check(
                row.result, device: "/dev/ttyUSB3", operation: "configure", step: "sp_set_bits",
                otherwise: .unsupportedSetting("x"))
        }
        #expect(error?.kind == row.expected)
        #expect(error?.device == "/dev/ttyUSB3")
        #expect(error?.detail.hasPrefix("sp_set_bits") == true)
    }

    @Test func successIsNotAnError() throws {
        try SerialPortTransport.check(SP_OK, device: "/dev/ttyUSB3", operation: "open", step: "sp_open")
    }
}
