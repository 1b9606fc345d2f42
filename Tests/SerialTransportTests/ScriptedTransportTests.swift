import TestSupport
import Testing
@testable import SerialTransport

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Everything readable now (the transport answers synchronously unless a delay is set).
private func drain(_ transport: ScriptedTransport) throws -> String {
    var received: [UInt8] = []
    while true {
        let chunk = try transport.read(maxCount: 1024, timeout: .zero)
        if chunk.isEmpty { break }
        received += chunk
    }
    return String(decoding: received, as: UTF8.self)
}

@Suite("ScriptedTransport")
struct ScriptedTransportTests {
    struct Exchange: Sendable, CustomTestStringConvertible {
        let written: String
        let reply: String
        var testDescription: String { written.debugDescription }
    }

    static let script: [ScriptedTransport.Rule] = [
        .exact("AT", reply: "\r\nOK\r\n"),
        .prefix("AT+CMGR=", reply: "\r\n+CMGR: 0,,23\r\n0791\r\n\r\nOK\r\n"),
        .prefix("AT+CMGR=1", reply: "\r\n+CMS ERROR: 321\r\n"),
        .exact("AT+CMGR=7", reply: "\r\nOK\r\n"),
    ]

    @Test(arguments: [
        Exchange(written: "AT\r", reply: "\r\nOK\r\n"),
        Exchange(written: "AT+CMGR=3\r", reply: "\r\n+CMGR: 0,,23\r\n0791\r\n\r\nOK\r\n"),
        Exchange(written: "AT+CMGR=12\r", reply: "\r\n+CMS ERROR: 321\r\n"),  // longest prefix wins
        Exchange(written: "AT+CMGR=7\r", reply: "\r\nOK\r\n"),  // exact beats any prefix
        Exchange(written: "ATI\r", reply: "\r\nERROR\r\n"),  // unscripted
        Exchange(written: "at\r", reply: "\r\nERROR\r\n"),  // matching is exact, case included
        Exchange(written: "\r\n", reply: ""),  // blank lines get no answer
    ])
    func repliesFollowTheScript(exchange: Exchange) throws {
        let transport = ScriptedTransport(rules: Self.script)
        try transport.write(bytes(exchange.written))
        #expect(try drain(transport) == exchange.reply)
    }

    @Test func aCommandSplitAcrossWritesIsAnsweredOnceItsCRArrives() throws {
        let transport = ScriptedTransport(rules: Self.script)
        for byte in bytes("AT+CMGR=4") {
            try transport.write([byte])
            #expect(try drain(transport) == "")
        }
        try transport.write(bytes("\r"))
        #expect(try drain(transport).hasPrefix("\r\n+CMGR: 0,,23"))
        #expect(transport.commands == ["AT+CMGR=4"])
    }

    @Test func aPDUEndedByControlZIsACommandAndEscapeDiscardsOne() throws {
        let transport = ScriptedTransport()
        transport.on("AT+CMGS=23", reply: "\r\n> ")
        transport.add(.prefix("0011", reply: "\r\n+CMGS: 42\r\n\r\nOK\r\n"))
        try transport.write(bytes("AT+CMGS=23\r"))
        #expect(try drain(transport) == "\r\n> ")
        try transport.write(bytes("0011000B91") + [0x1A])
        #expect(try drain(transport) == "\r\n+CMGS: 42\r\n\r\nOK\r\n")
        try transport.write(bytes("0011FFFF") + [0x1B])
        #expect(try drain(transport) == "")
        #expect(transport.commands == ["AT+CMGS=23", "0011000B91"])
    }

    @Test func everythingWrittenIsRecorded() throws {
        let transport = ScriptedTransport(rules: Self.script)
        try transport.write(bytes("AT\r"))
        try transport.write([0x00, 0xFF])
        #expect(transport.written == bytes("AT\r") + [0x00, 0xFF])
        #expect(transport.commands == ["AT"])
    }

    @Test func echoReturnsWrittenBytesBeforeTheReply() throws {
        let transport = ScriptedTransport(rules: Self.script, echo: true)
        try transport.write(bytes("AT\r"))
        #expect(try drain(transport) == "AT\r\r\nOK\r\n")
        transport.echo = false
        try transport.write(bytes("AT\r"))
        #expect(try drain(transport) == "\r\nOK\r\n")
    }

    @Test func aRuleWithLimitedUsesStepsAsideWhenUsedUp() throws {
        let transport = ScriptedTransport()
        transport.on("AT+CPIN?", reply: "\r\n+CME ERROR: 14\r\n", times: 2)
        transport.on("AT+CPIN?", reply: "\r\n+CPIN: READY\r\n\r\nOK\r\n")
        var replies: [String] = []
        for _ in 0..<3 {
            try transport.write(bytes("AT+CPIN?\r"))
            replies.append(try drain(transport))
        }
        #expect(replies == ["\r\n+CME ERROR: 14\r\n", "\r\n+CME ERROR: 14\r\n", "\r\n+CPIN: READY\r\n\r\nOK\r\n"])
    }

