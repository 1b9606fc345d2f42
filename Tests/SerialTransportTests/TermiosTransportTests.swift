#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport
import Testing
@testable import SerialTransport

/// Reads until `count` bytes have come or a read times out.
func readTransportBytes(_ count: Int, from transport: any Transport, timeout: Duration = .seconds(5)) throws -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        let chunk = try transport.read(maxCount: count - received.count, timeout: timeout)
        if chunk.isEmpty { break }
        received += chunk
    }
    return received
}

/// A plain POSIX thread: blocking reads would starve Swift's small cooperative pool
/// (two threads on a two-core machine), so "another thread" in these tests is a real one.
final class TransportTestThread: @unchecked Sendable {
    // @unchecked Sendable: `thread` is written once, before the object is shared.
    private var thread = pthread_t()

    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(created == 0, "pthread_create failed")
    }

    func join() {
        pthread_join(thread, nil)
    }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// Runs `body` on a new thread after `delay`; join the result before the test ends.
@discardableResult
func onThreadAfterDelay(_ delay: Duration, _ body: @escaping @Sendable () -> Void) -> TransportTestThread {
    TransportTestThread {
        let (seconds, attoseconds) = delay.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        _ = nanosleep(&request, nil)
        body()
    }
}

/// A value produced on another thread.
final class TransportThreadResult<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is written by the thread before `join` returns and read after.
    private var value: Value?
    private var thread: TransportTestThread?

    init(_ body: @escaping @Sendable () -> Value) {
        thread = TransportTestThread { [unowned self] in self.value = body() }
    }

    func join() -> Value {
        thread?.join()
        return value!
    }
}

@Suite("TermiosTransport over a pseudo-terminal")
struct TermiosTransportTests {
    static let allByteValues: [UInt8] = Array(0...255)

