#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport
import Testing
@testable import SerialTransport

@Suite("Transports.open picks the transport by what the path is")
struct TransportsTests {
    @Test func aMissingPathIsNotFoundNamingIt() {
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: "/dev/ttyUSB-nonexistent", settings: SerialSettings())
        }
        #expect(error?.kind == .notFound)
        #expect(error?.device == "/dev/ttyUSB-nonexistent")
        #expect(error?.detail.contains("/dev/ttyUSB-nonexistent") == true)
    }

    @Test func aLinkToNothingIsNotFoundNamingTheLink() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        #expect(symlink(directory.path + "/gone", link) == 0)
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: link, settings: SerialSettings())
        }
        #expect(error?.kind == .notFound)
        #expect(error?.device == link)
    }

    @Test func aRegularFileIsNotATerminal() throws {
        let directory = try TransportTestDirectory()
        let file = directory.path + "/modem.log"
        let fd = open(file, O_CREAT | O_WRONLY, 0o600)
        try #require(fd >= 0)
        _ = Glibc.close(fd)
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: file, settings: SerialSettings())
        }
        #expect(error?.kind == .notATerminal)
        #expect(error?.detail.contains("regular file") == true)
    }

    @Test func aDirectoryIsNotATerminal() throws {
        let directory = try TransportTestDirectory()
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: directory.path, settings: SerialSettings())
        }
        #expect(error?.kind == .notATerminal)
    }

    @Test func aCharacterDeviceThatIsNoTerminalIsNotATerminal() {
        let error = #expect(throws: TransportError.self) {
            _ = try Transports.open(path: "/dev/null", settings: SerialSettings())
        }
        #expect(error?.kind == .notATerminal)
    }

    @Test func aPseudoTerminalOpensWithTermios() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        #expect(try Transports.kind(of: pty.slavePath) == .pseudoTerminal)
        let transport = try Transports.open(path: pty.slavePath, settings: SerialSettings())
        defer { transport.close() }
        #expect(transport is TermiosTransport)
        #expect(transport.path == pty.slavePath)
    }

    @Test func aPublishedLinkToAPseudoTerminalOpensWithTermiosAndWorks() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        let pty = try PseudoTerminal()
        defer { pty.close() }
        try pty.publish(link: link)

        let transport = try Transports.open(path: link, settings: SerialSettings())
        defer { transport.close() }
        #expect(transport is TermiosTransport)
        #expect(transport.path == link)
        try transport.write(Array("AT\r".utf8))
        #expect(try readTransportBytes(3, from: pty) == Array("AT\r".utf8))
    }

    @Test(arguments: [UInt32(135), 136, 140, 143, 144])
    func unix98SlaveMajorsAreRecognised(major: UInt32) {
        #expect(Transports.pseudoTerminalSlaveMajors.contains(major) == (136...143).contains(major))
    }
}
