import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The register of data-subject requests and its clocks (issue 13), on a settable clock.
@Suite struct RequestsTests {
    static let day: TimeInterval = 86_400
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// 2027-01-15T08:00:00Z, a Friday.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    // MARK: Dates

    @Test(arguments: [
        ("2026-12-01", "2026-11-30T23:00:00Z"),
        ("2026-12-01T14:30", "2026-12-01T13:30:00Z"),
        ("2026-12-01 14:30:15", "2026-12-01T13:30:15Z"),
        ("2026-12-01T14:30Z", "2026-12-01T14:30:00Z"),
        ("2026-12-01T14:30:00+05:30", "2026-12-01T09:00:00Z"),
        ("2026-12-01T14:30-0300", "2026-12-01T17:30:00Z"),
        ("2026-07-01", "2026-06-30T22:00:00Z"),
    ])
    func isoDatesAreReadInTheOperatorsZoneUnlessTheyNameOne(_ text: String, _ utc: String) throws {
        #expect(try RightsDates.parse(text, field: "--received", timeZone: Self.berlin) == ISO8601DateFormatter().date(from: utc))
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "2026-12-1", "yesterday", "2026-12-01T25:00", "2026-12-01T14", "2026-12-01x",
                      "2026-03-29T02:30", "2026-12-01T14:30+15:00", ""])
    func impossibleOrMalformedDatesAreRefused(_ text: String) {
        #expect(throws: GatewayError.invalidInput(field: "--received", reason: "expected an ISO 8601 date or time such as 2026-12-01, 2026-12-01T14:30 or 2026-12-01T14:30:00+01:00")) {
            try RightsDates.parse(text, field: "--received", timeZone: Self.berlin)
        }
    }

    @Test func datesShowAsADayAtMidnightAndWithTimeAndZoneOtherwise() throws {
        #expect(RightsDates.display(try RightsDates.parse("2026-12-11", field: "d", timeZone: Self.berlin), timeZone: Self.berlin) == "2026-12-11")
        #expect(RightsDates.display(try RightsDates.parse("2026-12-11T14:30", field: "d", timeZone: Self.berlin), timeZone: Self.berlin).hasPrefix("2026-12-11 14:30 "))
        #expect(RightsDates.display(try RightsDates.parse("2026-12-11", field: "d", timeZone: Self.berlin), timeZone: Self.utc) == "2026-12-10 23:00 UTC")
    }

    @Test func aDeadlineInDaysCountsCalendarDaysAcrossADaylightSavingChange() throws {
        let received = try RightsDates.parse("2027-03-25", field: "d", timeZone: Self.berlin)
        let due = RightsSettings.dueDate(received: received, deadline: 10 * Self.day, timeZone: Self.berlin)
        #expect(RightsDates.display(due, timeZone: Self.berlin) == "2027-04-04")
        #expect(due.timeIntervalSince(received) == 10 * Self.day - 3_600)
        #expect(RightsSettings.dueDate(received: received, deadline: 36 * 3_600, timeZone: Self.berlin) == received.addingTimeInterval(36 * 3_600))
    }

    @Test(arguments: [
        (3.0, nil as Double?, RequestClock.onTrack), (2.0, nil, .near), (0.04, nil, .near), (0, nil, .overdue), (-4, nil, .overdue),
        (-4, 1.0, .closedOnTime), (-4, 0.0, .closedLate), (5, -1.0, .closedLate),
    ])
    func aRequestsClockIsAFunctionOfItsDatesAndNow(daysToDue: Double, closedDaysBeforeDue: Double?, expected: RequestClock) {
        let due = Self.start.addingTimeInterval(daysToDue * Self.day)
        #expect(RequestClock.of(dueAt: due, closedAt: closedDaysBeforeDue.map { due.addingTimeInterval(-$0 * Self.day) }, now: Self.start) == expected)
    }

    @Test(arguments: [("10d", 864_000.0), ("30", 2_592_000), ("36h", 129_600), ("90d", 7_776_000)])
    func deadlinesParse(_ text: String, _ seconds: TimeInterval) throws {
        #expect(try RightsSettings.parseDeadline(text) == seconds)
    }

    @Test(arguments: ["0", "12h", "91d", "ten days", "-1d", ""])
    func deadlinesOutOfRangeAreRefused(_ text: String) {
        #expect(throws: GatewayError.invalidInput(field: "rights.deadline", reason: "must be a duration from 1d to 90d, such as 10d or 30d")) {
            try RightsSettings.parseDeadline(text)
        }
    }

    // MARK: The register

    @Test(arguments: Backend.allCases) func aRequestIsOpenedVerifiedAndClosedWithEveryStepAudited(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let received = try RightsDates.parse("2027-01-14", field: "--received", timeZone: Self.berlin)
        let opened = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .objection, channel: .letter, receivedAt: received, note: "Brief vom 13.1."), timeZone: Self.berlin)
        #expect(RightsDates.display(opened.dueAt, timeZone: Self.berlin) == "2027-01-24")
        #expect(opened.clock(at: clock.now) == .onTrack && !opened.loggedLate)
        clock.advance(by: 3_600)
        let verified = try registry.verifyRequest(id: opened.id, method: "Rückruf unter der hinterlegten Nummer")
        #expect(verified.verifiedAt == clock.now)
        clock.advance(by: 3_600)
        let closed = try registry.closeRequest(id: opened.id, outcome: .done, note: "Werbung eingestellt")
        #expect(closed.outcome == .done && closed.closedAt == clock.now && closed.clock(at: clock.now) == .closedOnTime)
        let details = try registry.requestDetails(id: opened.id)
        #expect(details.note == "Brief vom 13.1." && details.verification == "Rückruf unter der hinterlegten Nummer" && details.closingNote == "Werbung eingestellt")
        let audited = try registry.auditEntries().filter { $0.action.rawValue.hasPrefix("request.") }.map(\.action)
        #expect(audited == [.requestOpen, .requestVerify, .requestClose, .requestShow])
        let bytes = try world.storedBytes()
        for text in ["Brief vom", "Rückruf unter", "Werbung eingestellt"] {
            #expect(bytes.range(of: Data(text.utf8)) == nil, "\(text) is stored in clear")
        }
    }

    @Test(arguments: Backend.allCases) func aRequestLoggedAfterItsDeadlineIsAcceptedAndOverdueAtOnce(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let request = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: Self.start.addingTimeInterval(-20 * Self.day)), timeZone: Self.utc)
        #expect(request.loggedLate)
        #expect(request.clock(at: clock.now) == .overdue)
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc)
        #expect(findings.map(\.kind) == [.requestDue])
        #expect(findings.first?.detail == "access request of customer \(anna) was due 2027-01-05 08:00 UTC, overdue by 10 days; it was logged after its due date had passed")
    }

    struct ClockCase: Sendable, CustomStringConvertible {
        var daysAfterReceipt: Double
        var closeOnDay: Double?
        var findings: [PrivacyCheck.Finding.Kind]
        var description: String { "day \(daysAfterReceipt), closed \(closeOnDay.map { "\($0)" } ?? "-")" }
    }

    static let clockCases = [
        ClockCase(daysAfterReceipt: 0, findings: []),
        ClockCase(daysAfterReceipt: 7.9, findings: []),
        ClockCase(daysAfterReceipt: 8, findings: [.requestDue]),
        ClockCase(daysAfterReceipt: 9.9, findings: [.requestDue]),
        ClockCase(daysAfterReceipt: 10, findings: [.requestDue]),
        ClockCase(daysAfterReceipt: 30, findings: [.requestDue]),
        ClockCase(daysAfterReceipt: 30, closeOnDay: 9, findings: []),
        ClockCase(daysAfterReceipt: 30, closeOnDay: 12, findings: []),
    ]

    @Test(arguments: Backend.allCases, clockCases)
    func privacyCheckReportsARequestFromTwoDaysBeforeItsDueDate(_ backend: Backend, _ row: ClockCase) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let request = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .objection, receivedAt: Self.start), timeZone: Self.utc)
        if let close = row.closeOnDay {
            clock.advance(by: close * Self.day)
            let closed = try registry.closeRequest(id: request.id, outcome: .refused)
            #expect(closed.clock(at: clock.now) == (close < 10 ? .closedOnTime : .closedLate))
            clock.advance(by: (row.daysAfterReceipt - close) * Self.day)
        } else {
            clock.advance(by: row.daysAfterReceipt * Self.day)
        }
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc)
        #expect(findings.map(\.kind) == row.findings)
        #expect(findings.allSatisfy { !$0.description.contains("Anna") })
    }

    @Test(arguments: Backend.allCases) func aVerifiedRequestLeftOpenForADayIsReported(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let request = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: Self.start), timeZone: Self.utc)
        _ = try registry.verifyRequest(id: request.id, method: "ID card seen")
        clock.advance(by: Self.day - 1)
        #expect(try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry).isEmpty)
        clock.advance(by: 1)
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: Self.utc)
        #expect(findings.map(\.kind) == [.requestVerifiedOpen])
        #expect(findings.first?.detail.contains("`trackerd customer export \(anna) --request \(request.id)`") == true)
    }

    struct Refusal: Sendable, CustomStringConvertible {
        var name: String
        var error: GatewayError
        var action: @Sendable (Registry, Int64) throws -> Void
        var description: String { name }
    }

    /// Request 1 is open and unverified (customer 1), request 2 closed (customer 1), customer 2 erased.
    static let refusals: [Refusal] = [
        Refusal(name: "future received", error: .invalidInput(field: "--received", reason: "is in the future; give the date the request reached you")) {
            _ = try $0.openRequest(NewRightsRequest(customerID: $1, kind: .access, receivedAt: start.addingTimeInterval(day)), timeZone: utc)
        },
        Refusal(name: "unknown customer", error: .unknownID(kind: "customer", id: 99)) { registry, _ in
            _ = try registry.openRequest(NewRightsRequest(customerID: 99, kind: .access, receivedAt: start), timeZone: utc)
        },
        Refusal(name: "erased customer", error: .unknownID(kind: "customer", id: 2)) { registry, _ in
            _ = try registry.openRequest(NewRightsRequest(customerID: 2, kind: .erasure, receivedAt: start), timeZone: utc)
        },
        Refusal(name: "blank note", error: .invalidInput(field: "--note", reason: "is empty")) {
            _ = try $0.openRequest(NewRightsRequest(customerID: $1, kind: .access, receivedAt: start, note: "  "), timeZone: utc)
        },
        Refusal(name: "closing a closed request", error: .conflict(field: "request 2", reason: "is already closed (withdrawn)")) { registry, _ in
            _ = try registry.closeRequest(id: 2, outcome: .refused)
        },
        Refusal(name: "verifying a closed request", error: .conflict(field: "request 2", reason: "is closed (withdrawn); there is nothing left to verify")) { registry, _ in
            _ = try registry.verifyRequest(id: 2, method: "x")
        },
        Refusal(name: "done without verification", error: .conflict(field: "request 1", reason: "the requester's identity is not confirmed; run `trackerd request verify 1 --method …` first")) { registry, _ in
            _ = try registry.closeRequest(id: 1, outcome: .done)
        },
        Refusal(name: "unknown request", error: .unknownID(kind: "request", id: 42)) { registry, _ in _ = try registry.closeRequest(id: 42, outcome: .withdrawn) },
        Refusal(name: "export for an unverified request", error: .conflict(field: "--request", reason: "request 1: the requester's identity is not confirmed; run `trackerd request verify 1 --method …` first")) {
            _ = try $0.exportCustomer(id: $1, answering: 1)
        },
        Refusal(name: "update for an access request", error: .conflict(field: "--request", reason: "request 1 asks for access, not correction; `customer export` answers it")) {
            try $0.updateCustomer(id: $1, CustomerUpdate(name: "Anna S."), answering: 1)
        },
        Refusal(name: "update for a closed request", error: .conflict(field: "--request", reason: "request 2 is already closed (withdrawn)")) {
            try $0.updateCustomer(id: $1, CustomerUpdate(name: "Anna S."), answering: 2)
        },
        Refusal(name: "erase with another customer's request", error: .conflict(field: "--request", reason: "request 1 is customer 1's, not customer 3's")) { registry, _ in
            try registry.eraseCustomer(id: 3, answering: 1)
        },
        Refusal(name: "export of an unknown request", error: .unknownID(kind: "request", id: 42)) { _ = try $0.exportCustomer(id: $1, answering: 42) },
    ]

    @Test(arguments: Backend.allCases, refusals)
    func aRefusedRequestCommandIsOneClearErrorAndChangesNothing(_ backend: Backend, _ row: Refusal) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        _ = try registry.addCustomer(NewCustomer(name: "Cora", address: "Weg 1", email: "cora@example.de", phones: ["+491705550077"], adultAttested: true))
        _ = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: Self.start), timeZone: Self.utc)
        _ = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .correction, receivedAt: Self.start), timeZone: Self.utc)
        _ = try registry.closeRequest(id: 2, outcome: .withdrawn)
        try registry.eraseCustomer(id: bernd)
        let before = try world.contents()
        #expect(throws: row.error) { try row.action(registry, anna) }
        #expect(try world.contents() == before)
        #expect(!row.error.description.contains("Anna"))
    }

    @Test(arguments: Backend.allCases) func exportUpdateAndEraseAnswerTheirVerifiedRequestsAndCloseThem(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Self.start)
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        var ids: [RequestKind: Int64] = [:]
        for kind in [RequestKind.access, .correction, .erasure] {
            let request = try registry.openRequest(NewRightsRequest(customerID: anna, kind: kind, receivedAt: Self.start, note: "Notiz \(kind.rawValue) Schmidtmeier"), timeZone: Self.utc)
            _ = try registry.verifyRequest(id: request.id, method: "Personalausweis gesehen")
            ids[kind] = request.id
        }
        clock.advance(by: Self.day)
        let export = try registry.exportCustomer(id: anna, answering: ids[.access]!)
        #expect(export.audit.suffix(2).map(\.action) == [.customerExport, .requestClose])
        try registry.updateCustomer(id: anna, CustomerUpdate(address: "Hafenweg 9, Hamburg"), answering: ids[.correction]!)
        #expect(try registry.exportCustomer(id: anna).address == "Hafenweg 9, Hamburg")
        let sealed = try registry.read { db in
            try db.fetchAll(sql: "SELECT note_sealed AS sealed FROM rights_requests UNION ALL SELECT verification_sealed FROM rights_requests")
                .compactMap { try $0.decodeIfPresent("sealed", table: "rights_requests", as: Data.self) }
        }
        #expect(sealed.count == 6)
        try registry.eraseCustomer(id: anna, answering: ids[.erasure]!)

        let requests = try registry.requests(customerID: anna)
        #expect(requests.map(\.outcome) == [.done, .done, .done])
        #expect(requests.allSatisfy { $0.closedAt == clock.now && $0.receivedAt == Self.start && $0.verifiedAt == Self.start })
        #expect(requests.map { $0.copyProducedAt != nil } == [true, false, false])
        let details = try registry.requestDetails(id: ids[.access]!)
        #expect(details.customerErased && details.note == nil && details.verification == nil)
        try registry.close()
        let bytes = try world.storedBytes()
        for blob in sealed { #expect(bytes.range(of: blob) == nil, "a sealed note survived the erasure") }
        #expect(bytes.range(of: Data("Schmidtmeier".utf8)) == nil)
    }

    @Test(arguments: Backend.allCases) func theDeadlineSettingAppliesToRequestsOpenedAfterIt(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        #expect(try registry.rightsDeadline() == 10 * Self.day)
        let first = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: Fixtures.clock()), timeZone: Self.utc)
        try registry.setRightsDeadline("30d")
        let second = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: Fixtures.clock()), timeZone: Self.utc)
        #expect(second.dueAt.timeIntervalSince(first.dueAt) == 20 * Self.day)
        #expect(try registry.requests().first?.dueAt == first.dueAt, "an open request keeps the due date it was given")
        #expect(throws: GatewayError.invalidInput(field: "rights.deadline", reason: "must be a duration from 1d to 90d, such as 10d or 30d")) { try registry.setRightsDeadline("1y") }
    }
}