    @Test func bytesWrittenByTheFarEndArriveUnchanged() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }

        try pty.write(Self.allByteValues)
        #expect(try readTransportBytes(256, from: transport) == Self.allByteValues)
    }

    @Test func bytesWrittenToTheTransportArriveAtTheFarEndUnchanged() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }

        try transport.write(Self.allByteValues.reversed())
        #expect(try readTransportBytes(256, from: pty) == Self.allByteValues.reversed())
    }

    @Test func aWriteLargerThanTheTerminalBufferIsWrittenWhole() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        // The far end drains concurrently; the writer must wait for room (EAGAIN → POLLOUT).
        let drained = TransportThreadResult { (try? readTransportBytes(payload.count, from: pty)) ?? [] }
        try transport.write(payload)
        #expect(drained.join() == payload)
    }

    @Test func aWriteNobodyDrainsTimesOutNamingWhatWasWritten() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath, writeTimeout: .milliseconds(50))
        defer { transport.close() }

        let error = #expect(throws: TransportError.self) {
            try transport.write([UInt8](repeating: 0x55, count: 4_000_000))
        }
        #expect(error?.kind == .system(errno: ETIMEDOUT))
        #expect(error?.detail.contains("of 4000000 bytes written") == true)
    }

    @Test func aReadWithNothingToReadReturnsEmptyAfterTheTimeout() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }

        let started = ContinuousClock.now
        let bytes = try transport.read(maxCount: 64, timeout: .milliseconds(50))
        let waited = started.duration(to: .now)
        #expect(bytes == [])
        #expect(waited >= .milliseconds(50))
        #expect(waited < .seconds(5))
    }

    @Test func closeFromAnotherTaskWakesABlockedReadPromptly() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        let closer = onThreadAfterDelay(.milliseconds(50)) { transport.close() }
        defer { closer.join() }

        let started = ContinuousClock.now
        let error = #expect(throws: TransportError.self) {
            _ = try transport.read(maxCount: 64, timeout: .seconds(30))
        }
        #expect(error?.kind == .closed)
        #expect(started.duration(to: .now) < .seconds(10))
        #expect(transport.isClosed)
    }

    @Test func closingTheMasterEndsReadingWithClosedInsteadOfEmptyReads() throws {
        let pty = try PseudoTerminal()
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }
        pty.close()

        // A spinning implementation would return [] here, or only at the timeout.
        let started = ContinuousClock.now
        let error = #expect(throws: TransportError.self) {
            _ = try transport.read(maxCount: 64, timeout: .seconds(2))
        }
        #expect(error?.kind == .closed)
        #expect(started.duration(to: .now) < .seconds(1))
        // And it stays an error: the caller is never handed an empty read to loop on.
        #expect(throws: TransportError.self) { _ = try transport.read(maxCount: 64, timeout: .seconds(2)) }
    }

    @Test func theMasterHangingUpWakesABlockedRead() throws {
        let pty = try PseudoTerminal()
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }
        let closer = onThreadAfterDelay(.milliseconds(50)) { pty.close() }
        defer { closer.join() }

        let started = ContinuousClock.now
        let error = #expect(throws: TransportError.self) {
            _ = try transport.read(maxCount: 64, timeout: .seconds(30))
        }
        #expect(error?.kind == .closed)
        #expect(started.duration(to: .now) < .seconds(10))
    }

    @Test func writingAfterCloseThrowsClosed() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        transport.close()
        transport.close()
        let error = #expect(throws: TransportError.self) { try transport.write(Array("AT\r".utf8)) }
        #expect(error?.kind == .closed)
        #expect(error?.device == pty.slavePath)
    }

    @Test func aSecondOpenOfTheSameDeviceIsBusy() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let first = try TermiosTransport(path: pty.slavePath)
        defer { first.close() }
        let error = #expect(throws: TransportError.self) { _ = try TermiosTransport(path: pty.slavePath) }
        #expect(error?.kind == .busy)
        first.close()
        let again = try TermiosTransport(path: pty.slavePath)
        again.close()
    }

    @Test(arguments: [1200, 9600, 57_600, 115_200, 460_800, 921_600, 4_000_000])
    func standardBaudRatesAreAccepted(baudRate: Int) throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath, settings: SerialSettings(baudRate: baudRate))
        defer { transport.close() }
        var attributes = termios()
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        defer { _ = Glibc.close(fd) }
        #expect(tcgetattr(fd, &attributes) == 0)
        #expect(cfgetospeed(&attributes) == TermiosTransport.speed(forBaudRate: baudRate))
    }

    @Test(arguments: [0, -9600, 12_345, 115_201, 10_000_000])
    func unsupportedBaudRatesAreRefusedNamingTheRate(baudRate: Int) throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let error = #expect(throws: TransportError.self) {
            _ = try TermiosTransport(path: pty.slavePath, settings: SerialSettings(baudRate: baudRate))
        }
        #expect(error?.kind == .unsupportedSetting("baud rate \(baudRate)"))
    }

    @Test(arguments: SerialSettings.FlowControl.allCases)
    func flowControlSetsOrClearsRTSCTS(flowControl: SerialSettings.FlowControl) throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath, settings: SerialSettings(flowControl: flowControl))
        defer { transport.close() }
        var attributes = termios()
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        defer { _ = Glibc.close(fd) }
        #expect(tcgetattr(fd, &attributes) == 0)
        let hardwareFlow = attributes.c_cflag & tcflag_t(0o20000000000) != 0
        #expect(hardwareFlow == (flowControl == .rtsCts))
        #expect(attributes.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(attributes.c_cflag & tcflag_t(PARENB | CSTOPB) == 0)
        #expect(attributes.c_lflag & tcflag_t(ECHO | ICANON) == 0)
    }

    @Test func openingAMissingPathThrowsNotFoundNamingIt() throws {
        let error = #expect(throws: TransportError.self) {
            _ = try TermiosTransport(path: "/dev/pts/no-such-terminal")
        }
        #expect(error?.kind == .notFound)
        #expect(error?.device == "/dev/pts/no-such-terminal")
    }
}