    @Test func aReplyCanBeMadeFromTheCommand() throws {
        let transport = ScriptedTransport()
        transport.add(.prefix("AT+CMGD=") { command in bytes("\r\ndeleted \(command.dropFirst(8))\r\n") })
        try transport.write(bytes("AT+CMGD=5\r"))
        #expect(try drain(transport) == "\r\ndeleted 5\r\n")
    }

    @Test func aReadTakesAtMostMaxCountAndKeepsTheRest() throws {
        let transport = ScriptedTransport()
        transport.inject("+CMTI: \"SM\",1\r\n")
        #expect(try transport.read(maxCount: 5, timeout: .zero) == bytes("+CMTI"))
        #expect(try transport.read(maxCount: 100, timeout: .zero) == bytes(": \"SM\",1\r\n"))
    }

    @Test func injectedBytesAreReadInOrderWithReplies() throws {
        let transport = ScriptedTransport(rules: Self.script)
        transport.inject("RDY\r\n")
        try transport.write(bytes("AT\r"))
        transport.inject("\r\n+CMTI: \"SM\",2\r\n")
        #expect(try drain(transport) == "RDY\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",2\r\n")
    }

    @Test func aReadWithNothingScriptedReturnsEmptyAfterItsTimeout() throws {
        let transport = ScriptedTransport()
        let started = ContinuousClock.now
        #expect(try transport.read(maxCount: 16, timeout: .milliseconds(50)) == [])
        #expect(started.duration(to: .now) >= .milliseconds(50))
    }

    @Test func aDelayedReplyIsNotReadableBeforeItsDelay() throws {
        let transport = ScriptedTransport(rules: Self.script, replyDelay: .seconds(60))
        try transport.write(bytes("AT\r"))
        #expect(try transport.read(maxCount: 16, timeout: .milliseconds(20)) == [])
        // An injected URC is not held up behind the delayed reply.
        transport.inject("RING\r\n")
        #expect(try transport.read(maxCount: 16, timeout: .zero) == bytes("RING\r\n"))
    }

    @Test func aDelayedReplyArrivesWithinALongerRead() throws {
        let transport = ScriptedTransport(rules: Self.script, replyDelay: .milliseconds(30))
        let written = ContinuousClock.now
        try transport.write(bytes("AT\r"))
        #expect(try transport.read(maxCount: 16, timeout: .seconds(30)) == bytes("\r\nOK\r\n"))
        #expect(written.duration(to: .now) >= .milliseconds(30))
        #expect(written.duration(to: .now) < .seconds(20))
    }

    @Test func injectingWakesABlockedRead() throws {
        let transport = ScriptedTransport()
        let injector = onThreadAfterDelay(.milliseconds(30)) { transport.inject("+CMTI: \"SM\",9\r\n") }
        defer { injector.join() }
        let started = ContinuousClock.now
        #expect(try transport.read(maxCount: 64, timeout: .seconds(30)) == bytes("+CMTI: \"SM\",9\r\n"))
        #expect(started.duration(to: .now) < .seconds(20))
    }

    @Test func closingMakesTheNextReadAndWriteThrowClosed() throws {
        let transport = ScriptedTransport(path: "/dev/ttyFAKE", rules: Self.script)
        try transport.write(bytes("AT\r"))
        transport.closing = true
        let readError = #expect(throws: TransportError.self) { _ = try transport.read(maxCount: 16, timeout: .zero) }
        #expect(readError?.kind == .closed)
        #expect(readError?.device == "/dev/ttyFAKE")
        let writeError = #expect(throws: TransportError.self) { try transport.write(bytes("AT\r")) }
        #expect(writeError?.kind == .closed)
        transport.closing = false
        #expect(try drain(transport) == "\r\nOK\r\n")
    }

    @Test func closingWakesABlockedRead() throws {
        let transport = ScriptedTransport()
        let closer = onThreadAfterDelay(.milliseconds(30)) { transport.closing = true }
        defer { closer.join() }
        let started = ContinuousClock.now
        let error = #expect(throws: TransportError.self) { _ = try transport.read(maxCount: 16, timeout: .seconds(30)) }
        #expect(error?.kind == .closed)
        #expect(started.duration(to: .now) < .seconds(20))
    }

    @Test func closeEndsTheTransportForGood() throws {
        let transport = ScriptedTransport(rules: Self.script)
        transport.close()
        #expect(transport.isClosed)
        transport.closing = false
        #expect(throws: TransportError.self) { _ = try transport.read(maxCount: 16, timeout: .zero) }
        #expect(throws: TransportError.self) { try transport.write(bytes("AT\r")) }
    }
}
