import Foundation

/// `trackerd privacy-report`: the record of processing as one self-contained page to print or file.
///
/// GDPR Art. 30(1) — categories of data, purposes, recipients, time limits for erasure, a general
/// description of the security measures — read from the live schema and settings, with the open
/// requests and breaches and their clocks (DESIGN.md invariant 8) and today's `privacy-check`
/// findings: the periodic self-assessment the privacy policies promise. It holds no PII beyond
/// counts: ids, kinds, dates and counts only. XHTML (well-formed XML), inline CSS, no script, no
/// external resource.
public enum PrivacyReport {
    /// What the report says about the configuration that is not in the database.
    public struct Setup: Sendable {
        public var dataDirectory: String
        /// The sendmail command, when mail is configured.
        public var sendmail: [String]?
        /// Whether a sender address (`mail.from`) is set, so notices can go by e-mail.
        public var mailFromConfigured: Bool

        public init(dataDirectory: String, sendmail: [String]?, mailFromConfigured: Bool) {
            self.dataDirectory = dataDirectory
            self.sendmail = sendmail
            self.mailFromConfigured = mailFromConfigured
        }
    }

    /// What each sealed or indexed column is, and why it is kept; a column missing here is shown
    /// as unclassified, so a new one cannot slip into the schema unrecorded.
    static let categories: [String: (category: String, purpose: String)] = [
        "customers.name_sealed": ("Name", "identify the account holder; address notices"),
        "customers.address_sealed": ("Postal address", "billing and correspondence"),
        "customers.email_sealed": ("E-mail address", "privacy notices (policy amendments, breaches)"),
        "customers.card_token_sealed": ("Payment processor's card token", "billing (never a card number)"),
        "customers.card_last4_sealed": ("Card's last four digits", "billing enquiries"),
        "customers.dispute_note_sealed": ("Dispute note", "handling a billing dispute"),
        "customers.wrapped_key": ("Customer data key, wrapped", "crypto-shredding on erasure"),
        "phones.number_sealed": ("Phone number", "relaying a tracker's messages to its owner; keyword commands"),
        "trackers.number_sealed": ("Tracker SIM number", "recognising the tracker's reports"),
        "trackers.password_sealed": ("Tracker password", "commanding the tracker on the owner's request"),
        "trackers.label_sealed": ("Tracker label", "choosing a tracker in LOCATE"),
        "rights_requests.note_sealed": ("Data-subject request note", "answering the request"),
        "rights_requests.verification_sealed": ("How the requester's identity was confirmed", "GDPR Art. 12(6)"),
        "rights_requests.closing_note_sealed": ("Request closing note", "proof of how a request was answered"),
        "breaches.summary_sealed": ("Breach summary", "documenting breaches (GDPR Art. 33(5))"),
        "breaches.authority_sealed": ("Supervisory authority told, or why not", "GDPR Art. 33(1) and 33(5)"),
    ]

