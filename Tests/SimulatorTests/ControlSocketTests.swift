import LineSocket
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TestSupport
import Testing

@testable import Simulator

/// A blocking JSON-lines client for the control socket, as a test or script would write one.
final class ControlClient {
    let fd: Int32
    private var buffered: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulationError(path: path, operation: "socket", errno: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SimulationError(path: path, operation: "connect", errno: code)
        }
        // A reply that never comes fails the test after 10 s instead of hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func write(raw text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// The next reply line, or nil at end of stream.
    func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            buffered += chunk[0..<count]
        }
    }

    /// Sends one request and parses the reply.
    func request(_ line: String) -> JSONValue? {
        write(raw: line + "\n")
        return readLine().flatMap { JSONValue(parsing: $0) }
    }

    func request(_ value: JSONValue) -> JSONValue? { request(value.jsonLine) }
}

/// The control socket itself: framing, ordering, file mode, stale files, shutdown.
@Suite struct ControlSocketTests {
    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/simnet-XXXXXX".utf8CString)
        guard let pointer = mkdtemp(&template) else { throw SimulationError(path: "/tmp", operation: "mkdtemp", errno: errno) }
        return String(cString: pointer)
    }

    /// Answers each line with its length, to see order and framing.
    static func lengthSocket(in directory: String) throws -> LineSocketServer {
        try LineSocketServer(path: directory + "/control.sock") { line in
            JSONValue.object(["ok": true, "length": .number(Double(line.utf8.count))]).jsonLine
        }
    }

    @Test func answersEachLineInOrderEvenWhenPipelinedInOneWrite() throws {
        let directory = try Self.temporaryDirectory()
        let socket = try Self.lengthSocket(in: directory)
        defer { socket.stop() }
        let client = try ControlClient(path: socket.path)
        client.write(raw: "a\nbbb\r\n\n   \ncc\n")
        #expect(client.readLine() == #"{"length":1,"ok":true}"#)
        #expect(client.readLine() == #"{"length":3,"ok":true}"#)
        #expect(client.readLine() == #"{"length":2,"ok":true}"#)
    }

    @Test func lineSplitAcrossWritesIsOneRequest() throws {
        let directory = try Self.temporaryDirectory()
        let socket = try Self.lengthSocket(in: directory)
        defer { socket.stop() }
        let client = try ControlClient(path: socket.path)
        client.write(raw: "abc")
        client.write(raw: "def\n")
        #expect(client.readLine() == #"{"length":6,"ok":true}"#)
    }

    @Test func socketFileIsOwnerOnly() throws {
        let directory = try Self.temporaryDirectory()
        let socket = try Self.lengthSocket(in: directory)
        defer { socket.stop() }
        var status = stat()
        #expect(lstat(socket.path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(status.st_mode & S_IFMT == S_IFSOCK)
    }

    @Test func staleSocketFileIsReplacedButARegularFileIsNot() throws {
        let directory = try Self.temporaryDirectory()
        // What a killed simulator leaves: the socket file, and nobody listening.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array((directory + "/control.sock").utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(stale)
        try #require(bound == 0)
        let second = try Self.lengthSocket(in: directory)
        defer { second.stop() }
        #expect(try ControlClient(path: second.path).request("x") == ["ok": true, "length": 1])

        let regular = directory + "/regular"
        _ = FileManager.default.createFile(atPath: regular, contents: Data("keep".utf8))
        #expect(throws: LineSocketError.self) { try LineSocketServer(path: regular) { $0 } }
        #expect(FileManager.default.contents(atPath: regular) == Data("keep".utf8))
    }

    @Test func aLiveSocketIsNotTakenOver() throws {
        let directory = try Self.temporaryDirectory()
        let first = try Self.lengthSocket(in: directory)
        defer { first.stop() }
        #expect(throws: LineSocketError.self) { try Self.lengthSocket(in: directory) }
        #expect(try ControlClient(path: first.path).request("z")?["ok"] == true)
    }

    @Test func stopRemovesTheFileAndDisconnectsClients() throws {
        let directory = try Self.temporaryDirectory()
        let socket = try Self.lengthSocket(in: directory)
        let client = try ControlClient(path: socket.path)
        #expect(client.request("ping") != nil)
        socket.stop()
        #expect(client.readLine() == nil)
        #expect(!FileManager.default.fileExists(atPath: socket.path))
        #expect(throws: SimulationError.self) { try ControlClient(path: socket.path) }
    }

    @Test func overlongLineGetsAnErrorAndTheConnectionIsClosed() throws {
        let directory = try Self.temporaryDirectory()
        let socket = try Self.lengthSocket(in: directory)
        defer { socket.stop() }
        let client = try ControlClient(path: socket.path)
        client.write(raw: String(repeating: "x", count: LineSocketServer.maximumLineLength + 10))
        let reply = client.readLine().flatMap { JSONValue(parsing: $0) }
        #expect(reply?["ok"] == false)
        #expect(client.readLine() == nil)
        // The server still serves others.
        #expect(try ControlClient(path: socket.path).request("y")?["ok"] == true)
    }

    @Test func pathTooLongForAUnixSocketIsRefused() throws {
        let path = "/tmp/" + String(repeating: "p", count: 200)
        #expect(throws: LineSocketError.self) { try LineSocketServer(path: path) { $0 } }
    }
}
