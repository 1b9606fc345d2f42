import TestSupport
import Testing
@testable import SMSCodec

struct ReassemblerTests {
    static let sender = PhoneAddress(parsing: "+4917012345678")
    static let timestamp = ServiceCentreTimestamp(year: 2024, month: 3, day: 1, hour: 12, minute: 0, second: 0, offsetQuarterHours: -20)

    static func parts(_ text: String, reference: Int = 77, from sender: PhoneAddress = sender, forceUCS2: Bool = false) -> [SMSDeliver] {
        SMSDeliver.parts(from: sender, text: text, timestamp: timestamp, forceUCS2: forceUCS2, concatenationReference: reference)
    }

    static let longText = String(repeating: "Lat 52.52 Lon 13.40 {v:42} € ", count: 20)

    /// Parts stamped `seconds` apart: (part 1 of message A at 12:00, part 2 of message B at 12:00+seconds).
    @Test(arguments: [(0, true), (45, true), (60, true), (61, false), (600, false), (7_200, false)])
    func partsStampedFurtherApartThanTheSpreadAreNeverJoined(seconds: Int, joined: Bool) {
        let a = Self.parts(String(repeating: "report A ", count: 25), reference: 69)
        let later = ServiceCentreTimestamp(date: Self.timestamp.date.addingTimeInterval(Double(seconds)), offsetQuarterHours: -20)
        let b = SMSDeliver.parts(from: Self.sender, text: String(repeating: "report B ", count: 25), timestamp: later, forceUCS2: false, concatenationReference: 69)
        #expect(a.count == 2 && b.count == 2)
        var reassembler = Reassembler<String, TestInstant>()
        var completed: [ReassembledMessage<String>] = []
        for (part, token) in [(a[0], "a1"), (b[1], "b2"), (b[0], "b1"), (a[1], "a2")] {
            for case .complete(let message) in reassembler.add(part, token: token, now: .zero) { completed.append(message) }
        }
        if joined {
            // Within the spread they pass for one message's parts, as they must for a slow network.
            #expect(completed.first?.tokens == ["a1", "b2"])
        } else {
            #expect(completed.map(\.tokens) == [["b2", "b1"], ["a1", "a2"]], "a lone part joined a later message")
            #expect(completed.map(\.text) == [b.compactMap(\.body.text).joined(), a.compactMap(\.body.text).joined()])
        }
    }

    @Test func singlePartCompletesAtOnce() {
        var reassembler = Reassembler<Int, TestInstant>()
        let events = reassembler.add(Self.parts("hi")[0], token: 5, now: .zero)
        guard case .complete(let message) = events.first, events.count == 1 else {
            Issue.record("expected one completion, got \(events.count) events")
            return
        }
        #expect(message.text == "hi")
        #expect(message.tokens == [5])
        #expect(message.partCount == 1)
        #expect(message.concatenationReference == nil)
        #expect(message.originator == Self.sender)
        #expect(message.timestamp == Self.timestamp)
        #expect(reassembler.pendingCount == 0)
    }

