import ArgumentParser
import Foundation
import TrackerGateway

extension Trackerd {
    /// `trackerd notify amendment|breach` — notices to customers by SMS through the daemon.
    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send customers a privacy-policy amendment or a data-breach notice by SMS.",
            discussion: """
            The text goes through the running daemon (exit 69 when it is not running) to every \
            consenting phone of each customer; a phone that texted STOP gets nothing. The date is \
            recorded per customer (never the text). Exit 1 when a send failed: the customers it \
            reached are recorded, the others are listed on stderr.
            """,
            subcommands: [Amendment.self, Breach.self])

        struct Amendment: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Notify every active customer of a privacy-policy amendment.",
                discussion: """
                A customer who terminates within 30 days of the notice is marked as terminating \
                under the amendment (no fee).

                Examples:
                  trackerd notify amendment --version 2026-12 \\
                      --text /etc/trackerd/amendment-2026-12.txt
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Option(help: ArgumentHelp("The policy's version tag (letters, digits, . _ -).", valueName: "V")) var version: String
            @OptionGroup var text: TextFileOptions

            func run() throws {
                let tag = try CLIError.reporting { try Registry.validatedVersion(version) }
                let body = try text.read()
                let recipients = try data.withRegistry { registry in try registry.amendmentRecipients() }
                try Notify.send(body, to: recipients, notice: .amendment(version: tag), data: data)
            }
        }

        struct Breach: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Notify the named customers of a personal-data breach.",
                discussion: """
                Examples:
                  trackerd notify breach --customer 12 --customer 14 \\
                      --text /root/breach-notice.txt
                """)
            @OptionGroup var data: DataDirectoryOptions
            @Option(name: .customLong("customer"), help: ArgumentHelp("A customer to notify (repeatable).", valueName: "id")) var customerIDs: [Int64] = []
            @OptionGroup var text: TextFileOptions

            func run() throws {
                let body = try text.read()
                let recipients = try data.withRegistry { registry in try registry.breachRecipients(customerIDs: customerIDs) }
                try Notify.send(body, to: recipients, notice: .breach, data: data)
            }
        }

        /// Sends to each recipient's phones, then records the customers at least one phone accepted.
        static func send(_ body: String, to recipients: [Registry.NoticeRecipient], notice: Registry.Notice, data: DataDirectoryOptions) throws {
            let client = DaemonClient(dataDirectory: data.resolvedDataDirectory())
            // Fail before sending anything when no daemon runs.
            _ = try client.request(["op": "status"], timeout: .seconds(10))
            var reached: [Int64] = []
            var failed: [Int64] = []
            var withoutPhone: [Int64] = []
            for recipient in recipients {
                guard !recipient.phones.isEmpty else {
                    withoutPhone.append(recipient.customerID)
                    continue
                }
                var accepted = 0
                for phone in recipient.phones {
                    do {
                        _ = try client.request(["op": "send", "to": phone.number, "text": body])
                        accepted += 1
                    } catch let failure as CommandFailure where failure.exitCode == .findings {
                        continue
                    }
                }
                if accepted > 0 { reached.append(recipient.customerID) } else { failed.append(recipient.customerID) }
            }
            if !reached.isEmpty {
                try data.withRegistry { registry in try registry.recordNotice(notice, customerIDs: reached) }
            }
            print("notified \(reached.count) customer(s)" + (withoutPhone.isEmpty ? "" : "; \(withoutPhone.count) without a consenting phone"))
            if !failed.isEmpty {
                throw CommandFailure(exitCode: .findings, message: "no phone accepted the notice for customer(s) \(failed.map(String.init).joined(separator: ", "))")
            }
        }
    }
}
