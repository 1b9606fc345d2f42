import Foundation
import TestSupport
import TrackerProfiles

/// Who is who in a soak: the gateway, customers with two phones each, their trackers.
///
/// The last customer's second phone texts STOP before the first report, so the soak also proves
/// that a phone without consent gets nothing (DESIGN.md invariant 7) while its sibling gets all.
struct SoakCast: Sendable {
    static let gateway = "+15550001111"

    struct Tracker: Sendable {
        var number: String
        var customer: Int
        var model: TrackerModel
        var password: String
        var label: String
    }

    let customers: Int
    /// `phones[c]`: customer c's two phones.
    let phones: [[String]]
    let trackers: [Tracker]
    /// The phone that opted out with STOP.
    let stoppedPhone: String

    init(customers: Int, trackersPerCustomer: Int) {
        self.customers = customers
        phones = (0..<customers).map { c in [Self.number(prefix: "+1555010", c * 2), Self.number(prefix: "+1555010", c * 2 + 1)] }
        let models: [TrackerModel] = [.tk103, .xexun, .gt06, .teltonika]
        trackers = (0..<customers).flatMap { c in
            (0..<trackersPerCustomer).map { k in
                let index = c * trackersPerCustomer + k
                let model = models[index % models.count]
                return Tracker(number: Self.number(prefix: "+1555020", index), customer: c, model: model,
                               password: model == .teltonika ? "4321" : "123456", label: "unit\(k)")
            }
        }
        stoppedPhone = phones[customers - 1][1]
    }

    var allPhones: [String] { phones.flatMap { $0 } }

    /// The phones a report from `tracker` must reach: its customer's, except the one that sent STOP.
    func consentingPhones(ofTracker tracker: Int) -> [String] {
        phones[trackers[tracker].customer].filter { $0 != stoppedPhone }
    }

    /// Every full number the daemon knows: none may appear in its log (DESIGN.md invariant 6).
    var allNumbers: [String] { [Self.gateway] + subscriberNumbers }

    /// The customers' numbers: sealed and blind-indexed, never in a database file in clear
    /// (invariant 4). The gateway's own number is the operator's, kept in the registry as is.
    var subscriberNumbers: [String] { allPhones + trackers.map(\.number) }

    private static func number(prefix: String, _ value: Int) -> String {
        let digits = String(value)
        return prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Fills `data` through the real CLI, as an operator would: `init`, `customer add` with both
    /// phones, `tracker add` for each tracker (DaemonHarness's RegistryTemplate does the same).
    func fillRegistry(_ data: URL) throws {
        let dir = ["--data-dir", data.path]
        try Self.cli(["init"] + dir + ["--own-number", Self.gateway])
        for c in 0..<customers {
            let id = try Self.cli(["customer", "add"] + dir + [
                "--name", "Soak Customer \(c)", "--address", "\(c + 1) Soak Lane, Springfield",
                "--email", "soak\(c)@example.org", "--adult",
            ] + phones[c].flatMap { ["--phone", $0] })
            for tracker in trackers where tracker.customer == c {
                try Self.cli(["tracker", "add"] + dir + [
                    "--customer", id, "--number", tracker.number, "--model", tracker.model.rawValue,
                    "--password", tracker.password, "--label", tracker.label,
                ])
            }
        }
    }

    /// Runs one CLI command that must succeed; its trimmed stdout.
    @discardableResult
    static func cli(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("trackerd", arguments)
        guard result.status == 0 else {
            throw HarnessError("trackerd \(arguments.prefix(2).joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
