import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The sendmail hand-off and the notice run, with real child processes standing in for the MTA.
@Suite struct MailDispatchTests {
    static let day: TimeInterval = 86_400
    static func sender() throws -> MailAddress { try MailAddress(parsing: "Privacy <privacy@example.org>", field: "mail.from") }

    /// Writes an executable shell script and returns its path.
    static func script(_ body: String, named name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.appending(name).path
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o700)
        return path
    }

    /// An MTA that refuses its first `failures` messages (exit 75), then keeps each one in `<dir>/msg-N`.
    static func flakyMTA(failures: Int, in directory: TemporaryDirectory) throws -> SendmailTransport {
        let path = try script("""
            n=$(cat "$1/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$1/count"
            if [ "$n" -le "$2" ]; then cat > /dev/null; exit 75; fi
            cat > "$1/msg-$n"
            """, named: "mta", in: directory)
        return SendmailTransport(settings: MailSettings(sendmail: [path, directory.path, String(failures)], sendmailSource: "TRACKERD_MAIL_SENDMAIL", from: nil))
    }

    static func invocations(_ directory: TemporaryDirectory) -> Int {
        Int((try? String(contentsOf: directory.appending("count"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0
    }

    static func messages(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("msg-") }.sorted()
            .map { try String(contentsOf: directory.appending($0), encoding: .utf8) }
    }

    // MARK: The transport

    @Test func exitZeroIsAcceptedAndTheMTAGetsTheWholeMessage() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.script("cat > \"$1\"", named: "mta", in: directory)
        let out = directory.appending("message").path
        let transport = SendmailTransport(settings: MailSettings(sendmail: [path, out], sendmailSource: "test", from: nil))
        let message = String(repeating: "Zeile mit Umlauten =C3=BC\n", count: 200)
        #expect(transport.handOff(message) == .accepted)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == message)
    }

    @Test(arguments: [
        ("cat > /dev/null; exit 75", SendmailTransport.HandOff.refused(status: 75), "the MTA exited 75 (temporary failure)"),
        ("cat > /dev/null; exit 67", .refused(status: 67), "the MTA exited 67 (addressee unknown)"),
        ("kill -9 $$", .failed(reason: "the MTA was killed by signal 9"), "the MTA was killed by signal 9"),
    ])
    func anythingButExitZeroIsNotHandedOver(_ body: String, _ expected: SendmailTransport.HandOff, _ text: String) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.script(body, named: "mta", in: directory)
        let handOff = SendmailTransport(settings: MailSettings(sendmail: [path], sendmailSource: "test", from: nil)).handOff("To: a@example.org\n\nx\n")
        #expect(handOff == expected)
        #expect(handOff.description == text)
    }

    @Test func aMissingMTAIsAConfigurationErrorNamingWhereItWasSet() throws {
        let settings = try MailSettings.resolve(environment: ["TRACKERD_MAIL_SENDMAIL": "/nonexistent/sendmail -t"])
        let transport = SendmailTransport(settings: settings)
        #expect(throws: GatewayError.configuration(key: "TRACKERD_MAIL_SENDMAIL", reason: "/nonexistent/sendmail does not exist or is not executable; install an MTA (e.g. Debian's msmtp-mta or postfix) or set TRACKERD_MAIL_SENDMAIL")) {
            try transport.executable()
        }
        guard case .failed = transport.handOff("x") else {
            Issue.record("a missing MTA must never count as accepted")
            return
        }
    }

    // MARK: The notice run

    @Test(arguments: Backend.allCases, [0, 1, 2])
    func aFailingMTAIsRetriedWithBackOffAndCountsOnlyWhenItAccepts(_ backend: Backend, failures: Int) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        var waits: [TimeInterval] = []
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(),
                                      transport: try Self.flakyMTA(failures: failures, in: mta), retry: MailRetryPolicy(delays: [1, 4]), sleep: { waits.append($0) })
        let results = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "Neue Fassung", mailSubject: "Änderung", sms: nil)
        #expect(results == [.init(customerID: anna, email: .sent, sms: .notTried)])
        #expect(waits == Array([1.0, 4.0].prefix(failures)))
        #expect(Self.invocations(mta) == failures + 1)
        let attempts = try registry.read { db in
            try db.fetchColumn(sql: "SELECT email_attempts FROM notice_deliveries", column: "email_attempts", table: "notice_deliveries", as: Int.self)
        }
        #expect(attempts == [failures + 1])
        #expect(try registry.exportCustomer(id: anna).notices.amendmentNotifiedAt == Fixtures.clock())
        #expect(try registry.pendingNotices(.amendment(version: "v2")).first?.needsEmail == false)
    }

    @Test(arguments: Backend.allCases) func anMTAThatNeverAcceptsIsReportedRecordedAndNeverNotified(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(),
                                      transport: try Self.flakyMTA(failures: 99, in: mta), retry: MailRetryPolicy(delays: [0, 0]), sleep: { _ in })
        let results = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "Neue Fassung", mailSubject: "Änderung", sms: { _, _ in true })
        #expect(results.first?.email == .failed(reason: "the MTA exited 75 (temporary failure) on 3 attempts"))
        #expect(results.first?.sms == .sent)
        #expect(Self.invocations(mta) == 3)
        #expect(try registry.exportCustomer(id: anna).notices.amendmentNotifiedAt == nil)
        let pending = try #require(try registry.pendingNotices(.amendment(version: "v2")).first)
        #expect(pending.needsEmail && !pending.needsSMS)
        #expect(try registry.auditEntries().map(\.action).contains(.emailNoticeFailed))
        #expect(try registry.amendmentGaps().isEmpty, "nobody got it, so nobody was left out")
    }

    @Test(arguments: Backend.allCases) func afterSeveralCustomersFailInARowTheRestAreNotTriedButReported(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let registry = try world.openNew()
        let ids = try (0..<4).map { index in
            try registry.addCustomer(NewCustomer(name: "Kunde \(index)", address: "Weg \(index)", email: "k\(index)@example.de",
                                                 phones: ["+4917055500\(index)0"], adultAttested: true))
        }
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(),
                                      transport: try Self.flakyMTA(failures: 99, in: mta),
                                      retry: MailRetryPolicy(delays: [0, 0], consecutiveFailuresBeforeGivingUp: 2), sleep: { _ in })
        let results = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "x", mailSubject: "y", sms: nil)
        #expect(results.map(\.customerID) == ids)
        #expect(results.map(\.email) == [.failed(reason: "the MTA exited 75 (temporary failure) on 3 attempts"),
                                         .failed(reason: "the MTA exited 75 (temporary failure) on 3 attempts"), .notTried, .notTried])
        #expect(Self.invocations(mta) == 6)
    }

    @Test(arguments: Backend.allCases) func aSecondRunSendsOnlyWhatTheFirstDidNotAndTheTextIsStoredNowhere(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let registry = try world.openNew()
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        let text = "Vertraulicher Hinweis Zugriff auf Kundendaten am 30.11."
        var texted: [String] = []
        // The MTA refuses the first three hand-offs: all of Anna's attempts; Bernd's first one passes.
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(),
                                      transport: try Self.flakyMTA(failures: 3, in: mta), retry: MailRetryPolicy(delays: [0, 0]), sleep: { _ in })
        let first = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: text, mailSubject: "Hinweis",
                                     sms: { number, _ in texted.append(number); return true })
        #expect(first.map(\.email) == [.failed(reason: "the MTA exited 75 (temporary failure) on 3 attempts"), .sent])
        let second = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: text, mailSubject: "Hinweis",
                                      sms: { number, _ in texted.append(number); return true })
        #expect(second == [.init(customerID: anna, email: .sent, sms: .alreadySent), .init(customerID: bernd, email: .alreadySent, sms: .alreadySent)])
        #expect(texted == ["+491701234567", "+491717654321"], "each SMS went once")
        let mails = try Self.messages(mta)
        #expect(mails.count == 2)
        #expect(mails.contains { $0.contains("\nTo: Anna Schmidtmeier <anna.schmidtmeier@example.de>\n") })
        #expect(mails.contains { $0.contains("\nTo: =?UTF-8?B?") && $0.contains(" <bernd.obermueller@example.org>\n") })
        try registry.close()
        let bytes = try world.storedBytes()
        #expect(bytes.range(of: Data("Vertraulicher".utf8)) == nil, "a notice's text never reaches the database")
    }

    @Test(arguments: Backend.allCases, [(33.0, true), (35.0, true), (36.0, false)])
    func theNoFeeWindowRunsFromTheDayTheEmailWasAccepted(_ backend: Backend, _ row: (terminatedOnDay: Double, underAmendment: Bool)) throws {
        let (terminatedOnDay, underAmendment) = row
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let transport = try Self.flakyMTA(failures: 3, in: mta)
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(), transport: transport,
                                      retry: MailRetryPolicy(delays: [0, 0]), sleep: { _ in })
        // Day 0: the MTA is down, the customer is not notified. Day 5: it is.
        _ = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "x", mailSubject: "y", sms: nil)
        #expect(try registry.exportCustomer(id: anna).notices.amendmentNotifiedAt == nil)
        clock.advance(by: 5 * Self.day)
        _ = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "x", mailSubject: "y", sms: nil)
        #expect(try registry.exportCustomer(id: anna).notices.amendmentNotifiedAt == clock.now)
        clock.advance(by: (terminatedOnDay - 5) * Self.day)
        #expect(try registry.terminateCustomer(id: anna).underAmendment == underAmendment)
    }

    @Test(arguments: Backend.allCases) func aCustomerLeftOutOfAnAmendmentOthersGotIsAGap(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let mta = try TemporaryDirectory()
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        _ = try registry.addCustomer(Fixtures.bernd())
        clock.advance(by: Self.day)
        let dispatch = NoticeDispatch(registry: registry, subject: .amendment(version: "v2"), from: try Self.sender(),
                                      transport: try Self.flakyMTA(failures: 3, in: mta), retry: MailRetryPolicy(delays: [0, 0]), sleep: { _ in })
        _ = try dispatch.run(try registry.pendingNotices(.amendment(version: "v2")), text: "x", mailSubject: "y", sms: nil)
        clock.advance(by: Self.day)
        // Joined after the amendment went out: agreed to the new text, no gap.
        _ = try registry.addCustomer(NewCustomer(name: "Cora", address: "Weg 1", email: "cora@example.de", phones: ["+491705550077"], adultAttested: true))
        let gaps = try registry.amendmentGaps()
        #expect(gaps == [Registry.AmendmentGap(version: "v2", customerID: anna, firstSentAt: clock.now.addingTimeInterval(-Self.day))])
        let findings = PrivacyCheck.rightsFindings(requests: [], breaches: [], amendmentGaps: gaps, now: clock.now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(findings.map(\.kind) == [.amendmentNotSent])
        #expect(findings.first?.subject == "customer \(anna)")
    }
}
