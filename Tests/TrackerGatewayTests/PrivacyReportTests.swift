import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import Testing
@testable import TrackerGateway

/// `privacy-report`: a well-formed, self-contained page with counts and clocks and no PII (issue 13).
@Suite struct PrivacyReportTests {
    static let utc = TimeZone(identifier: "UTC")!

    /// A registry with two customers, a tracker, requests in every state, a breach and a notice.
    static func populated(_ world: RegistryWorld) throws -> Registry {
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try world.openNew(clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        let bernd = try registry.addCustomer(Fixtures.bernd())
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna))
        let late = try registry.openRequest(NewRightsRequest(customerID: anna, kind: .access, receivedAt: clock.now.addingTimeInterval(-12 * 86_400), note: "Anna Schmidtmeier schrieb"), timeZone: utc)
        _ = try registry.verifyRequest(id: late.id, method: "Rückruf +49 170 1234567")
        let done = try registry.openRequest(NewRightsRequest(customerID: bernd, kind: .objection, receivedAt: clock.now), timeZone: utc)
        _ = try registry.closeRequest(id: done.id, outcome: .withdrawn, note: "Bernd Obermüller zog zurück")
        _ = try registry.recordBreach(discoveredAt: clock.now.addingTimeInterval(-3_600), summary: "Liste mit anna.schmidtmeier@example.de verloren", customerIDs: [anna, bernd])
        try registry.recordNotice(.amendment(version: "v2"), customerIDs: [anna])
        try registry.terminateCustomer(id: bernd)
        return registry
    }

    static func render(_ registry: Registry, _ world: RegistryWorld) throws -> String {
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry, timeZone: utc)
        return PrivacyReport.render(facts: try registry.processingFacts(), findings: findings,
                                    setup: PrivacyReport.Setup(dataDirectory: world.dataDirectory.path, sendmail: ["/usr/sbin/sendmail", "-t", "-oi"], mailFromConfigured: true),
                                    now: registry.currentTime(), timeZone: utc)
    }

    static func texts(of node: XMLNode) -> [String] {
        if node.kind == .text { return [node.stringValue ?? ""] }
        return (node.children ?? []).flatMap(texts(of:))
    }

    @Test(arguments: Backend.allCases) func theReportIsWellFormedSelfContainedAndHoldsCountsAndClocks(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.populated(world)
        let html = try Self.render(registry, world)

        let document = try XMLDocument(data: Data(html.utf8), options: [])
        let root = try #require(document.rootElement())
        #expect(root.name == "html")
        #expect(try root.nodes(forXPath: "//*[local-name()='script' or local-name()='link' or local-name()='img' or local-name()='iframe' or local-name()='object']").isEmpty)
        #expect(try root.nodes(forXPath: "//@src | //@href").isEmpty, "no external resource")
        #expect(try root.nodes(forXPath: "//*[local-name()='style']").count == 1)
        let headings = try root.nodes(forXPath: "//*[local-name()='h2']").map { $0.stringValue ?? "" }
        #expect(headings == ["Purpose", "Categories of personal data", "Recipients", "Retention periods", "Safeguards in force", "Counts",
                             "Data-subject requests", "Breaches", "Findings of privacy-check"])
        let text = Self.texts(of: root).joined(separator: "\n")
        for expected in ["Active customers", "30d after termination", "10d from receipt (rights.deadline)", backend == .sqlite ? "secure_delete is on" : "the server never holds",
                         "1 open; 1 closed on time, 0 closed late.", "overdue", "customers.email_sealed", "phones.blind_index",
                         "request-due: request 1", "breach-authority: breach 1", "1 open"] {
            #expect(text.contains(expected), "the report lacks \(expected)")
        }
        #expect(!text.contains("UNCLASSIFIED"), "every sealed column of the schema has a category and a purpose")
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count == 2, "the XHTML namespace is the only URI")
    }

    @Test(arguments: Backend.allCases) func theReportHoldsNoNameAddressEmailNumberOrNote(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try Self.populated(world)
        let html = try Self.render(registry, world)
        let secrets = ["Anna", "Schmidtmeier", "Lindenstraße", "Köln", "anna.schmidtmeier", "Bernd", "Obermüller", "Hafenweg", "Hamburg",
                       "bernd.obermueller", "example.de", "1701234567", "1717654321", "4915199887766", "99887766", "tok_annas", "123456",
                       "Rückruf", "zog zurück", "verloren", "van"]
        for secret in secrets {
            #expect(!html.contains(secret), "the report names \(secret)")
        }
    }

    @Test func textIsEscapedSoNoValueCanOpenAnElement() throws {
        var page = HTMLPage(title: "a <b> & \"c\"")
        page.paragraph("<script>alert(1)</script> & 'x'")
        page.table(["<th>"], [["a\u{1}b"]])
        let html = page.rendered()
        #expect(!html.contains("<script>"))
        let document = try XMLDocument(data: Data(html.utf8), options: [])
        #expect(try document.rootElement()?.nodes(forXPath: "//*[local-name()='p']").first?.stringValue == "<script>alert(1)</script> & 'x'")
        #expect(try document.rootElement()?.nodes(forXPath: "//*[local-name()='td']").first?.stringValue == "ab")
    }
}
