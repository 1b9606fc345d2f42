import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// `privacy-check`: location shapes, file modes, retention findings.
@Suite struct PrivacyCheckTests {
    @Test(arguments: [
        ("lat:22.583472 long:113.916880 speed:0.00", true),
        ("52.520008, 13.404954", true),
        ("http://maps.google.com/maps?q=22.5,113.9", true),
        ("https://maps.app.goo.gl/abc", true),
        ("see https://www.openstreetmap.org/#map=18", true),
        ("Lat=N52.52", true),
        ("admin ok", false),
        ("customer.add phone.add", false),
        ("version 1.2 build 3.4", false),
    ])
    func findsLocationShapes(text: String, found: Bool) {
        #expect((PrivacyCheck.locationShape(in: Array(text.utf8)) != nil) == found)
    }

    @Test(arguments: Backend.allCases) func aFreshRegistryHasNoFindings(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        _ = try registry.addCustomer(Fixtures.anna())
        #expect(try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry) == [])
    }

    @Test(arguments: Backend.allCases) func findsALocationFileAndAReadableMode(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let registry = try world.openNew()
        let planted = world.dataDirectory.appendingPathComponent("relay.tmp")
        try Data("lat:22.583472 long:113.916880".utf8).write(to: planted)
        chmod(planted.path, 0o644)
        let findings = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry)
        #expect(findings.map(\.kind) == [.fileMode, .locationAtRest])
        #expect(findings.allSatisfy { $0.subject == planted.path })
        #expect(!findings.description.contains("113.9"), "a finding never repeats the location")
    }

    @Test(arguments: Backend.allCases) func findsCustomersAndAuditPastRetention(_ backend: Backend) throws {
        let world = try RegistryWorld(backend)
        let clock = SettableRegistryClock(Date(timeIntervalSince1970: 1_800_000_000))
        let registry = try Registry.open(dataDirectory: world.dataDirectory, create: true, actor: "operator", clock: { clock.now })
        let anna = try registry.addCustomer(Fixtures.anna())
        try registry.terminateCustomer(id: anna)
        clock.advance(by: 91 * 86_400)
        let kinds = try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry).map(\.kind)
        #expect(kinds == [.pastRetention, .auditPastRetention])
        try registry.runSweep(policy: registry.retentionSettings().policy)
        #expect(try PrivacyCheck.run(dataDirectory: world.dataDirectory, registry: registry) == [])
    }
}
