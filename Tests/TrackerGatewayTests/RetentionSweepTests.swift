import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// Retention on a test clock: settings, dry runs, purges, holds, audit retention, amendment terminations.
@Suite struct RetentionSweepTests {
    static let day: TimeInterval = 86_400

    @Test(arguments: Backend.allCases) func sweepPurgesExactlyWhatIsDueAndNothingOnHold(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        try registry.setRetention(.afterTermination, to: "30d")
        try registry.setRetention(.audit, to: "90d")
        let policy = try registry.retentionSettings().policy
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let carla = try registry.addCustomer(NewCustomer(name: "Carla", address: "Platz 1", email: "carla@example.com", phones: ["+4916099990000"], adultAttested: true))
        try registry.terminateCustomer(id: anna)
        try registry.terminateCustomer(id: bernd)
        try registry.setDisputeHold(customerID: bernd, held: true, note: "refund pending")
        clock.advance(by: 10 * Self.day)
        try registry.terminateCustomer(id: carla)

        clock.advance(by: 20 * Self.day - 1)
        #expect(try registry.sweepPlan(policy: policy) == SweepReport(customerIDs: [], auditEntries: 0))
        clock.advance(by: 1)
        let auditBefore = try registry.auditEntries()
        #expect(try registry.sweepPlan(policy: policy) == SweepReport(customerIDs: [anna], auditEntries: 0))
        #expect(try registry.auditEntries() == auditBefore, "a dry run changes nothing")
        #expect(try registry.runSweep(policy: policy) == SweepReport(customerIDs: [anna], auditEntries: 0))
        #expect(try registry.customer(id: anna).status == .erased)
        #expect(try registry.customer(id: bernd).status == .terminated)
        #expect(try registry.customer(id: carla).status == .terminated)
        #expect(try registry.auditEntries().filter { $0.action == .customerPurge }.map(\.customerID) == [anna])

        // Closing the dispute lets the next sweep take bernd; carla's 30 days end 10 days later.
        try registry.setDisputeHold(customerID: bernd, held: false, note: "refunded")
        #expect(try registry.runSweep(policy: policy).customerIDs == [bernd])
        clock.advance(by: 10 * Self.day)
        #expect(try registry.runSweep(policy: policy).customerIDs == [carla])
        #expect(try registry.auditEntries().filter { $0.action == .customerPurge }.map(\.customerID) == [anna, bernd, carla])
    }

    @Test(arguments: Backend.allCases) func sweepDeletesAuditEntriesPastTheirOwnRetention(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        try registry.setRetention(.audit, to: "7d")
        _ = try registry.addCustomer(Fixtures.anna())
        let count = try registry.auditEntries().count
        clock.advance(by: 7 * Self.day + 1)
        _ = try registry.addCustomer(Fixtures.bernd())
        let policy = try registry.retentionSettings().policy
        #expect(try registry.sweepPlan(policy: policy).auditEntries == count)
        #expect(try registry.runSweep(policy: policy).auditEntries == count)
        #expect(try registry.auditEntries().allSatisfy { $0.at == clock.now })
        #expect(try registry.oldestAuditEntry() == clock.now)
    }

    @Test(arguments: Backend.allCases, [(29.0, true), (30.0, true), (31.0, false)])
    func terminationWithinThirtyDaysOfAnAmendmentIsMarked(_ backend: Backend, _ row: (daysAfterNotice: Double, underAmendment: Bool)) throws {
        let (daysAfterNotice, underAmendment) = row
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        try registry.recordNotice(.amendment(version: "v2"), customerIDs: [anna])
        clock.advance(by: daysAfterNotice * Self.day)
        #expect(try registry.terminateCustomer(id: anna).underAmendment == underAmendment)
        #expect(try registry.exportCustomer(id: anna).notices.terminatedUnderAmendment == underAmendment)
    }

    @Test(arguments: Backend.allCases) func terminationWithoutNoticeIsNotUnderAmendment(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        #expect(try registry.terminateCustomer(id: anna).underAmendment == false)
    }

    @Test(arguments: Backend.allCases) func noticeRecipientsAreActiveCustomersConsentingPhones(_ backend: Backend) async throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna(phones: ["+49 170 1234567", "+49 170 7654321"]))
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let stopped = try registry.phones(customerID: anna)[1].id
        try registry.setConsent(phoneID: stopped, consents: false)
        try registry.terminateCustomer(id: bernd)
        let recipients = try registry.amendmentRecipients()
        #expect(recipients.map(\.customerID) == [anna])
        #expect(recipients.first?.phones.map(\.number) == ["+491701234567"])
        #expect(try registry.breachRecipients(customerIDs: [bernd]).first?.phones.map(\.number) == ["+491717654321"])
        #expect(throws: GatewayError.unknownID(kind: "customer", id: 42)) { try registry.breachRecipients(customerIDs: [42]) }
    }

    struct DurationCase: Sendable {
        var key: RetentionSettings.Key
        var text: String
        var seconds: TimeInterval?
    }

    @Test(arguments: [
        DurationCase(key: .afterTermination, text: "30d", seconds: 2_592_000),
        DurationCase(key: .afterTermination, text: "45", seconds: 3_888_000),
        DurationCase(key: .audit, text: "12h", seconds: 43_200),
        DurationCase(key: .audit, text: "0", seconds: 0),
        DurationCase(key: .sweepInterval, text: "90m", seconds: 5_400),
        DurationCase(key: .sweepInterval, text: "30s", seconds: nil),
        DurationCase(key: .sweepInterval, text: "2d", seconds: nil),
        DurationCase(key: .afterTermination, text: "-1d", seconds: nil),
        DurationCase(key: .afterTermination, text: "thirty", seconds: nil),
        DurationCase(key: .afterTermination, text: "", seconds: nil),
        DurationCase(key: .afterTermination, text: "99999d", seconds: nil),
    ])
    func durationsParseWithinBounds(_ row: DurationCase) {
        let parsed = try? RetentionSettings.parseDuration(row.text, for: row.key)
        #expect(parsed == row.seconds)
    }

    @Test(arguments: Backend.allCases) func settingsDefaultAndPersist(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        #expect(try registry.retentionSettings() == .defaults)
        try registry.setRetention(.sweepInterval, to: "15m")
        try registry.close()
        #expect(try world.reopen().retentionSettings().sweepInterval == 900)
        #expect(RetentionSettings.format(900) == "15m")
        #expect(RetentionSettings.format(30 * 86_400) == "30d")
    }
}
