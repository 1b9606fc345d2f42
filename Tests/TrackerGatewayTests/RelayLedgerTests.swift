import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// Issue #11: the gateways' relay ledger and their once-only jobs, on the real PostgreSQL test
/// cluster (and what a registry of one gateway, SQLite, answers instead).
@Suite(.serialized) struct RelayLedgerTests {
    static let digest = Data((0..<16).map { UInt8($0) })

    /// What happened to the report's claim before, by gateway "A" or "B".
    enum Before: Sendable, CustomStringConvertible {
        case claimed(String, window: Int64 = 3600)
        case done(String)

        var description: String {
            switch self {
            case .claimed(let gateway, let window): "\(gateway) claimed (window \(window) s)"
            case .done(let gateway): "\(gateway) marked done"
            }
        }
    }

    struct Row: Sendable, CustomStringConvertible {
        var before: [Before]
        var claimant: String
        var lease: Int64 = 120
        var answer: String
        var description: String { "\(before) → \(claimant) claims with lease \(lease) s: \(answer)" }
    }

    static let rows: [Row] = [
        Row(before: [], claimant: "B", answer: "mine"),
        Row(before: [.claimed("A")], claimant: "B", answer: "elsewhere"),
        Row(before: [.claimed("A"), .done("A")], claimant: "B", answer: "relayed"),
        Row(before: [.claimed("A"), .done("A")], claimant: "A", answer: "relayed"),
        Row(before: [.claimed("A")], claimant: "A", answer: "mine"),
        // A died mid-relay: once its claim is older than the lease, B takes the report over.
        Row(before: [.claimed("A")], claimant: "B", lease: 0, answer: "mine"),
        Row(before: [.claimed("A"), .done("A")], claimant: "B", lease: 0, answer: "relayed"),
        // Past the duplicate window a claim is forgotten, done or not.
        Row(before: [.claimed("A", window: 0), .done("A")], claimant: "B", answer: "mine"),
        // Only the claimant marks its claim done.
        Row(before: [.claimed("A"), .done("B")], claimant: "B", answer: "elsewhere"),
    ]

    static func name(_ claim: RelayClaim) -> String {
        switch claim {
        case .mine(let ticket): ticket == nil ? "mine without ticket" : "mine"
        case .relayed: "relayed"
        case .elsewhere: "elsewhere"
        }
    }

    @Test(arguments: rows)
    func aClaimIsAnsweredByWhatTheLedgerHolds(_ row: Row) throws {
        let world = try RegistryWorld(.postgres)
        let registry = try world.openNew()
        defer { try? registry.close() }
        for step in row.before {
            switch step {
            case .claimed(let gateway, let window):
                #expect(Self.name(try registry.store.claimRelay(digest: Self.digest, gateway: gateway, window: .seconds(window), lease: .seconds(120))) == "mine")
            case .done(let gateway):
                try registry.store.markRelayed(digest: Self.digest, gateway: gateway)
            }
        }
        let claim = try registry.store.claimRelay(digest: Self.digest, gateway: row.claimant, window: .seconds(3600), lease: .seconds(row.lease))
        #expect(Self.name(claim) == row.answer)
    }

    @Test func aRegistryOfOneGatewayAnswersMineWithoutALedger() throws {
        let world = try RegistryWorld(.sqlite)
        let registry = try world.openNew()
        defer { try? registry.close() }
        let before = try world.contents()
        #expect(try registry.claimRelay(of: Self.message()) == .mine(ticket: nil))
        #expect(try world.contents() == before, "nothing was written")
    }

    static func message(text: String = "lat:51.507351 long:-0.127758 speed:0", stampedAt seconds: TimeInterval = 1_790_000_000) -> IncomingMessage {
        IncomingMessage(sender: "+639170000001", text: text, isUCS2: false, timestamp: Date(timeIntervalSince1970: seconds),
                        concatenationReference: nil, partCount: 1, storage: [])
    }

    @Test func twoGatewaysOfOneRegistryAgreeOnAReportAndTheLedgerHoldsNoPartOfIt() throws {
        let world = try RegistryWorld(.postgres)
        let gatewayA = try world.openNew()
        let gatewayB = try world.reopen()
        defer { try? gatewayA.close(); try? gatewayB.close() }
        let report = Self.message()
        #expect(gatewayA.relayDigest(of: report) == gatewayB.relayDigest(of: report), "one key, one digest on every gateway")
        #expect(gatewayA.relayDigest(of: report) != gatewayA.relayDigest(of: Self.message(stampedAt: 1_790_000_060)), "another SCTS is another report")
        #expect(gatewayA.relayDigest(of: report) != gatewayA.relayDigest(of: Self.message(text: "lat:51.507352 long:-0.127758 speed:0")))

        // Through the registry: this process claims, a second claim of its own still holds, done makes it a duplicate.
        guard case .mine(let ticket?) = try gatewayA.claimRelay(of: report) else { Issue.record("first claim not this gateway's"); return }
        #expect(Self.name(try gatewayB.claimRelay(of: report)) == "mine", "one process is one claimant, whichever registry handle asks")
        try gatewayA.markRelayed(ticket)
        #expect(try gatewayB.claimRelay(of: report) == .relayed)

        let stored = try world.storedBytes()
        #expect(stored.range(of: Data("51.507351".utf8)) == nil && stored.range(of: Data("+639170000001".utf8)) == nil,
                "the ledger holds a digest, never the report or its sender")
    }

    @Test func expiredClaimsArePurgedAndLiveOnesKept() throws {
        let world = try RegistryWorld(.postgres)
        let registry = try world.openNew()
        defer { try? registry.close() }
        _ = try registry.store.claimRelay(digest: Self.digest, gateway: "A", window: .zero, lease: .seconds(120))
        _ = try registry.store.claimRelay(digest: Data(repeating: 9, count: 16), gateway: "A", window: .seconds(3600), lease: .seconds(120))
        #expect(try registry.purgeRelayClaims() == 1)
        #expect(try registry.purgeRelayClaims() == 0)
    }

    @Test func aJobRunsOnOneGatewayAtATimeAndIsFreeAgainAfterAFailure() throws {
        let world = try RegistryWorld(.postgres)
        let gatewayA = try world.openNew()
        let gatewayB = try world.reopen()
        defer { try? gatewayA.close(); try? gatewayB.close() }
        let inside = try gatewayA.exclusively(job: "retention") { () throws -> String? in
            // B asks while A runs the job: B is told it runs elsewhere; another job is free.
            #expect(try gatewayB.exclusively(job: "retention") { "B ran it" } == nil)
            #expect(try gatewayB.exclusively(job: "audit") { "B ran another" } == "B ran another")
            return "A ran it"
        }
        #expect(inside == "A ran it")
        #expect(try gatewayB.exclusively(job: "retention") { "B ran it" } == "B ran it")

        struct Failure: Error {}
        #expect(throws: Failure.self) { try gatewayA.exclusively(job: "retention") { throw Failure() } }
        #expect(try gatewayB.exclusively(job: "retention") { "B ran it" } == "B ran it", "a job that failed leaves the lock")
    }

    @Test func onSQLiteEveryJobRuns() throws {
        let world = try RegistryWorld(.sqlite)
        let registry = try world.openNew()
        defer { try? registry.close() }
        #expect(try registry.exclusively(job: "retention") { 1 } == 1)
    }
}
