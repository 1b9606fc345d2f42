import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension TrackerModel: ExpressibleByArgument {}

extension Trackerd {
    /// `trackerd tracker …` — manage customers' trackers.
    struct Tracker: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tracker",
            abstract: "Manage GPS trackers.",
            subcommands: [Add.self, Remove.self, List.self, Provision.self])
    }
}

extension Trackerd.Tracker {
    /// `trackerd tracker add` — adds a tracker to an active customer; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a tracker to a customer and print its id.",
            discussion: """
            Models: tk103, xexun, gt06, teltonika, generic. The password is the tracker's own \
            command password (teltonika: "<login> <password>"). Then run `tracker provision`.

            Examples:
              trackerd tracker add --customer 12 --number "+49 151 99887766" \\
                  --model tk103 --password 123456 --label van
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(name: .customLong("customer"), help: ArgumentHelp("The customer's id.", valueName: "id")) var customerID: Int64
        @Option(help: ArgumentHelp("The tracker SIM's number.", valueName: "E164")) var number: String
        @Option(help: "The tracker's family.") var model: TrackerModel
        @Option(help: "The tracker's command password (tk103, xexun: required; gt06, teltonika, generic: may be left out).") var password: String = ""
        @Option(help: "A one-word name the customer uses with LOCATE.") var label: String?

        func run() throws {
            let form = NewTracker(customerID: customerID, number: number, model: model, password: password, label: label)
            let id = try data.withRegistry { registry in
                try registry.addTracker(form, defaultCallingCode: try numbers.callingCode())
            }
            print(id)
        }
    }

    /// `trackerd tracker remove ID` — removes a tracker and frees its number.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a tracker; its messages are then deleted unread as from a stranger.",
            discussion: """
            Examples:
              trackerd tracker remove 7
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The tracker's id.", valueName: "id")) var id: Int64

        func run() throws {
            try data.withRegistry { registry in try registry.removeTracker(id: id) }
            print("tracker \(id) removed")
        }
    }

    /// `trackerd tracker list` — trackers with masked numbers.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List trackers (numbers masked).",
            discussion: """
            A tracker whose row cannot be read (an unknown model, a sealed field that does not open) \
            is named on stderr after the others; the exit code is then 65.

            Examples:
              trackerd tracker list
              trackerd tracker list --customer 12 --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("customer"), help: ArgumentHelp("Only this customer's trackers.", valueName: "id")) var customerID: Int64?

        struct Row: Codable {
            var id: Int64
            var customer: Int64
            var number: String
            var model: TrackerModel
            var label: String?
        }

        func run() throws {
            let listing = try data.withRegistry { registry in try registry.trackerListing(customerID: customerID) }
            let rows = listing.rows.map {
                Row(id: $0.id, customer: $0.customerID, number: NumberMask.mask($0.number), model: $0.model, label: $0.label)
            }
            if output.json {
                print(try JSONOutput.string(rows))
            } else {
                for row in rows {
                    print("\(row.id)\tcustomer \(row.customer)\t\(row.number)\t\(row.model.rawValue)" + (row.label.map { "\t\($0)" } ?? ""))
                }
            }
            try UnreadableRows.report(listing.unreadable)
        }
    }

    /// `trackerd tracker provision ID` — makes the gateway's number the tracker's admin number.
    struct Provision: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "provision",
            abstract: "Send the tracker its model's admin-number command through the running daemon.",
            discussion: """
            The daemon sends the commands that make the gateway's numbers — as many of the pool's \
            as the model remembers — the tracker's admin / centre / authorised numbers (tk103, \
            xexun: admin<password> <number>, up to 5; gt06: CENTER,A,<number>#, then SOS,A,… for \
            up to 3 more; teltonika: setparam 4000:<number>;4001:…), one at a time, each waiting \
            for the tracker's acknowledgement, which it keeps from the customer's phones. The \
            registry then records the numbers the tracker obeys: LOCATE goes out of a modem with \
            one of them. Exit 0 acknowledged, 1 no acknowledgement in time, 65 a model without an \
            admin command (generic), 66 unknown tracker, 69 daemon not running.

            Examples:
              trackerd tracker provision 7
              trackerd tracker provision 7 --timeout 300
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The tracker's id.", valueName: "id")) var id: Int64
        @Option(help: ArgumentHelp("Seconds to wait for the acknowledgement.", valueName: "seconds")) var timeout: Int = 120

        func validate() throws {
            guard (1...3_600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
        }

        func run() throws {
            let route = try data.withRegistry { registry in try registry.trackerRoute(id: id) }
            let profile = TrackerCommandProfile.standard(for: route.model)
            guard let expected = profile.adminAcknowledgement, profile.adminTemplate != nil else {
                throw CommandFailure(exitCode: .dataError, message: "tracker \(id) is a \(route.model.rawValue), which has no admin-number command; set it on the device")
            }
            let client = DaemonClient(dataDirectory: data.resolvedDataDirectory())
            let reply = try client.request(["op": "provision", "tracker": id, "timeout": timeout], timeout: .seconds(timeout + 30))
            // The daemon recorded (and audited) the numbers the tracker acknowledged.
            let acknowledged = reply["acknowledged"] as? Bool == true
            guard acknowledged else {
                throw CommandFailure(exitCode: .findings, message: "tracker \(id) sent the admin command but no acknowledgement came within \(timeout) s")
            }
            let numbers = reply["numbers"] as? Int ?? 1
            print("tracker \(id) acknowledged: \(expected) (\(numbers) gateway number\(numbers == 1 ? "" : "s"))")
        }
    }
}
