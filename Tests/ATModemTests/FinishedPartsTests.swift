import Foundation
import SMSCodec
import TestSupport
import Testing

@testable import ATModem

/// The memory of finished concatenated parts (soak finding 2): a part of a relayed message whose
/// delete was refused is deleted when read again, not kept for the reassembly age; a part of a
/// message left for later is joined again as before.
@Suite struct FinishedPartsTests {
    static func slot(_ index: Int) -> StorageSlot { StorageSlot(storage: "SM", index: index) }

    static func mark(part: Int, reference: Int = 7, second: Int = 0) -> PartMark {
        PartMark(originator: PhoneAddress(parsing: "+4917012345678"), reference: reference, uses16BitReference: false, total: 2, part: part,
                 timestamp: ServiceCentreTimestamp(date: Date(timeIntervalSince1970: 1_700_000_000 + Double(second)), offsetQuarterHours: 4))
    }

    enum Step: CustomStringConvertible {
        case handedOut([Int], [PartMark])
        case released([Int])
        case deleted([Int])
        case finished(PartMark, Bool)

        var description: String {
            switch self {
            case .handedOut(let slots, _): "handed out \(slots)"
            case .released(let slots): "released \(slots)"
            case .deleted(let slots): "deleted \(slots)"
            case .finished(let mark, let expected): "part \(mark.part) ref \(mark.reference) finished: \(expected)"
            }
        }
    }

    static let message = [mark(part: 1), mark(part: 2)]

    static let rows: [(name: String, capacity: Int, steps: [Step])] = [
        ("a deleted message's parts are finished, even the one whose delete failed", 8, [
            .handedOut([1, 2], message), .finished(message[1], false), .deleted([1, 2]),
            .finished(message[0], true), .finished(message[1], true),
        ]),
        ("a message given back is not finished: its parts must be joined again", 8, [
            .handedOut([1, 2], message), .released([1, 2]), .deleted([1, 2]), .finished(message[1], false),
        ]),
        ("the same reference at another time stamp is another message", 8, [
            .handedOut([1, 2], message), .deleted([1]), .finished(mark(part: 2, second: 300), false),
            .finished(mark(part: 2, reference: 8), false), .finished(message[1], true),
        ]),
        ("a single-part message leaves nothing", 8, [
            .handedOut([3], []), .deleted([3]), .finished(message[0], false),
        ]),
        ("the oldest finished parts are forgotten past the capacity", 2, [
            .handedOut([1, 2], message), .deleted([1]),
            .handedOut([3, 4], [mark(part: 1, reference: 9), mark(part: 2, reference: 9)]), .deleted([3]),
            .finished(message[0], false), .finished(message[1], false), .finished(mark(part: 2, reference: 9), true),
        ]),
    ]

    @Test(arguments: rows.indices)
    func row(_ index: Int) {
        let row = Self.rows[index]
        var parts = FinishedParts(capacity: row.capacity)
        for (position, step) in row.steps.enumerated() {
            switch step {
            case .handedOut(let slots, let marks): parts.handedOut(slots.map(Self.slot), marks: marks)
            case .released(let slots): parts.released(slots.map(Self.slot))
            case .deleted(let slots): parts.deleted(slots.map(Self.slot))
            case .finished(let mark, let expected):
                #expect(parts.isFinished(mark) == expected, "\(row.name), step \(position + 1): \(step)")
            }
        }
        #expect(parts.finishedCount <= row.capacity)
    }

    /// End to end through the modem shell: a two-part message is relayed, the modem refuses the
    /// delete of part 2, and the next sweep deletes part 2 at once instead of holding it.
    @Test func aRelayedMessagesLonePartIsDeletedWhenListedAgain() async throws {
        let parts = ModemTests.deliverHex(text: String(repeating: "lat:48.137154 long:11.576124 ", count: 8))
        try #require(parts.count == 2)
        let transport = ModemTests.readyModem()
        let both = parts.enumerated().map { index, hex in "+CMGL: \(index + 1),1,,\(ModemTests.tpduLength(ofHex: hex))\r\n\(hex)\r\n" }
        transport.add(.exact("AT+CMGL=4", reply: "\r\n" + both.joined() + "\r\nOK\r\n", times: 1))
        transport.add(.exact("AT+CMGL=4", reply: "\r\n" + both[1] + "\r\nOK\r\n"))
        transport.add(.exact("AT+CMGD=1", reply: ModemTests.okReply))
        transport.add(.exact("AT+CMGD=2", reply: "\r\n+CMS ERROR: 321\r\n", times: 1))
        transport.add(.exact("AT+CMGD=2", reply: ModemTests.okReply))
        let inbox = ModemInbox()
        let modem = ModemTests.modem(transport, inbox: inbox)
        try await modem.start()
        #expect(try await modem.sweepStorage() == 2)
        let received = await inbox.waitForMessages(1)
        let slots = try #require(received.first?.storageSlots)
        #expect(slots == [Self.slot(1), Self.slot(2)])
        await #expect(throws: ModemError.self) { try await modem.delete(slots) }

        _ = try await modem.sweepStorage()
        #expect(await poll { transport.commands.filter { $0 == "AT+CMGD=2" }.count == 2 })
        #expect(await modem.reassembler.pendingCount == 0)
        #expect(await inbox.waitForEvent(timeout: .seconds(5)) { $0 == .finishedPartDeleted(slot: Self.slot(2)) } != nil)
        // Relayed once: the lone part did not come out as a message of its own.
        #expect(inbox.messages.count == 1)
        await modem.close()
    }
}
