import TestSupport
import Testing

@testable import ATEngine

@Suite("LineFramer")
struct LineFramerTests {
    private func lines(_ events: [LineFramer.Event]) -> [String] {
        events.map { event in
            switch event {
            case .line(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .prompt: return "<prompt>"
            case .overlong(let count): return "<overlong \(count)>"
            }
        }
    }

    private func frame(_ bytes: [UInt8], chunking: Chunking, expectingPrompt: Bool = false, maxLineLength: Int = 2048)
        -> [String]
    {
        var framer = LineFramer(maxLineLength: maxLineLength)
        framer.expectingPrompt = expectingPrompt
        var events: [LineFramer.Event] = []
        for chunk in chunking.chunks(bytes) { events += framer.feed(chunk) }
        return lines(events)
    }

    static let lineEndings: [(String, String)] = [
        ("CRLF", "\r\nOK\r\n"),
        ("CR", "\rOK\r"),
        ("LF", "\nOK\n"),
        ("LFCR", "\n\rOK\n\r"),
        ("CR CR LF", "\r\r\nOK\r\r\n"),
        ("no leading break", "OK\r\n"),
        ("blank lines around", "\r\n\r\n\r\nOK\r\n\r\n\n\r"),
    ]

    @Test("every line-end variant yields the line once, in every chunking", arguments: lineEndings)
    func emitsLineForEveryLineEndVariant(name: String, text: String) {
        for chunking in Chunking.all {
            #expect(frame(Array(text.utf8), chunking: chunking) == ["OK"], "\(name), \(chunking)")
        }
    }

    @Test func splitsSeveralLinesAndSkipsBlankOnes() {
        let text = "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
        for chunking in Chunking.all {
            #expect(frame(Array(text.utf8), chunking: chunking) == ["AT+CSQ", "+CSQ: 20,99", "OK"], "\(chunking)")
        }
    }

    @Test("the prompt is recognised with or without its space, only when expected", arguments: ["\r\n> ", "\r\n>", "> "])
    func recognisesPromptWhenExpected(text: String) {
        for chunking in Chunking.all {
            #expect(frame(Array(text.utf8), chunking: chunking, expectingPrompt: true) == ["<prompt>"], "\(chunking)")
        }
        #expect(frame(Array(text.utf8), chunking: .whole, expectingPrompt: false) == [])
        // Not expected: an ordinary line once it ends, raw (trimming is the engine's job).
        let raw = text.hasPrefix("\r\n") ? String(text.dropFirst()) : text  // "\r\n" is one Character
        #expect(frame(Array((text + "\r\n").utf8), chunking: .whole, expectingPrompt: false) == [raw])
    }

    @Test func promptSwallowsOnlyOneSpaceAndClearsExpectation() {
        var framer = LineFramer()
        framer.expectingPrompt = true
        #expect(framer.feed(Array("\r\n> ".utf8)) == [.prompt])
        #expect(framer.expectingPrompt == false)
        #expect(lines(framer.feed(Array(">x\r\n".utf8))) == [">x"])
    }

    @Test func promptIsNotTakenFromTheMiddleOfALine() {
        var framer = LineFramer()
        framer.expectingPrompt = true
        #expect(lines(framer.feed(Array("+CMS ERROR: 1>\r\n".utf8))) == ["+CMS ERROR: 1>"])
        #expect(framer.expectingPrompt)
    }

    @Test func overlongLineIsReportedOnceAndFramingResyncs() {
        let long = String(repeating: "A", count: 50)
        let text = "\r\n" + long + "\r\nOK\r\n"
        for chunking in Chunking.all {
            #expect(frame(Array(text.utf8), chunking: chunking, maxLineLength: 16) == ["<overlong 17>", "OK"], "\(chunking)")
        }
    }

    @Test func lineOfExactlyTheMaximumIsKept() {
        let text = String(repeating: "B", count: 16) + "\r\n"
        #expect(frame(Array(text.utf8), chunking: .byteByByte, maxLineLength: 16) == [String(repeating: "B", count: 16)])
    }

    @Test func endlessLineKeepsMemoryBounded() {
        var framer = LineFramer(maxLineLength: 64)
        var overlongCount = 0
        for _ in 0..<10_000 {
            for event in framer.feed([UInt8](repeating: 0x41, count: 100)) {
                if case .overlong = event { overlongCount += 1 }
            }
            #expect(framer.pendingByteCount <= 64)
        }
        #expect(overlongCount == 1)
    }

    @Test func garbageBytesAreCarriedRawAndNeverCrash() {
        let bytes: [UInt8] = [0x00, 0xFF, 0xFE, 0xC3, 0x28, 0x0D, 0x0A, 0x4F, 0x4B, 0x0D]
        var framer = LineFramer()
        let events = framer.feed(bytes)
        #expect(events == [.line([0x00, 0xFF, 0xFE, 0xC3, 0x28]), .line([0x4F, 0x4B])])
    }

    @Test func resetForgetsPartialLine() {
        var framer = LineFramer()
        _ = framer.feed(Array("+CMT: ,2".utf8))
        framer.reset()
        #expect(lines(framer.feed(Array("3\r\n".utf8))) == ["3"])
    }
}
