import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md "Receiving and relaying" — the same message (sender, timestamp, concatenation
/// reference, part count) is relayed once; the memory is in RAM and bounded.
@Suite struct DuplicateFilterTests {
    typealias Instant = ManualClock.Instant
    let zero = MonotonicInstant(sinceOrigin: .zero)

    func identity(_ n: Int, sender: String = "+15550009001", reference: Int? = nil, parts: Int = 1) -> MessageIdentity {
        MessageIdentity(sender: sender, timestamp: Date(timeIntervalSince1970: Double(n)), concatenationReference: reference, partCount: parts)
    }

    @Test func recognisesASecondDeliveryOfTheSameMessage() {
        var filter = DuplicateFilter<Instant>(capacity: 10, maximumAge: .seconds(60))
        let first = filter.checkAndRecord(identity(1), now: zero)
        let second = filter.checkAndRecord(identity(1), now: zero.advanced(by: .seconds(30)))
        #expect(!first && second)
    }

    @Test func sameSenderAndSecondButADifferentBodyIsADifferentMessage() {
        let stamp = Date(timeIntervalSince1970: 1_800_000_000)
        let alarm = IncomingMessage(sender: "+15550009001", text: "Door alarm!", isUCS2: false, timestamp: stamp, concatenationReference: nil, partCount: 1, storage: RelayHarness.slots([1]))
        var report = alarm
        report.text = "lat:1 long:2"
        report.storage = RelayHarness.slots([2])
        var copy = alarm
        copy.storage = RelayHarness.slots([3])
        #expect(MessageIdentity(alarm) != MessageIdentity(report))
        #expect(MessageIdentity(alarm) == MessageIdentity(copy), "storage slots are not part of the identity")
    }

    @Test(arguments: [
        MessageIdentity(sender: "+15550009002", timestamp: Date(timeIntervalSince1970: 1), concatenationReference: 7, partCount: 2),
        MessageIdentity(sender: "+15550009001", timestamp: Date(timeIntervalSince1970: 2), concatenationReference: 7, partCount: 2),
        MessageIdentity(sender: "+15550009001", timestamp: Date(timeIntervalSince1970: 1), concatenationReference: 8, partCount: 2),
        MessageIdentity(sender: "+15550009001", timestamp: Date(timeIntervalSince1970: 1), concatenationReference: 7, partCount: 3),
        MessageIdentity(sender: "+15550009001", timestamp: Date(timeIntervalSince1970: 1), concatenationReference: nil, partCount: 2),
    ])
    func anyDifferingFieldMakesADifferentMessage(_ other: MessageIdentity) {
        var filter = DuplicateFilter<Instant>(capacity: 10, maximumAge: .seconds(60))
        filter.record(identity(1, reference: 7, parts: 2), now: zero)
        #expect(!filter.contains(other, now: zero))
    }

    @Test func forgetsAfterTheMaximumAge() {
        var filter = DuplicateFilter<Instant>(capacity: 10, maximumAge: .seconds(60))
        filter.record(identity(1), now: zero)
        #expect(filter.contains(identity(1), now: zero.advanced(by: .seconds(60))))
        #expect(!filter.contains(identity(1), now: zero.advanced(by: .seconds(61))))
        filter.record(identity(2), now: zero.advanced(by: .seconds(61)))
        #expect(filter.count == 1)
    }

    @Test func forgetsTheOldestBeyondCapacity() {
        var filter = DuplicateFilter<Instant>(capacity: 3, maximumAge: .seconds(3_600))
        for n in 1...4 { filter.record(identity(n), now: zero.advanced(by: .seconds(Int64(n)))) }
        #expect(filter.count == 3)
        #expect(!filter.contains(identity(1), now: zero.advanced(by: .seconds(5))))
        #expect((2...4).allSatisfy { filter.contains(identity($0), now: zero.advanced(by: .seconds(5))) })
    }

    @Test func staysBoundedOverManyMessages() {
        var filter = DuplicateFilter<Instant>(capacity: 100, maximumAge: .seconds(3_600))
        for n in 0..<10_000 {
            let now = zero.advanced(by: .milliseconds(Int64(n)))
            _ = filter.checkAndRecord(identity(n), now: now)
            if n % 3 == 0 { filter.forget(identity(n)) }
        }
        #expect(filter.count <= 100)
        #expect(filter.contains(identity(9_998), now: zero.advanced(by: .seconds(10))))
    }

    @Test func aForgottenMessageIsNewAgain() {
        var filter = DuplicateFilter<Instant>(capacity: 10, maximumAge: .seconds(60))
        filter.record(identity(1), now: zero)
        filter.forget(identity(1))
        let afterForgetting = filter.checkAndRecord(identity(1), now: zero)
        let again = filter.checkAndRecord(identity(1), now: zero)
        #expect(!afterForgetting && again)
    }
}
