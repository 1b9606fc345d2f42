import Foundation
import TestSupport
import Testing

@testable import LineSocket

/// The framing and bounds of one connection, without a socket: every chunking of the input,
/// line-length edges, reply bookkeeping and when the read timeout may run.
@Suite struct LineConnectionTests {
    static let limits = LineSocketLimits(maximumConnections: 4, readTimeout: .seconds(10), maximumLineLength: 8, maximumPendingOutput: 16)

    /// Feeds `bytes` in chunks of `size` and collects what `nextLine` gives after each chunk.
    static func lines(from bytes: [UInt8], chunk size: Int, maximumLength: Int = 64) -> [LineConnection.Next] {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        var found: [LineConnection.Next] = []
        var offset = 0
        while offset < bytes.count {
            connection.receive(bytes[offset..<min(offset + size, bytes.count)])
            offset += size
            while true {
                let next = connection.nextLine(maximumLength: maximumLength)
                if next == .none { break }
                found.append(next)
                if next == .tooLong { return found }
            }
        }
        return found
    }

    @Test(arguments: 1...24)
    func everyChunkingGivesTheSameLines(chunkSize: Int) {
        let bytes = Array("a\nbbb\r\n\n  \t\ncc\n{\"op\":\"x\"}\n".utf8)
        #expect(Self.lines(from: bytes, chunk: chunkSize) == [.request("a"), .request("bbb"), .request("cc"), .request(#"{"op":"x"}"#)])
    }

    @Test(arguments: [
        // (line bytes before its end, line end, maximum, expected)
        (8, "\n", 8, LineConnection.Next.request(String(repeating: "x", count: 8))),
        (8, "\r\n", 8, .request(String(repeating: "x", count: 8))),
        (9, "\n", 8, .tooLong),
        (9, "\r\n", 8, .tooLong),
        (9, "", 8, .tooLong),
        (8, "", 8, .none),
        (8, "\r", 8, .none),
    ])
    func aLineLongerThanTheMaximumIsRefusedAndOneAtItIsNot(length: Int, end: String, maximum: Int, expected: LineConnection.Next) {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        connection.receive(Array((String(repeating: "x", count: length) + end).utf8))
        #expect(connection.nextLine(maximumLength: maximum) == expected)
    }

    @Test func aLongLineArrivingByteByByteIsRefusedOnceItPassesTheMaximum() {
        let bytes = Array(String(repeating: "y", count: 100).utf8)
        let found = Self.lines(from: bytes, chunk: 1, maximumLength: 40)
        #expect(found == [.tooLong])
    }

    @Test func invalidUTF8IsHandedOnReplacedNotDropped() {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        connection.receive([0x61, 0xFF, 0x62, 0x0A])
        #expect(connection.nextLine(maximumLength: 64) == .request("a\u{FFFD}b"))
    }

    @Test func repliesAreWrittenInOrderAcrossPartialWrites() {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        connection.queue(reply: "first")
        connection.queue(reply: "second")
        var written: [UInt8] = []
        // The socket takes three bytes at a time, then refuses once, then takes the rest.
        var budget = [3, 3, 0, 100]
        while connection.pendingOutputCount > 0, !budget.isEmpty {
            let take = budget.removeFirst()
            _ = connection.writePending { pending in
                let count = min(take, pending.count)
                written += pending.prefix(count)
                return count
            }
        }
        #expect(String(decoding: written, as: UTF8.self) == "first\nsecond\n")
        #expect(connection.pendingOutputCount == 0)
    }

    @Test func aClientThatDoesNotReadStopsBeingServedAtTheOutputCap() {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        #expect(connection.takesRequests(Self.limits))
        connection.queue(reply: String(repeating: "r", count: 15))  // 16 bytes with its line end
        #expect(!connection.takesRequests(Self.limits))
        _ = connection.writePending { _ in 1 }
        #expect(connection.takesRequests(Self.limits))
    }

    @Test func readingStopsOnceALinesWorthIsBuffered() {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        connection.receive(Array(repeating: UInt8(ascii: "z"), count: 9))
        #expect(connection.wantsInput(Self.limits))
        connection.receive([UInt8(ascii: "z")])
        #expect(!connection.wantsInput(Self.limits))
    }

    @Test func theReadTimeoutRestsWhileARequestRunsAndBytesAloneDoNotMoveIt() {
        let start = ContinuousClock.now
        var connection = LineConnection(id: 1, fd: -1, now: start)
        #expect(connection.deadline(Self.limits) == start + .seconds(10))
        connection.receive(Array("half a li".utf8))
        #expect(connection.deadline(Self.limits) == start + .seconds(10))
        connection.awaitingReply = true
        #expect(connection.deadline(Self.limits) == nil)
    }

    @Test(arguments: [
        // (input closed, awaiting reply, close when flushed, output pending, finished)
        (false, false, false, false, false),
        (true, false, false, false, true),
        (true, true, false, false, false),
        (true, false, false, true, false),
        (false, false, true, true, false),
        (false, false, true, false, true),
    ])
    func finishesOnlyWhenNothingIsLeftToSay(inputClosed: Bool, awaiting: Bool, closing: Bool, output: Bool, finished: Bool) {
        var connection = LineConnection(id: 1, fd: -1, now: .now)
        connection.inputClosed = inputClosed
        connection.awaitingReply = awaiting
        connection.closeWhenFlushed = closing
        if output { connection.queue(reply: "pending") }
        #expect(connection.isFinished == finished)
    }
}