    @Test(arguments: [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]])
    func completesInAnyOrder(order: [Int]) {
        let parts = Self.parts(String(repeating: "x", count: 153 * 3 + 5))
        #expect(parts.count == 4)
        var reassembler = Reassembler<Int, TestInstant>()
        var completed: [ReassembledMessage<Int>] = []
        for (step, index) in order.enumerated() {
            for event in reassembler.add(parts[index], token: index, now: .zero) {
                guard case .complete(let message) = event else { Issue.record("unexpected event"); continue }
                #expect(step == order.count - 1)
                completed.append(message)
            }
        }
        #expect(completed.count == 1)
        #expect(completed.first?.text == String(repeating: "x", count: 153 * 3 + 5))
        #expect(completed.first?.tokens == order)
        #expect(completed.first?.partCount == 4)
        #expect(completed.first?.concatenationReference == 77)
    }

    @Test(arguments: [
        (longText, false, Alphabet.gsm7),
        (String(repeating: "Standort 🚗📍 Straße ", count: 12), false, .ucs2),
        (String(repeating: "[{|}]~^\\€", count: 40), false, .gsm7),
        (longText, true, .ucs2),
        (String(repeating: "👨‍👩‍👧‍👦", count: 40), false, .ucs2),
    ])
    func splitEncodeDecodeReassembleInShuffledOrderGivesTheText(text: String, forceUCS2: Bool, alphabet: Alphabet) throws {
        let parts = Self.parts(text, reference: 200, forceUCS2: forceUCS2)
        #expect(parts.count > 1)
        var hexes = try parts.map { ModemPDU.hex(smsc: PhoneAddress(parsing: "+31624000000"), tpdu: try $0.encode()) }
        var generator = SeededGenerator(seed: UInt64(text.utf8.count))
        hexes.shuffle(using: &generator)
        var reassembler = Reassembler<String, TestInstant>()
        var result: ReassembledMessage<String>?
        for (index, hex) in hexes.enumerated() {
            guard case .deliver(let deliver) = try ModemPDU.decode(hex: hex).tpdu else {
                Issue.record("not a deliver"); return
            }
            for event in reassembler.add(deliver, token: "slot\(index)", now: .zero) {
                if case .complete(let message) = event { result = message }
            }
        }
        let message = try #require(result)
        #expect(message.text.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
        #expect(message.alphabet == alphabet)
        #expect(message.tokens.count == parts.count)
    }

    @Test func duplicatePartIsReportedAndItsTokenDeletedWithTheMessage() {
        let parts = Self.parts(Self.longText)
        var reassembler = Reassembler<Int, TestInstant>()
        #expect(reassembler.add(parts[0], token: 1, now: .zero).isEmpty)
        #expect(reassembler.add(parts[0], token: 2, now: .zero) == [.duplicate(2)])
        var last: [ReassemblyEvent<Int>] = []
        for index in 1..<parts.count { last = reassembler.add(parts[index], token: 10 + index, now: .zero) }
        guard case .complete(let message) = last.first else { Issue.record("not completed"); return }
        #expect(message.tokens == [1, 2] + (1..<parts.count).map { 10 + $0 })
        #expect(message.text == Self.longText)
    }

    @Test func fullBufferEvictsTheOldestUnfinishedMessage() {
        var reassembler = Reassembler<Int, TestInstant>(capacity: 2)
        let first = Self.parts(Self.longText, reference: 1)
        let second = Self.parts(Self.longText, reference: 2)
        let third = Self.parts(Self.longText, reference: 3)
        #expect(reassembler.add(first[0], token: 10, now: .zero).isEmpty)
        #expect(reassembler.add(first[1], token: 11, now: .zero).isEmpty)
        #expect(reassembler.add(second[0], token: 20, now: .zero).isEmpty)
        #expect(reassembler.add(third[0], token: 30, now: .zero) == [.evicted(tokens: [10, 11])])
        #expect(reassembler.pendingCount == 2)
        // The survivor still completes.
        var events: [ReassemblyEvent<Int>] = []
        for index in 1..<second.count { events += reassembler.add(second[index], token: 20 + index, now: .zero) }
        guard case .complete(let message) = events.last else { Issue.record("not completed"); return }
        #expect(message.concatenationReference == 2)
    }

    @Test func unfinishedMessageExpiresAfterMaxAge() {
        var reassembler = Reassembler<Int, TestInstant>(maxAge: .seconds(60))
        let parts = Self.parts(Self.longText)
        #expect(reassembler.add(parts[0], token: 1, now: .zero).isEmpty)
        #expect(reassembler.add(parts[1], token: 2, now: TestInstant(offset: .seconds(30))).isEmpty)
        #expect(reassembler.expire(now: TestInstant(offset: .seconds(59))).isEmpty)
        #expect(reassembler.expire(now: TestInstant(offset: .seconds(60))) == [.expired(tokens: [1, 2])])
        #expect(reassembler.pendingCount == 0)
    }

    @Test func addingExpiresStaleMessagesFirst() {
        var reassembler = Reassembler<Int, TestInstant>(maxAge: .seconds(60))
        let old = Self.parts(Self.longText, reference: 1)
        let new = Self.parts("hello", reference: 2)
        #expect(reassembler.add(old[0], token: 1, now: .zero).isEmpty)
        let events = reassembler.add(new[0], token: 2, now: TestInstant(offset: .seconds(61)))
        #expect(events.count == 2)
        #expect(events.first == .expired(tokens: [1]))
    }

    @Test func redeliveredMessageHasTheSameIdentity() {
        var first = Reassembler<Int, TestInstant>()
        var second = Reassembler<Int, TestInstant>()
        var identities: [MessageIdentity] = []
        for (reassembler, token) in [(0, 1), (1, 2)] {
            for part in Self.parts(Self.longText, reference: 12) {
                let events = reassembler == 0 ? first.add(part, token: token, now: .zero) : second.add(part, token: token, now: .zero)
                for case .complete(let message) in events { identities.append(message.identity) }
            }
        }
        #expect(identities.count == 2)
        #expect(identities[0] == identities[1])
        #expect(identities[0] != MessageIdentity(originator: Self.sender, timestamp: Self.timestamp, concatenationReference: 13))
    }

    @Test func sameReferenceFromDifferentSendersDoesNotMix() {
        var reassembler = Reassembler<Int, TestInstant>()
        let mine = Self.parts(Self.longText, reference: 9)
        let theirs = Self.parts(Self.longText, reference: 9, from: PhoneAddress(parsing: "+4917099999999"))
        #expect(reassembler.add(mine[0], token: 1, now: .zero).isEmpty)
        #expect(reassembler.add(theirs[1], token: 2, now: .zero).isEmpty)
        #expect(reassembler.pendingCount == 2)
    }

    @Test func binaryPartsJoinAsBytes() {
        let chunks = SMSSegmenter.split(bytes: (0..<300).map { UInt8($0 % 256) })
        var reassembler = Reassembler<Int, TestInstant>()
        var result: ReassembledMessage<Int>?
        for (index, chunk) in chunks.enumerated().reversed() {
            let deliver = SMSDeliver(
                originator: Self.sender, dataCoding: DataCodingScheme(alphabet: .eightBit), serviceCentreTimestamp: Self.timestamp,
                userDataHeader: UserDataHeader(concatenation: ConcatenationInfo(reference: 0x4242, total: chunks.count, part: index + 1, uses16BitReference: true)),
                body: .binary(chunk))
            for event in reassembler.add(deliver, token: index, now: .zero) {
                if case .complete(let message) = event { result = message }
            }
        }
        #expect(result?.body == .binary((0..<300).map { UInt8($0 % 256) }))
        #expect(result?.alphabet == .eightBit)
        #expect(result?.concatenationReference == 0x4242)
    }
}
