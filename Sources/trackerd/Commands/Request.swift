import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension RequestKind: ExpressibleByArgument {}
extension RequestChannel: ExpressibleByArgument {}
extension RequestOutcome: ExpressibleByArgument {}

extension Trackerd {
    /// `trackerd request open|verify|close|list|show` — the register of data-subject requests.
    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request",
            abstract: "Keep the register of data-subject requests, each with its due date.",
            discussion: """
            A request is due rights.deadline after it was received (10 days unless `trackerd config \
            set rights.deadline 30d`); `privacy-check` reports it from 2 days before. `customer \
            export|update|erase --request ID` answer and close an access, correction or erasure \
            request once the requester's identity is verified. Notes and the verification method \
            are sealed with the customer's data, and go when the customer is erased; ids, kinds, \
            dates and outcomes stay. Dates are ISO 8601 (2026-12-01, 2026-12-01T14:30, with Z or \
            +01:00), in the zone of TZ unless they name one.
            """,
            subcommands: [Open.self, Verify.self, Close.self, List.self, Show.self])

        /// The operator's zone, from TZ.
        static var zone: TimeZone { RightsDates.operatorTimeZone() }

        static func line(_ request: RightsRequest, now: Date) -> String {
            var fields = ["\(request.id)", "customer \(request.customerID)", request.kind.rawValue, request.channel?.rawValue ?? "-",
                          "received \(RightsDates.display(request.receivedAt, timeZone: zone))", "due \(RightsDates.display(request.dueAt, timeZone: zone))",
                          request.clock(at: now).rawValue.uppercased(), request.verifiedAt == nil ? "unverified" : "verified"]
            if let outcome = request.outcome, let closed = request.closedAt {
                fields.append("\(outcome.rawValue) \(RightsDates.display(closed, timeZone: zone))")
            }
            if request.loggedLate { fields.append("logged late") }
            return fields.joined(separator: "\t")
        }

        /// A request as `--json` prints it: the register's fields, its clock now, and whether it was logged late.
        struct Row: Encodable {
            var request: RightsRequest
            var clock: RequestClock

            init(_ request: RightsRequest, now: Date) {
                self.request = request
                clock = request.clock(at: now)
            }

            enum Keys: String, CodingKey { case clock, loggedLate }

            func encode(to encoder: any Encoder) throws {
                try request.encode(to: encoder)
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode(clock, forKey: .clock)
                try container.encode(request.loggedLate, forKey: .loggedLate)
            }
        }

        struct Open: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "open",
                abstract: "Log a request; prints its id and due date.",
                discussion: """
                A request received in the future is refused. One logged after its due date had \
                passed is accepted and shown overdue at once.

                Examples:
                  trackerd request open --customer 12 --kind access --received 2026-12-01 \\
                      --channel email
                  trackerd request open --customer 12 --kind erasure \\
                      --received 2026-12-01T09:15 --note "letter of 30 Nov"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Option(name: .customLong("customer"), help: ArgumentHelp("The customer the request is about.", valueName: "id")) var customerID: Int64
            @Option(help: ArgumentHelp("access, correction, erasure or objection.", valueName: "kind")) var kind: RequestKind
            @Option(help: ArgumentHelp("When the request reached you (ISO 8601).", valueName: "date")) var received: String
            @Option(help: ArgumentHelp("email, letter, phone or sms.", valueName: "channel")) var channel: RequestChannel?
            @Option(help: "A note (sealed with the customer's data).") var note: String?

            func run() throws {
                let zone = Request.zone
                let receivedAt = try CLIError.reporting { try RightsDates.parse(received, field: "--received", timeZone: zone) }
                let (request, now) = try data.withRegistry { registry in
                    (try registry.openRequest(NewRightsRequest(customerID: customerID, kind: kind, channel: channel, receivedAt: receivedAt, note: note), timeZone: zone),
                     registry.currentTime())
                }
                if output.json {
                    print(try JSONOutput.string(Row(request, now: now)))
                    return
                }
                let late = request.clock(at: now) == .overdue ? " (already OVERDUE: it was logged after its due date)" : ""
                print("request \(request.id) due \(RightsDates.display(request.dueAt, timeZone: zone))\(late)")
            }
        }

        struct Verify: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify",
                abstract: "Record how the requester's identity was confirmed.",
                discussion: """
                The method is sealed with the customer's data; the audit log records only that it happened.

                Examples:
                  trackerd request verify 3 --method "called back on the phone number on file"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The request's id.", valueName: "id")) var id: Int64
            @Option(help: "How the identity was confirmed.") var method: String

            func run() throws {
                _ = try data.withRegistry { registry in try registry.verifyRequest(id: id, method: method) }
                print("request \(id) verified")
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "close",
                abstract: "Close a request: done (needs a verified requester), refused or withdrawn.",
                discussion: """
                Examples:
                  trackerd request close 4 --outcome done \\
                      --note "objection upheld, marketing stopped"
                  trackerd request close 5 --outcome refused \\
                      --note "identity could not be confirmed"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The request's id.", valueName: "id")) var id: Int64
            @Option(help: ArgumentHelp("done, refused or withdrawn.", valueName: "outcome")) var outcome: RequestOutcome
            @Option(help: "A note (sealed with the customer's data).") var note: String?

            func run() throws {
                let (request, now) = try data.withRegistry { registry in
                    (try registry.closeRequest(id: id, outcome: outcome, note: note), registry.currentTime())
                }
                print("request \(id) closed: \(outcome.rawValue), \(request.clock(at: now) == .closedOnTime ? "on time" : "LATE")")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List requests with their clocks (no notes).",
                discussion: """
                Clock: on-track, near (due within 2 days), overdue, closed-on-time, closed-late.

                Examples:
                  trackerd request list --open
                  trackerd request list --overdue --json
                """)
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Flag(help: "Only open requests.") var open = false
            @Flag(help: "Only open requests past their due date.") var overdue = false

            func run() throws {
                let (all, now) = try data.withRegistry { registry in (try registry.requests(), registry.currentTime()) }
                let requests = all.filter { request in
                    (!open || request.isOpen) && (!overdue || request.clock(at: now) == .overdue)
                }
                if output.json {
                    print(try JSONOutput.string(requests.map { Row($0, now: now) }))
                    return
                }
                for request in requests { print(Request.line(request, now: now)) }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Show one request with its notes (recorded in the audit log).",
                discussion: "Example:\n  trackerd request show 3")
            @OptionGroup var data: DataDirectoryOptions
            @OptionGroup var output: OutputOptions
            @Argument(help: ArgumentHelp("The request's id.", valueName: "id")) var id: Int64

            func run() throws {
                let (details, now) = try data.withRegistry { registry in (try registry.requestDetails(id: id), registry.currentTime()) }
                if output.json {
                    print(try JSONOutput.string(details))
                    return
                }
                let zone = Request.zone
                var lines = [Request.line(details.request, now: now)]
                if let verified = details.request.verifiedAt { lines.append("verified:  \(RightsDates.display(verified, timeZone: zone))") }
                if let copy = details.request.copyProducedAt { lines.append("copy:      produced \(RightsDates.display(copy, timeZone: zone))") }
                if let note = details.note { lines.append("note:      \(note)") }
                if let method = details.verification { lines.append("method:    \(method)") }
                if let note = details.closingNote { lines.append("closing:   \(note)") }
                if details.customerErased { lines.append("notes:     erased with the customer") }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}
