import TestSupport
import Testing
@testable import SerialTransport

/// `wake()`: a read blocked for an hour returns `[]` at once, a wake before the read is kept for
/// it, and a wake-up never costs data, a write, or the next read's blocking.
@Suite struct TransportWakeTests {
    /// A transport and something that can make bytes readable on it.
    struct Pair: @unchecked Sendable {
        var transport: any Transport
        var feed: ([UInt8]) throws -> Void
        var close: () -> Void
    }

    enum Kind: String, CaseIterable, CustomStringConvertible {
        case termios, scripted, pseudoTerminalMaster
        var description: String { rawValue }

        func make() throws -> Pair {
            switch self {
            case .termios:
                let pty = try PseudoTerminal()
                let transport = try TermiosTransport(path: pty.slavePath)
                return Pair(transport: transport, feed: { try pty.write($0) }, close: { transport.close(); pty.close() })
            case .scripted:
                let transport = ScriptedTransport()
                return Pair(transport: transport, feed: { transport.inject($0) }, close: { transport.close() })
            case .pseudoTerminalMaster:
                let pty = try PseudoTerminal()
                let slave = try TermiosTransport(path: pty.slavePath)
                return Pair(transport: pty, feed: { try slave.write($0) }, close: { slave.close(); pty.close() })
            }
        }
    }

    @Test(arguments: Kind.allCases)
    func wakeEndsABlockedReadWithNothing(_ kind: Kind) throws {
        let pair = try kind.make()
        defer { pair.close() }
        let transport = pair.transport
        let started = ContinuousClock.now
        let waker = onThreadAfterDelay(.milliseconds(50)) { transport.wake() }
        let chunk = try transport.read(maxCount: 16, timeout: .seconds(3600))
        waker.join()
        #expect(chunk.isEmpty)
        // Bounded only so that a broken wake fails instead of hanging an hour.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test(arguments: Kind.allCases)
    func aWakeBeforeTheReadIsKeptForItAndOnlyOnce(_ kind: Kind) throws {
        let pair = try kind.make()
        defer { pair.close() }
        pair.transport.wake()
        pair.transport.wake()
        #expect(try pair.transport.read(maxCount: 16, timeout: .seconds(3600)).isEmpty)
        // Two wake-ups before one read are one: the next read waits for data again.
        try pair.feed(Array("OK".utf8))
        #expect(try readTransportBytes(2, from: pair.transport) == Array("OK".utf8))
        #expect(try pair.transport.read(maxCount: 16, timeout: .milliseconds(30)).isEmpty)
    }

    @Test(arguments: Kind.allCases)
    func dataAndAWakeTogetherLoseNoData(_ kind: Kind) throws {
        let pair = try kind.make()
        defer { pair.close() }
        try pair.feed(Array("+CMTI: \"SM\",3\r\n".utf8))
        pair.transport.wake()
        var received: [UInt8] = []
        for _ in 0..<4 where received.count < 15 {
            received += try pair.transport.read(maxCount: 64, timeout: .seconds(5))
        }
        #expect(received == Array("+CMTI: \"SM\",3\r\n".utf8))
    }

    @Test func aWakeDoesNotEndAWriteWaitingForRoom() throws {
        let pty = try PseudoTerminal()
        defer { pty.close() }
        let transport = try TermiosTransport(path: pty.slavePath)
        defer { transport.close() }
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let drained = TransportThreadResult { (try? readTransportBytes(payload.count, from: pty)) ?? [] }
        transport.wake()
        try transport.write(payload)
        #expect(drained.join() == payload)
    }

    @Test(arguments: Kind.allCases)
    func closeStillEndsReadingAfterAWake(_ kind: Kind) throws {
        let pair = try kind.make()
        pair.transport.wake()
        pair.close()
        #expect(throws: TransportError.self) {
            for _ in 0..<3 { _ = try pair.transport.read(maxCount: 16, timeout: .seconds(5)) }
        }
    }
}
