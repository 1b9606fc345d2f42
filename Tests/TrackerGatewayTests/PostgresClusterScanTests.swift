import Foundation
import TestSupport
import Testing
@testable import TrackerGateway

/// DESIGN.md invariant 4 on the shared registry (issue #11): after customers, phones and trackers
/// were added, PostgreSQL's own files — every table and index page, and the write-ahead log in
/// pg_wal — hold no name, address, e-mail or number in clear.
@Suite struct PostgresClusterScanTests {
    @Test func theClustersFilesAndWALHoldNoPlaintextPII() throws {
        // PII of this run alone: other tests share the cluster (and its WAL), and some of them
        // hand-edit plaintext into a column on purpose.
        let tag = String(UInt32.random(in: 1_000_000...9_999_999))
        let name = "Scanmeier \(tag)", address = "Scanweg \(tag), 50667 Köln", email = "scan\(tag)@example.de"
        let phone = "+49170\(tag)", secondPhone = "+49160\(tag)", tracker = "+49151\(tag)"
        let world = try RegistryWorld(.postgres)
        let registry = try world.openNew(gatewayNumber: "+1555\(tag)")
        let customer = try registry.addCustomer(NewCustomer(name: name, address: address, email: email, phones: [phone], adultAttested: true,
                                                            cardToken: "tok_scan_\(tag)", cardLast4: "4242"))
        _ = try registry.addPhone(customerID: customer, number: secondPhone)
        _ = try registry.addTracker(Fixtures.tracker(customerID: customer, number: tracker))
        try registry.updateCustomer(id: customer, CustomerUpdate(address: address + "-Mitte"))
        // Every dirty page on disk now: what a stolen disk or backup would show.
        _ = try registry.write { db in try db.execute(sql: "CHECKPOINT") }
        try registry.close()

        let files = ByteScan.files(under: try TestPostgres.dataDirectory())
        #expect(files.contains { $0.path.contains("/pg_wal/") }, "the scan covers the write-ahead log")
        #expect(files.count > 100, "the scan covers the cluster's files")
        // The gateway's own number is kept in clear by design: finding it shows the scan reads the rows.
        #expect(!ByteScan.hits(of: ["+1555\(tag)"], in: files).isEmpty, "the scan sees the registry's pages")
        let secrets = [name, "Scanmeier", address, "Scanweg \(tag)", email, "scan\(tag)@", "tok_scan_\(tag)",
                       phone, String(phone.dropFirst()), "170\(tag)", secondPhone, "160\(tag)", tracker, "151\(tag)"]
        let hits = ByteScan.hits(of: secrets, in: files)
        #expect(hits.isEmpty, "\(hits.map { "\($0.file): \($0.needle)" })")
    }
}