    public static func render(facts: Registry.ProcessingFacts, findings: [PrivacyCheck.Finding], setup: Setup, now: Date, timeZone: TimeZone) -> String {
        func show(_ date: Date) -> String { RightsDates.display(date, timeZone: timeZone) }
        var page = HTMLPage(title: "trackerd — record of processing")
        page.heading(1, "Record of processing activities")
        page.paragraph("Generated \(show(now)) (\(timeZone.identifier)) from the registry in \(setup.dataDirectory). "
            + "GDPR Art. 30(1). This page holds counts, ids, kinds and dates only — no name, address, e-mail address or number.")

        page.heading(2, "Purpose")
        page.paragraph("Relaying SMS messages from customers' vehicle GPS trackers to the customers' own registered phones, "
            + "forwarding the customers' LOCATE requests to their trackers, and keeping the customer account for billing, "
            + "notices and the customers' rights. A message body lives in memory for the time of one relay and is never stored.")

        page.heading(2, "Categories of personal data")
        var rows = facts.sealedColumns.map { column -> [String] in
            let name = "\(column.table).\(column.column)"
            let known = categories[name]
            let key = column.table == "breaches" || column.column == "wrapped_key" ? "register or customer key" : "the customer's data key"
            return [known?.category ?? "UNCLASSIFIED sealed field", name, known?.purpose ?? "not recorded — add it to the record", "AES-256-GCM, \(key)"]
        }
        rows += facts.blindIndexColumns.map { ["Keyed blind index of a number", "\($0.table).\($0.column)", "finding a sender without storing its number in clear", "HMAC-SHA256"] }
        page.table(["Category", "Column", "Purpose", "Protection"], rows)
        page.paragraph("Not held: locations and message bodies (no table can hold one; the tables are \(facts.tables.joined(separator: ", "))).")

        page.heading(2, "Recipients")
        page.list([
            "The customer's own registered phones that have consented (texting STOP withdraws consent).",
            "The mobile network operator, which carries every SMS (processor of the messages in transit).",
            "The host's mail system (sendmail interface), which carries e-mail notices to the customer"
                + (setup.sendmail.map { ": \($0.joined(separator: " "))" } ?? "") + (setup.mailFromConfigured ? "." : " — no sender address configured, so no e-mail can be sent."),
            "The payment processor, which holds the card itself (trackerd keeps its token).",
        ])

        page.heading(2, "Retention periods")
        page.table(["What", "Kept for"], [
            ["A terminated customer's account", "\(RetentionSettings.format(facts.retention.afterTermination)) after termination, unless a dispute is open (retention.after-termination)"],
            ["Audit log entries (metadata only)", "\(RetentionSettings.format(facts.retention.audit)) (retention.audit)"],
            ["A message body", "the time of one relay, in memory only"],
            ["A received SMS on the modem", "until every destination accepted it, or it expired"],
            ["Data-subject requests and breaches", "ids, kinds, dates and outcomes as proof; notes go with the customer's key on erasure"],
            ["Answering a data-subject request", "\(RetentionSettings.format(facts.rightsDeadline)) from receipt (rights.deadline)"],
        ])

        page.heading(2, "Safeguards in force")
        let fileFindings = findings.filter { $0.kind == .fileMode }.count
        page.list([
            "Each customer's fields sealed with AES-256-GCM under its own data key, wrapped by the master key (keys derived with HKDF-SHA256).",
            "Numbers found through a keyed blind index (HMAC-SHA256), never stored in clear.",
            facts.journalMode == "postgresql"
                ? "Erasure destroys the customer's key (crypto-shredding); the shared PostgreSQL registry keeps deleted row versions until VACUUM and in its WAL, sealed under a master key the server never holds."
                : "Erasure destroys the customer's key (crypto-shredding); SQLite secure_delete is \(facts.secureDelete ? "on" : "OFF").",
            "Foreign keys \(facts.foreignKeys ? "enforced" : "NOT enforced"); journal mode \(facts.journalMode).",
            fileFindings == 0 ? "Key, database and data directory readable by their owner only (checked now)."
                : "\(fileFindings) file(s) readable by group or others — see the findings below.",
            "Audit log of every read of a whole customer and every change: who, when, what, which id — never PII.",
        ])

        page.heading(2, "Counts")
        page.table(["Held now", "Count"], [
            ["Active customers", "\(facts.customersByStatus[.active] ?? 0)"],
            ["Terminated customers (within retention)", "\(facts.customersByStatus[.terminated] ?? 0)"],
            ["Erased customers (id and dates only)", "\(facts.customersByStatus[.erased] ?? 0)"],
            ["Phones (consenting)", "\(facts.phones) (\(facts.consentingPhones))"],
            ["Trackers", "\(facts.trackers)"],
            ["Audit entries", "\(facts.auditEntries)"],
        ])

        page.heading(2, "Data-subject requests")
        let open = facts.requests.filter(\.isOpen)
        let closed = facts.requests.filter { !$0.isOpen }
        page.paragraph("\(open.count) open; \(closed.filter { $0.clock(at: now) == .closedOnTime }.count) closed on time, \(closed.filter { $0.clock(at: now) == .closedLate }.count) closed late.")
        if !open.isEmpty {
            page.table(["Request", "Kind", "Received", "Due", "Clock", "Identity"], open.map { request in
                [String(request.id), request.kind.rawValue, show(request.receivedAt), show(request.dueAt),
                 request.clock(at: now).rawValue + (request.loggedLate ? " (logged late)" : ""), request.verifiedAt == nil ? "not yet confirmed" : "confirmed"]
            })
        }

        page.heading(2, "Breaches")
        if facts.breaches.isEmpty {
            page.paragraph("None recorded.")
        } else {
            page.table(["Breach", "Discovered", "Authority (72 h)", "Customers notified"], facts.breaches.map { breach in
                [String(breach.id), show(breach.discoveredAt),
                 breach.authorityClock(at: now).rawValue + (breach.authorityAt.map { " \(show($0))" } ?? " — due \(show(breach.authorityDue))"),
                 "\(breach.customersNotified) of \(breach.customersOnFile)"]
            })
        }

        page.heading(2, "Findings of privacy-check")
        if findings.isEmpty {
            page.paragraph("No findings.")
        } else {
            page.list(findings.map(\.description), className: "findings")
        }
        return page.rendered()
    }
}
