#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport
import Testing
@testable import SerialTransport

@Suite("PseudoTerminal")
struct PseudoTerminalTests {
    @Test func slavePathIsAPseudoTerminalDevice() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        #expect(pty.slavePath.hasPrefix("/dev/pts/"))
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        #expect(fd >= 0)
        #expect(isatty(fd) == 1)
        _ = Glibc.close(fd)
    }

    @Test func slaveIsRawSoBytesPassUnchangedWithoutEcho() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let slave = open(pty.slavePath, O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        defer { _ = Glibc.close(slave) }

        // CR, LF, ^C, ^Z and 0xFF would all be changed or acted on by a cooked line discipline.
        let bytes: [UInt8] = [0x41, 0x0D, 0x0A, 0x03, 0x1A, 0xFF, 0x00]
        #expect(Glibc.write(pty.masterFD, bytes, bytes.count) == bytes.count)
        var received = [UInt8](repeating: 0, count: 32)
        var pollSet = [pollfd(fd: slave, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&pollSet, 1, 2_000) == 1)
        let count = Glibc.read(slave, &received, received.count)
        #expect(Array(received.prefix(max(count, 0))) == bytes)

        // Nothing came back to the master: no echo.
        var masterSet = [pollfd(fd: pty.masterFD, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&masterSet, 1, 0) == 0)
    }

    @Test func publishReplacesAStaleSymlink() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        #expect(symlink("/dev/pts/does-not-exist", link) == 0)

        let pty = try PseudoTerminal()
        try pty.publish(link: link)
        #expect(PseudoTerminal.readLink(link) == pty.slavePath)
        pty.close()
        #expect(PseudoTerminal.readLink(link) == nil)
        #expect(access(link, F_OK) != 0)
    }

    @Test func publishReplacesARegularFile() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        let fd = open(link, O_CREAT | O_WRONLY, 0o600)
        try #require(fd >= 0)
        _ = Glibc.close(fd)

        let pty = try PseudoTerminal()
        defer { pty.close() }
        try pty.publish(link: link)
        #expect(PseudoTerminal.readLink(link) == pty.slavePath)
    }

    @Test func publishRefusesToReplaceADirectory() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        #expect(mkdir(link, 0o700) == 0)

        let pty = try PseudoTerminal()
        defer { pty.close() }
        #expect(throws: TransportError.self) { try pty.publish(link: link) }
        var info = stat()
        #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR)
        // No temporary link is left behind.
        #expect(directory.entries() == ["modem"])
    }

    @Test func closeLeavesALinkThatSomeoneElseRepublished() throws {
        let directory = try TransportTestDirectory()
        let link = directory.path + "/modem"
        let first = try PseudoTerminal()
        let second = try PseudoTerminal()
        defer { second.close() }
        try first.publish(link: link)
        try second.publish(link: link)
        first.close()
        #expect(PseudoTerminal.readLink(link) == second.slavePath)
    }

    @Test func closingTheMasterHangsUpTheSlave() throws {
        let pty = try PseudoTerminal()
        let slave = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        try #require(slave >= 0)
        defer { _ = Glibc.close(slave) }
        pty.close()
        #expect(pty.isClosed)
        var pollSet = [pollfd(fd: slave, events: Int16(POLLIN), revents: 0)]
        #expect(poll(&pollSet, 1, 2_000) == 1)
        #expect(pollSet[0].revents & Int16(POLLHUP) != 0)
        var byte: UInt8 = 0
        #expect(Glibc.read(slave, &byte, 1) <= 0)
    }

    @Test func closeIsIdempotent() throws {
        let pty = try PseudoTerminal()
        pty.close()
        pty.close()
        #expect(pty.isClosed)
    }
}

/// A fresh directory under the system's temporary directory, removed with its entries at deinit.
final class TransportTestDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/trackerd-transport-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TransportTestDirectoryError(errno: errno) }
        path = String(cString: made)
    }

    func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    deinit {
        for name in entries() {
            let entry = path + "/" + name
            if unlink(entry) != 0 { _ = rmdir(entry) }
        }
        _ = rmdir(path)
    }
}

struct TransportTestDirectoryError: Error {
    let errno: Int32
}

@Suite("PseudoTerminal as the master-side Transport")
struct PseudoTerminalTransportTests {
    @Test func aClientLeavingDoesNotHangUpAHeldPair() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let client = try TermiosTransport(path: pty.slavePath)
        try client.write(Array("AT\r".utf8))
        client.close()
        #expect(try readTransportBytes(3, from: pty) == Array("AT\r".utf8))
        // Nobody has the slave open now, yet the master just times out instead of hanging up.
        #expect(try pty.read(maxCount: 16, timeout: .milliseconds(20)) == [])
        let again = try TermiosTransport(path: pty.slavePath)
        defer { again.close() }
        try pty.write(Array("OK".utf8))
        #expect(try readTransportBytes(2, from: again) == Array("OK".utf8))
    }

    @Test func withoutAHeldSlaveTheMasterSeesTheClientLeave() throws {
        let pty = try PseudoTerminal(holdSlaveOpen: false)
        defer { pty.close() }
        let client = try TermiosTransport(path: pty.slavePath)
        client.close()
        let error = #expect(throws: TransportError.self) { _ = try pty.read(maxCount: 16, timeout: .seconds(2)) }
        #expect(error?.kind == .closed)
        #expect(!pty.isClosed)
    }

    @Test func closeWakesABlockedMasterRead() throws {
        let pty = try PseudoTerminal()
        let closer = onThreadAfterDelay(.milliseconds(30)) { pty.close() }
        defer { closer.join() }
        let started = ContinuousClock.now
        let error = #expect(throws: TransportError.self) { _ = try pty.read(maxCount: 16, timeout: .seconds(30)) }
        #expect(error?.kind == .closed)
        #expect(started.duration(to: .now) < .seconds(20))
    }
}
