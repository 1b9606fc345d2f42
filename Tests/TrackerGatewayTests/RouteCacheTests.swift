import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// The route cache in front of a real registry: what it answers from memory, what it holds, and
/// that every change — here or through another connection — is seen at the next look-up.
@Suite struct RouteCacheTests {
    static let tracker = "+491519988776"
    static let phone = "+491701234567"

    func world(_ directory: TemporaryDirectory) throws -> (Registry, RouteCache) {
        let registry = try Fixtures.openNew(in: directory)
        let anna = try registry.addCustomer(Fixtures.anna(phones: [Self.phone]))
        _ = try registry.addTracker(Fixtures.tracker(customerID: anna, number: Self.tracker))
        return (registry, RouteCache(registry))
    }

    @Test func aTrackersRouteIsAnsweredFromMemoryWithoutItsPasswordOrLabel() throws {
        let directory = try TemporaryDirectory()
        let (registry, cache) = try world(directory)
        defer { try? registry.close() }
        guard case .tracker(let fresh) = try cache.role(of: Self.tracker), case .tracker(let cached) = try cache.role(of: Self.tracker) else {
            Issue.record("not a tracker")
            return
        }
        #expect(fresh.password == "123456" && fresh.label == "van", "the first answer is the registry's own")
        #expect(cached.password.isEmpty && cached.label == nil, "the cache keeps no password or label")
        #expect(cached.phones.map(\.number) == [Self.phone])
        #expect(cache.statistics.hits == 1 && cache.statistics.misses == 1)
    }

    @Test func phonesAreNeverCachedAndStrangersAre() throws {
        let directory = try TemporaryDirectory()
        let (registry, cache) = try world(directory)
        defer { try? registry.close() }
        for _ in 0..<3 { _ = try cache.role(of: Self.phone) }
        #expect(cache.statistics.hits == 0)
        for _ in 0..<3 { #expect(try cache.role(of: "+15557770000") == .unknown) }
        #expect(cache.statistics.hits == 2)
    }

    @Test func aChangeThroughAnotherConnectionIsSeenAtTheNextLookup() throws {
        let directory = try TemporaryDirectory()
        let (registry, cache) = try world(directory)
        _ = try cache.role(of: Self.tracker)
        // Another process (the CLI) stops the phone: a second registry on the same file.
        let other = try Fixtures.reopen(directory)
        let phoneID = try other.customer(id: 1).phones[0].phoneID
        try other.setConsent(phoneID: phoneID, consents: false)
        try other.close()
        guard case .tracker(let route) = try cache.role(of: Self.tracker) else {
            Issue.record("not a tracker")
            return
        }
        #expect(route.phones.first?.consents == false)
        #expect(cache.statistics.hits == 0, "a stale route was answered")
        try registry.close()
    }

    @Test func thisProcessesOwnWritesAreSeenToo() throws {
        let directory = try TemporaryDirectory()
        let (registry, cache) = try world(directory)
        defer { try? registry.close() }
        _ = try cache.role(of: Self.tracker)
        // Not through the cache (the retention sweep writes through the registry itself).
        try registry.removeTracker(id: 1)
        #expect(try cache.role(of: Self.tracker) == .unknown)
    }

    @Test func aConsentChangeThroughTheCacheDropsIt() throws {
        let directory = try TemporaryDirectory()
        let (registry, cache) = try world(directory)
        defer { try? registry.close() }
        _ = try cache.role(of: Self.tracker)
        let phoneID = try registry.customer(id: 1).phones[0].phoneID
        try cache.setConsent(phoneID: phoneID, consents: false)
        guard case .tracker(let route) = try cache.role(of: Self.tracker) else {
            Issue.record("not a tracker")
            return
        }
        #expect(route.phones.first?.consents == false)
    }

    @Test func itHoldsNoMoreThanItsBounds() throws {
        let directory = try TemporaryDirectory()
        let registry = try Fixtures.openNew(in: directory)
        defer { try? registry.close() }
        let cache = RouteCache(registry, trackerCapacity: 2, strangerCapacity: 2)
        for number in 0..<5 { _ = try cache.role(of: "+1555777000\(number)") }
        // The two newest strangers are remembered, the oldest is asked again.
        _ = try cache.role(of: "+15557770004")
        _ = try cache.role(of: "+15557770000")
        #expect(cache.statistics.hits == 1)
    }
}
