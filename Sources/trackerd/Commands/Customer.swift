import GatewayDaemon
import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd customer …` — manage customer accounts.
    struct Customer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "customer",
            abstract: "Manage customer accounts.",
            discussion: """
            Every command works on the database the daemon uses, while it relays. `list` masks \
            numbers; `show` and `export` print everything held and are recorded in the audit log, \
            as is every change. Exit codes: 0 ok, 64 usage, 65 bad data, 66 unknown id, 74 I/O, 77 permission.
            """,
            subcommands: [Add.self, List.self, Show.self, Update.self, Terminate.self, Erase.self, Export.self, Dispute.self])
    }
}

extension Trackerd.Customer {
    /// `trackerd customer add` — registers an adult customer with one or more phones; prints the id.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a customer and print its id.",
            discussion: """
            Numbers are normalised to E.164 (+, 00, spaces, dashes, brackets; national forms with \
            --default-region). --adult is required: trackerd keeps no data of children. A full card \
            number is refused: only the processor's token and the last four digits are kept.

            Examples:
              trackerd customer add --name "Anna Schmidt" \\
                  --address "Lindenstr. 4, Köln" --email anna@example.de \\
                  --phone "+49 170 1234567" --adult
              trackerd customer add --name Bo --address "Main St 1" \\
                  --email bo@example.com --phone 0170-7654321 \\
                  --default-region 49 --adult --card-token tok_1 --card-last4 4242
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var numbers: NumberOptions

        @Option(help: "Full name.") var name: String
        @Option(help: "Postal address.") var address: String
        @Option(help: "E-mail address.") var email: String
        @Option(name: .customLong("phone"), help: ArgumentHelp("A phone that receives positions (repeatable).", valueName: "E164"))
        var phones: [String] = []
        @Flag(help: "Attest that the customer is an adult (required).") var adult = false
        @Option(name: .customLong("card-token"), help: "The payment processor's card token (never a card number).")
        var cardToken: String?
        @Option(name: .customLong("card-last4"), help: ArgumentHelp("The card's last four digits.", valueName: "NNNN"))
        var cardLast4: String?

        func run() throws {
            let form = NewCustomer(name: name, address: address, email: email, phones: phones,
                                   adultAttested: adult, cardToken: cardToken, cardLast4: cardLast4)
            let id = try data.withRegistry { registry in
                try registry.addCustomer(form, defaultCallingCode: try numbers.callingCode())
            }
            print(id)
        }
    }

    /// `trackerd customer list` — every customer, numbers masked.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List customers (numbers masked).",
            discussion: """
            A customer whose rows cannot be read is named on stderr, without its data, after the \
            others are listed, and the exit code is then 65.

            Examples:
              trackerd customer list
              trackerd customer list --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions

        struct Row: Codable {
            var id: Int64
            var status: CustomerStatus
            var name: String?
            var phones: [String]
            var trackers: [String]
            var disputeHold: Bool
            var createdAt: Date
            var terminatedAt: Date?
        }

        func run() throws {
            let listing = try data.withRegistry { registry in try registry.customerListing() }
            let rows = listing.rows.map { record in
                Row(id: record.id, status: record.status, name: record.profile?.name,
                    phones: record.phones.map { NumberMask.mask($0.number) },
                    trackers: record.trackers.map { NumberMask.mask($0.number) },
                    disputeHold: record.disputeHold, createdAt: record.createdAt, terminatedAt: record.terminatedAt)
            }
            if output.json {
                print(try JSONOutput.string(rows))
            } else {
                for row in rows {
                    let hold = row.disputeHold ? "  HOLD" : ""
                    print("\(row.id)\t\(row.status.rawValue)\t\(row.name ?? "-")\tphones: \(row.phones.joined(separator: ", "))\ttrackers: \(row.trackers.count)\(hold)")
                }
            }
            try UnreadableRows.report(listing.unreadable)
        }
    }

    /// `trackerd customer show ID` — everything held on one customer; audited.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show everything held on one customer (recorded in the audit log).",
            discussion: """
            Examples:
              trackerd customer show 12
              trackerd customer show 12 --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64

        func run() throws {
            let record = try data.withRegistry { registry in try registry.exportCustomer(id: id, action: .customerShow) }
            if output.json {
                print(try JSONOutput.string(record))
                return
            }
            print(CustomerRendering.text(record))
        }
    }

    /// `trackerd customer update ID` — corrects fields (the right to rectification); audited.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Correct a customer's name, address, e-mail or card token.",
            discussion: """
            Only the fields given change; each passes the rules of `customer add`. Numbers are \
            changed with `phone add` and `phone remove`.

            Examples:
              trackerd customer update 12 --email anna.schmidt@example.de
              trackerd customer update 12 --address "Hafenweg 9, 20457 Hamburg" \\
                  --request 4
              trackerd customer update 12 --card-token tok_new --card-last4 1881
              trackerd customer update 12 --remove-card
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64
        @Option(help: "Full name.") var name: String?
        @Option(help: "Postal address.") var address: String?
        @Option(help: "E-mail address.") var email: String?
        @Option(name: .customLong("card-token"), help: "The payment processor's card token (never a card number).") var cardToken: String?
        @Option(name: .customLong("card-last4"), help: ArgumentHelp("The card's last four digits.", valueName: "NNNN")) var cardLast4: String?
        @Flag(name: .customLong("remove-card"), help: "Forget the card token and last four digits.") var removeCard = false
        @Option(name: .customLong("request"), help: ArgumentHelp("The verified correction request this answers; closed as done.", valueName: "id")) var requestID: Int64?

        func run() throws {
            let update = CustomerUpdate(name: name, address: address, email: email, cardToken: cardToken, cardLast4: cardLast4, removeCard: removeCard)
            try data.withRegistry { registry in
                if let requestID { try registry.updateCustomer(id: id, update, answering: requestID) } else { try registry.updateCustomer(id: id, update) }
            }
            print("customer \(id) updated" + (requestID.map { "; request \($0) closed" } ?? ""))
        }
    }

    /// `trackerd customer terminate ID` — ends the service and starts the retention clock.
    struct Terminate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "terminate",
            abstract: "End a customer's service; its data is purged after retention.after-termination.",
            discussion: """
            The customer's trackers stop relaying at once. Its data is kept for the grace period \
            (`trackerd config get retention.after-termination`, 30 days by default), then purged by \
            the daemon's sweep or `trackerd retention sweep` — unless a dispute is open. Within 30 \
            days of an amendment notice the termination is marked as under the amendment (no fee).

            Examples:
              trackerd customer terminate 12
              trackerd customer terminate 12 --json
            """)

        @OptionGroup var data: DataDirectoryOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64

        func run() throws {
            let termination = try data.withRegistry { registry in try registry.terminateCustomer(id: id) }
            if output.json {
                print(try JSONOutput.string(termination))
            } else {
                print("customer \(id) terminated" + (termination.underAmendment ? " under the privacy-policy amendment (no fee)" : ""))
            }
        }
    }

    /// `trackerd customer erase ID --yes` — crypto-shreds a customer now.
    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Erase a customer now: destroy its data key and rows (crypto-shredding).",
            discussion: """
            Irreversible, hence --yes. Refused while a dispute is open. Afterwards `show` and \
            `export` answer "no customer with id …"; the audit log keeps the id and the date only.

            Examples:
              trackerd customer erase 12 --yes
              trackerd customer erase 12 --yes --request 5
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64
        @Flag(help: "Confirm the erasure (required).") var yes = false
        @Option(name: .customLong("request"), help: ArgumentHelp("The verified erasure request this answers; closed as done.", valueName: "id")) var requestID: Int64?

        func run() throws {
            guard yes else {
                throw CommandFailure(exitCode: .usage, message: "erasing destroys customer \(id)'s data for good; add --yes to confirm")
            }
            try data.withRegistry { registry in
                if let requestID { try registry.eraseCustomer(id: id, answering: requestID) } else { try registry.eraseCustomer(id: id) }
            }
            print("customer \(id) erased" + (requestID.map { "; request \($0) closed" } ?? ""))
        }
    }

    /// `trackerd customer export ID [--out FILE]` — all data held, as JSON (the access right); audited.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write everything held on a customer as JSON (the right of access).",
            discussion: """
            Includes every field, phone, tracker, notice date and the audit entries about the \
            customer. --out creates a new file with mode 0600; an existing file is not overwritten \
            (exit 74), and an export that was not written is not recorded in the audit log.

            Examples:
              trackerd customer export 12
              trackerd customer export 12 --out /root/customer-12.json
              trackerd customer export 12 --out /root/customer-12.json --request 3
            """)

        @OptionGroup var data: DataDirectoryOptions
        @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64
        @Option(help: ArgumentHelp("Write to this new file instead of stdout.", valueName: "file")) var out: String?
        @Option(name: .customLong("request"), help: ArgumentHelp("The verified access request this answers; closed as done.", valueName: "id")) var requestID: Int64?

        func run() throws {
            try data.withRegistry { registry in
                // The copy is written inside the transaction that audits the export (and closes the
                // request it answers): a copy that could not be written (the file exists, the disk
                // is full) is not recorded as given, and closes nothing.
                var created = false
                let deliver: (CustomerExport) throws -> Void = { export in
                    let json = try JSONOutput.string(export)
                    guard let out else {
                        print(json)
                        return
                    }
                    try SecureFile.createPrivate(out, contents: Array((json + "\n").utf8))
                    created = true
                }
                do {
                    if let requestID {
                        try registry.exportCustomer(id: id, answering: requestID, deliver: deliver)
                    } else {
                        try registry.exportCustomer(id: id, deliver: deliver)
                    }
                } catch {
                    if created, let out { unlink(out) }
                    throw error
                }
            }
        }
    }

    /// `trackerd customer dispute open|close ID --note TEXT`.
    struct Dispute: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dispute",
            abstract: "Open or close a dispute hold, which keeps a terminated customer's data past retention.",
            subcommands: [Open.self, Close.self])

        struct Open: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "open",
                abstract: "Open a dispute: nothing of this customer is purged until it is closed.",
                discussion: """
                The note is sealed with the customer's data (it never enters the audit log).

                Examples:
                  trackerd customer dispute open 12 --note "chargeback 2026-11-02"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64
            @Option(help: "Why the dispute is open.") var note: String

            func run() throws {
                try data.withRegistry { registry in try registry.setDisputeHold(customerID: id, held: true, note: note) }
                print("dispute opened for customer \(id)")
            }
        }

        struct Close: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "close",
                abstract: "Close a dispute: retention applies again from the next sweep.",
                discussion: """
                Examples:
                  trackerd customer dispute close 12 --note "chargeback withdrawn"
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Argument(help: ArgumentHelp("The customer's id.", valueName: "id")) var id: Int64
            @Option(help: "How the dispute ended.") var note: String

            func run() throws {
                try data.withRegistry { registry in try registry.setDisputeHold(customerID: id, held: false, note: note) }
                print("dispute closed for customer \(id)")
            }
        }
    }
}

/// How `customer show` prints a customer.
enum CustomerRendering {
    static func text(_ export: CustomerExport) -> String {
        let dates = ISO8601DateFormatter()
        var lines = [
            "id:          \(export.id)",
            "status:      \(export.status.rawValue)" + (export.disputeHold ? " (dispute open)" : ""),
            "created:     \(dates.string(from: export.createdAt))",
            "adult since: \(dates.string(from: export.adultAttestedAt)) (attested)",
            "name:        \(export.name)",
            "address:     \(export.address.replacingOccurrences(of: "\n", with: ", "))",
            "email:       \(export.email)",
            "card:        " + (export.card.map { "\($0.token) (…\($0.last4))" } ?? "-"),
        ]
        if let terminated = export.terminatedAt {
            lines.append("terminated:  \(dates.string(from: terminated))" + (export.notices.terminatedUnderAmendment ? " (under amendment, no fee)" : ""))
        }
        if let note = export.disputeNote { lines.append("dispute:     \(note)") }
        if let version = export.notices.amendmentVersion, let at = export.notices.amendmentNotifiedAt {
            lines.append("amendment:   \(version) notified \(dates.string(from: at))")
        }
        if let at = export.notices.breachNotifiedAt { lines.append("breach:      notified \(dates.string(from: at))") }
        for phone in export.phones {
            lines.append("phone \(phone.id):     \(phone.number)" + (phone.consents ? "" : " (STOP)"))
        }
        for tracker in export.trackers {
            lines.append("tracker \(tracker.id):   \(tracker.number) \(tracker.model.rawValue) password \(tracker.password)" + (tracker.label.map { " label \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
