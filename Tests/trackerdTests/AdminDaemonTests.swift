import Foundation
import Simulator
import TestSupport
import TrackerProfiles
import Testing

/// `tracker provision`, `notify` and concurrent administration against the simulator and a real
/// `trackerd run` (issue 5).
@Suite(.serialized) struct AdminDaemonTests {
    static let phoneA = "+15550002001"
    static let phoneB = "+15550002101"
    static let position = TrackerPosition(latitude: 52.520008, longitude: 13.404954)

    struct ProvisionCase: Sendable, CustomStringConvertible {
        var model: TrackerModel
        var password: String
        var acknowledgement: String
        var description: String { model.rawValue }
    }

    @Test(arguments: [
        ProvisionCase(model: .tk103, password: "123456", acknowledgement: "admin ok"),
        ProvisionCase(model: .gt06, password: "000000", acknowledgement: "OK"),
    ])
    func provisionMakesTheGatewayTheAdminAndKeepsTheAcknowledgementFromPhones(_ row: ProvisionCase) async throws {
        let tracker = "+15550003001"
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phoneA)
        _ = try world.ok(["tracker", "add", "--customer", "1", "--number", tracker, "--model", row.model.rawValue, "--password", row.password])
        let simulation = try await world.startGateway(
            phones: [Self.phoneA],
            trackers: [VirtualTrackerConfiguration(number: tracker, model: row.model, password: row.password, authorised: [], position: Self.position)])

        let result = try world.trackerd(["tracker", "provision", "1", "--timeout", "30"])

        #expect(result.status == 0, "\(result.stderr)\n\(world.daemonLog.suffix(2000))")
        #expect(result.stdout == "tracker 1 acknowledged: \(row.acknowledgement) (1 gateway number)\n")
        #expect(simulation.network.tracker(tracker)?.authorised.contains(AdminWorld.gateway) == true)
        #expect(simulation.inbox(of: Self.phoneA)?.isEmpty ?? true, "the acknowledgement is not relayed to the customer")
        #expect(try world.ok(["audit", "--customer", "1"]).contains("tracker.provision"))
    }

    @Test func notifyAmendmentReachesEveryActiveCustomerAndMarksALaterTermination() async throws {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phoneA)
        _ = try world.addCustomer(name: "Bob Quintana", email: "bob@example.net", phone: Self.phoneB)
        let simulation = try await world.startGateway(phones: [Self.phoneA, Self.phoneB], trackers: [])
        let amendment = world.root.appendingPathComponent("amendment.txt")
        try Data("Our privacy policy v2 applies from 1 Jan. You may cancel free of charge within 30 days.\n".utf8).write(to: amendment)

        let result = try world.trackerd(["notify", "amendment", "--version", "v2", "--text", amendment.path])

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("notified 2 customer(s)"))
        for phone in [Self.phoneA, Self.phoneB] {
            let inbox = await simulation.waitForInbox(of: phone, count: 1, timeout: .seconds(20)) ?? []
            #expect(inbox.map(\.text) == ["Our privacy policy v2 applies from 1 Jan. You may cancel free of charge within 30 days."])
        }
        let export = try #require(ProcessRunner.json(try world.ok(["customer", "export", "2"])) as? [String: Any])
        #expect((export["notices"] as? [String: Any])?["amendmentVersion"] as? String == "v2")
        #expect(try world.ok(["customer", "terminate", "2"]).contains("under the privacy-policy amendment"))
        #expect(!world.daemonLog.contains("privacy policy v2"), "the notice text never reaches a log")

        let breach = world.root.appendingPathComponent("breach.txt")
        try Data("We must tell you of a data breach.".utf8).write(to: breach)
        _ = try world.ok(["breach", "record", "--discovered", ISO8601DateFormatter().string(from: Date()), "--summary", breach.path, "--customer", "1"])
        #expect(try world.trackerd(["breach", "notify", "1", "--text", breach.path]).status == 0)
        #expect(await simulation.waitForInbox(of: Self.phoneA, count: 2, timeout: .seconds(20))?.last?.text == "We must tell you of a data breach.")
        #expect(simulation.inbox(of: Self.phoneB)?.count == 1)
        #expect(try world.ok(["audit", "--customer", "1"]).contains("notice.breach"))
    }

    @Test func twentyConcurrentCLIWritesWhileTheDaemonRelaysTwoHundredMessages() async throws {
        let tracker = "+15550003001"
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phoneA)
        _ = try world.ok(["tracker", "add", "--customer", "1", "--number", tracker, "--model", "tk103", "--password", "123456"])
        let simulation = try await world.startGateway(
            phones: [Self.phoneA], trackers: [],
            extraArguments: ["--tracker-per-hour", "100000", "--tracker-burst", "100000"])

        let writes = Task.detached { () -> [Int32] in
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try world.trackerd(["customer", "add", "--name", "Customer \(index)", "--address", "Street \(index)",
                                            "--email", "c\(index)@example.com", "--phone", "+1555001\(String(format: "%04d", index))", "--adult"]).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        var sent = 0
        for batch in 0..<10 {
            for index in 0..<20 {
                try simulation.send(from: tracker, text: "report \(batch * 20 + index)")
            }
            sent += 20
            let inbox = await simulation.waitForInbox(of: Self.phoneA, count: sent, timeout: .seconds(30)) ?? []
            #expect(inbox.count == sent, "batch \(batch): \(inbox.count) of \(sent) relayed")
            if inbox.count != sent { break }
        }
        let statuses = try await writes.value
        #expect(statuses == Array(repeating: 0, count: 20))
        let received = Set((simulation.inbox(of: Self.phoneA) ?? []).map(\.text))
        #expect(received == Set((0..<200).map { "report \($0)" }))
        let customers = try #require(ProcessRunner.json(try world.ok(["customer", "list", "--json"])) as? [[String: Any]])
        #expect(customers.count == 21)
        #expect(!world.daemonLog.contains(" error "), "\(world.daemonLog.suffix(2000))")
    }

    @Test func theDaemonSweepsWhatRetentionSaysIsDue() async throws {
        let world = try AdminWorld()
        _ = try world.addCustomer(phone: Self.phoneA)
        _ = try world.addCustomer(name: "Bob Quintana", email: "bob@example.net", phone: Self.phoneB)
        _ = try world.ok(["config", "set", "retention.after-termination", "0"])
        _ = try world.ok(["customer", "terminate", "1"])
        _ = try world.ok(["customer", "terminate", "2"])
        _ = try world.ok(["customer", "dispute", "open", "2", "--note", "chargeback"])
        _ = try await world.startGateway(phones: [Self.phoneA, Self.phoneB], trackers: [])

        var purged = false
        for _ in 0..<200 where !purged {
            purged = (try? world.ok(["audit", "--customer", "1"]))?.contains("customer.purge") == true
            if !purged { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(purged, "\(world.daemonLog.suffix(2000))")
        #expect(try world.trackerd(["customer", "export", "1"]).status == 66)
        #expect(try world.trackerd(["customer", "export", "2"]).status == 0, "a customer on hold is kept")
    }
}
