import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The breach register and its two clocks (issue 13), on a settable clock.
@Suite struct BreachesTests {
    static let hour: TimeInterval = 3_600
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let utc = TimeZone(identifier: "UTC")!

    @Test(arguments: [
        (71.0, nil as AuthorityDecision?, nil as Double?, BreachAuthorityClock.due),
        (72, nil, nil, .overdue),
        (200, .reported, 70.0, .reportedOnTime),
        (200, .reported, 72.0, .reportedOnTime),
        (200, .reported, 73.0, .reportedLate),
        (200, .notRequired, 90.0, .notRequired),
    ])
    func theAuthorityClockRunsSeventyTwoHoursFromDiscovery(hoursSince: Double, decision: AuthorityDecision?, decidedAfter: Double?, expected: BreachAuthorityClock) {
        let now = Self.start.addingTimeInterval(hoursSince * Self.hour)
        #expect(BreachAuthorityClock.of(discoveredAt: Self.start, decision: decision, decidedAt: decidedAfter.map { Self.start.addingTimeInterval($0 * Self.hour) }, now: now) == expected)
    }

    @Test(arguments: Backend.allCases) func aOneCustomerSummaryGoesWithThatCustomersKeyAndASharedOneStays(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let own = try registry.recordBreach(discoveredAt: Self.start, summary: "Annas Rechnung an falsche Adresse", customerIDs: [anna])
        let shared = try registry.recordBreach(discoveredAt: Self.start, summary: "Backup-Platte verloren", customerIDs: [anna, bernd, anna])
        #expect(shared.customerIDs == [anna, bernd])
        #expect(try registry.breachDetails(id: own.id).summary == "Annas Rechnung an falsche Adresse")
        let ownSealed: Data = try #require(try registry.read { db in
            try db.fetchOne(sql: "SELECT summary_sealed FROM breaches WHERE id = ?", arguments: [own.id])?.decodeIfPresent("summary_sealed", table: "breaches")
        })

        try registry.eraseCustomer(id: anna)

        let details = try registry.breachDetails(id: own.id)
        #expect(details.summary == nil)
        #expect(details.breach.discoveredAt == Self.start && details.breach.customerIDs == [anna])
        #expect(details.breach.customersOnFile == 0 && details.breach.allNotified)
        #expect(try registry.breachDetails(id: shared.id).summary == "Backup-Platte verloren")
        #expect(try registry.breachDetails(id: shared.id).breach.customersOnFile == 1)
        try registry.close()
        let bytes = ["registry.sqlite", "registry.sqlite-wal"].compactMap { try? Data(contentsOf: world.dataDirectory.appendingPathComponent($0)) }.reduce(Data(), +)
        #expect(bytes.range(of: ownSealed) == nil)
        #expect(bytes.range(of: Data("Backup-Platte".utf8)) == nil, "summaries are sealed")
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var name: String
        var error: GatewayError
        var action: @Sendable (Registry) throws -> Void
        var description: String { name }
    }

    /// Breach 1 (customer 1) is undecided, breach 2 already reported.
    static let refusals: [Refusal] = [
        Refusal(name: "future discovery", error: .invalidInput(field: "--discovered", reason: "is in the future; give the time the breach became known")) {
            _ = try $0.recordBreach(discoveredAt: start.addingTimeInterval(30 * hour), summary: "x", customerIDs: [1])
        },
        Refusal(name: "unknown customer", error: .unknownID(kind: "customer", id: 99)) {
            _ = try $0.recordBreach(discoveredAt: start, summary: "x", customerIDs: [1, 99])
        },
        Refusal(name: "blank summary", error: .invalidInput(field: "--summary", reason: "is empty")) {
            _ = try $0.recordBreach(discoveredAt: start, summary: " \n ", customerIDs: [1])
        },
        Refusal(name: "reported twice", error: .conflict(field: "breach 2", reason: "already has its authority decision recorded (reported)")) {
            _ = try $0.recordAuthority(breachID: 2, decision: .notRequired, text: "low risk")
        },
        Refusal(name: "reported before discovery", error: .invalidInput(field: "--at", reason: "is before the breach was discovered")) {
            _ = try $0.recordAuthority(breachID: 1, decision: .reported, text: "LDI NRW", at: start.addingTimeInterval(-hour))
        },
        Refusal(name: "reported in the future", error: .invalidInput(field: "--at", reason: "is in the future")) {
            _ = try $0.recordAuthority(breachID: 1, decision: .reported, text: "LDI NRW", at: start.addingTimeInterval(30 * hour))
        },
        Refusal(name: "unknown breach", error: .unknownID(kind: "breach", id: 7)) {
            _ = try $0.recordAuthority(breachID: 7, decision: .reported, text: "LDI NRW", at: start)
        },
        Refusal(name: "notice for an unknown breach", error: .unknownID(kind: "breach", id: 7)) { _ = try $0.pendingNotices(.breach(id: 7)) },
        Refusal(name: "notice without customers", error: .conflict(field: "breach 3", reason: "has no affected customers on record, so there is nobody to notify")) {
            _ = try $0.pendingNotices(.breach(id: 3))
        },
    ]

    @Test(arguments: Backend.allCases, refusals)
    func aRefusedBreachCommandIsOneClearErrorAndChangesNothing(_ backend: Backend, _ row: Refusal) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.recordBreach(discoveredAt: Self.start, summary: "one", customerIDs: [anna])
        _ = try registry.recordBreach(discoveredAt: Self.start, summary: "two", customerIDs: [anna])
        _ = try registry.recordBreach(discoveredAt: Self.start, summary: "three", customerIDs: [])
        clock.advance(by: 24 * Self.hour)
        _ = try registry.recordAuthority(breachID: 2, decision: .reported, text: "LDI NRW", at: Self.start.addingTimeInterval(Self.hour))
        let before = try world.contents()
        #expect(throws: row.error) { try row.action(registry) }
        #expect(try world.contents() == before)
    }

    @Test(arguments: Backend.allCases) func privacyCheckWatchesTheAuthorityAndTheCustomersUntilBothAreDone(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let breach = try registry.recordBreach(discoveredAt: Self.start, summary: "Liste per E-Mail an Dritte", customerIDs: [anna, bernd])
        func kinds() throws -> [PrivacyCheck.Finding.Kind] {
            try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc).map(\.kind)
        }
        clock.advance(by: 10 * Self.hour)
        #expect(try kinds() == [.breachAuthority, .breachNotification])
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc)
        #expect(findings[0].detail.hasPrefix("the supervisory authority must be told by 2027-01-18 08:00 UTC (72 h after discovery), in 2 days"))
        #expect(findings[1].detail == "2 of 2 affected customer(s) not notified by e-mail; run `trackerd breach notify \(breach.id)`")

        // Anna is notified first; Bernd only after the authority deadline.
        let dispatch = NoticeDispatch(registry: registry, subject: .breach(id: breach.id), from: try MailDispatchTests.sender(),
                                      transport: try MailDispatchTests.flakyMTA(failures: 0, in: mta), retry: MailRetryPolicy(delays: [0, 0]), sleep: { _ in })
        let pending = try registry.pendingNotices(.breach(id: breach.id))
        _ = try dispatch.run(Array(pending.prefix(1)), text: "Wir informieren Sie über eine Datenpanne.", mailSubject: "Datenpanne", sms: nil)
        #expect(try registry.breaches().first?.customersNotified == 1)
        #expect(try registry.exportCustomer(id: anna).notices.breachNotifiedAt == clock.now)
        clock.advance(by: 70 * Self.hour)
        let overdue = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc)
        #expect(overdue.map(\.kind) == [.breachAuthority, .breachNotification])
        #expect(overdue[0].detail == "no authority report recorded, and the 72 hours after discovery ended 2027-01-18 08:00 UTC, 8 h ago")

        let reported = try registry.recordAuthority(breachID: breach.id, decision: .reported, text: "LDI NRW", at: Self.start.addingTimeInterval(73 * Self.hour))
        #expect(reported.authorityClock(at: clock.now) == .reportedLate)
        _ = try dispatch.run(try registry.pendingNotices(.breach(id: breach.id)).filter(\.needsEmail), text: "Wir informieren Sie.", mailSubject: "Datenpanne", sms: nil)
        #expect(try kinds().isEmpty)
        let details = try registry.breachDetails(id: breach.id)
        #expect(details.authority == "LDI NRW")
        let bytes = try world.storedBytes()
        #expect(bytes.range(of: Data("LDI NRW".utf8)) == nil && bytes.range(of: Data("Liste per E-Mail".utf8)) == nil, "sealed, never in clear")
        #expect(details.deliveries.map(\.emailSentAt) == [Self.start.addingTimeInterval(10 * Self.hour), clock.now])
        #expect(try registry.auditEntries().filter { $0.action == .breachNotice }.map(\.subjectID) == [breach.id, breach.id])
    }
}
