import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

@Suite struct RetentionPolicyTests {
    static let day: TimeInterval = 86_400
    static let policy = RetentionPolicy(terminatedGracePeriod: 90 * day, auditRetention: 30 * day)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [
        (CustomerStatus.active, nil as TimeInterval?, false, RetentionPolicy.Decision.keep(until: nil)),
        (.active, nil, true, .keep(until: nil)),
        (.terminated, -10 * day, false, .keep(until: now.addingTimeInterval(80 * day))),
        (.terminated, -90 * day + 1, false, .keep(until: now.addingTimeInterval(1))),
        (.terminated, -90 * day, false, .erase),
        (.terminated, -400 * day, false, .erase),
        (.terminated, -400 * day, true, .keep(until: nil)),
        (.erased, -400 * day, false, .alreadyErased),
    ])
    func decidesWhetherToErase(status: CustomerStatus, terminatedAgo: TimeInterval?, hold: Bool, expected: RetentionPolicy.Decision) {
        let facts = RetentionPolicy.CustomerFacts(status: status, terminatedAt: terminatedAgo.map { Self.now.addingTimeInterval($0) }, disputeHold: hold)
        #expect(Self.policy.decision(for: facts, now: Self.now) == expected)
    }

    @Test func auditCutoffIsRetentionBeforeNow() {
        #expect(Self.policy.auditCutoff(now: Self.now) == Self.now.addingTimeInterval(-30 * Self.day))
    }
}
