import Foundation

/// How often and how patiently an e-mail hand-off is retried within one command run.
public struct MailRetryPolicy: Sendable, Equatable {
    /// The waits before the second, third, … attempt.
    public var delays: [TimeInterval]
    /// After this many customers in a row failed every attempt the MTA is taken as down, and the
    /// rest are not tried in this run (they are reported, and the next run sends them).
    public var consecutiveFailuresBeforeGivingUp: Int

    public var attempts: Int { delays.count + 1 }

    public init(delays: [TimeInterval], consecutiveFailuresBeforeGivingUp: Int = 3) {
        precondition(delays.allSatisfy { $0 >= 0 } && consecutiveFailuresBeforeGivingUp >= 1)
        self.delays = delays
        self.consecutiveFailuresBeforeGivingUp = consecutiveFailuresBeforeGivingUp
    }

    /// Three attempts, 1 s and 4 s apart: enough for an MTA restarting, short enough to wait for.
    public static let standard = MailRetryPolicy(delays: [1, 4])
}

/// Sends one notice to every customer that still needs it, by e-mail and by SMS, recording each
/// hand-off as it happens — so an interrupted or failed run leaves exactly the rest to send.
///
/// DESIGN.md invariant 8: a notice counts once handed over — the MTA's exit 0 for e-mail, a modem's
/// acceptance for SMS. A failed e-mail is retried with back-off, then recorded as failed and
/// reported; it is never counted as notified. The text goes to the MTA and the daemon only, never
/// to a log, a row or an error message.
public struct NoticeDispatch {
    /// Sends `text` to one E.164 number; true when the modem accepted it. Throws to stop the run
    /// (the daemon went away).
    public typealias SMSSender = (_ number: String, _ text: String) throws -> Bool

    public enum ChannelResult: Sendable, Equatable {
        case sent
        case alreadySent
        /// Nothing to send on this channel (no consenting phone).
        case none
        case failed(reason: String)
        /// Not tried in this run: the MTA was taken as down.
        case notTried
    }

    public struct CustomerResult: Sendable, Equatable {
        public var customerID: Int64
        public var email: ChannelResult
        public var sms: ChannelResult
    }

    public let registry: Registry
    public let subject: Registry.NoticeSubject
    public let from: MailAddress
    public let transport: SendmailTransport
    public let retry: MailRetryPolicy
    public let sleep: (TimeInterval) -> Void

    public init(registry: Registry, subject: Registry.NoticeSubject, from: MailAddress, transport: SendmailTransport,
                retry: MailRetryPolicy = .standard, sleep: @escaping (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.registry = registry
        self.subject = subject
        self.from = from
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
    }

    /// Checks an e-mail subject the operator gave: not blank, one line, at most 200 characters.
    public static func validatedSubject(_ text: String) throws -> String {
        try FreeText.validated(text, field: "--subject", maximumLength: 200)
    }

    /// Sends `text` (with `mailSubject` as the e-mail's Subject) to `recipients`, in order; SMS only
    /// when `sms` is given. Each customer's outcome is recorded before the next one is tried.
    public func run(_ recipients: [Registry.PendingNotice], text: String, mailSubject: String, sms: SMSSender?) throws -> [CustomerResult] {
        var results: [CustomerResult] = []
        var failuresInARow = 0
        for recipient in recipients {
            var result = CustomerResult(customerID: recipient.customerID, email: .alreadySent, sms: .alreadySent)
            if recipient.needsEmail {
                if failuresInARow >= retry.consecutiveFailuresBeforeGivingUp {
                    result.email = .notTried
                } else {
                    result.email = try sendEmail(to: recipient, text: text, mailSubject: mailSubject)
                    failuresInARow = result.email == .sent ? 0 : failuresInARow + 1
                }
            }
            if !recipient.needsSMS {
                result.sms = recipient.smsSentAt != nil ? .alreadySent : .none
            } else if let sms {
                var accepted = false
                for number in recipient.phones {
                    if try sms(number, text) { accepted = true }
                }
                if accepted { try registry.recordSMSHandOff(subject, customerID: recipient.customerID) }
                result.sms = accepted ? .sent : .failed(reason: "no phone accepted the SMS")
            } else {
                result.sms = .notTried
            }
            results.append(result)
        }
        return results
    }

    /// One customer's e-mail, tried up to ``MailRetryPolicy/attempts`` times; the outcome is recorded.
    func sendEmail(to recipient: Registry.PendingNotice, text: String, mailSubject: String) throws -> ChannelResult {
        let address = MailAddress(displayName: recipient.name, address: try EmailAddress(parsing: recipient.email))
        let message = MailMessage(from: from, to: address, subject: mailSubject, body: text, date: registry.currentTime(),
                                  messageID: MailMessage.newMessageID(domain: from.domain)).rendered()
        var last = SendmailTransport.HandOff.accepted
        for attempt in 1...retry.attempts {
            if attempt > 1 { sleep(retry.delays[attempt - 2]) }
            last = transport.handOff(message)
            if last == .accepted {
                try registry.recordEmailHandOff(subject, customerID: recipient.customerID, accepted: true, attempts: attempt)
                return .sent
            }
        }
        try registry.recordEmailHandOff(subject, customerID: recipient.customerID, accepted: false, attempts: retry.attempts)
        return .failed(reason: "\(last) on \(retry.attempts) attempt\(retry.attempts == 1 ? "" : "s")")
    }
}
